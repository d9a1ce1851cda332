"""Per-subtree figures kept current as cycles change, so dashboards cost the same at any size.

What a cycle adds to the dashboards — its stage, each counted layer's total,
score band and eligibility, and its area values — is its *contribution*
(`contribution`). Every unit above the cycle's unit keeps, per framework and
year, the sum of the contributions of the cycles below it (`BranchTally`);
the cycle remembers what it last added (`Cycle.tallied`), so bringing the
sums up to date after any write is: compute the contribution again, add the
difference to the ancestors' rows, remember the new one. The services do
that in the transaction that changes the cycle, as the last write, with the
ancestors' rows locked root first (`cycle_refresh_summary` and every move of
the workflow). A subtree's figures are then its unit's tally plus that
unit's own cycle (`subtree_figures`): two small queries whatever the
subtree's size.

Calibration works the same way, but only with layers that can no longer
change: when the TPI finalises, each question's (self, TPI) value pair and
each area's are added to the ancestors' `CalibrationTally` rows; when the
TPN's decision is recorded, the (TPI, TPN) and (self, TPN) pairs. A unit's
own cycle is read from its answers.

Open recommendations (not done yet) are part of the contribution too, per
layer that counts, from the count the follow-up services keep on the cycle
(`Cycle.open_recommendations`); the portfolio adds them up over the years up
to the chosen one (`branch_figures` reads those years' rows).

A reviewer layer's figures count only once final (`LAYER_FINAL_FIELD`,
docs/architecture.md "A layer's figures count once final"). The tallies are
fed from what `cycle_refresh_summary` stores only once a layer counts (the
`<layer>_total`, eligibility columns and the area rows), and `counts_layer`
asks the layer's final field besides: a layer's share enters its ancestors'
sums in the transaction that makes it final (finalise_tpi, award, decline,
set_by_instansi) and leaves them if it is ever reopened. Calibration pairs are
added once both of their layers count, and taken out if one stops counting.

All values are kept in ten-thousandths (integers), so sums stay exact.
`rebuild()` (`manage.py rebuild_tallies`) recomputes everything from the
cycles, answers and area rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, F, Q

from change_areas.models import (
    LAYER_FINAL_FIELD,
    Answer,
    BranchTally,
    CalibrationPair,
    CalibrationTally,
    Cycle,
    CycleAreaScore,
    Layer,
    Recommendation,
    RecommendationStatus,
    counted_layer,
)
from units.models import Unit

SCALE = 10_000  # values are stored in ten-thousandths
LAYERS = (Layer.SELF, Layer.TPI, Layer.TPN)
BANDS = 10  # score bands of ten points: 0–10, 10–20, … 90–100 (100 included in the last)

# The layers a calibration pair compares, and when both can no longer change.
PAIR_LAYERS: dict[str, tuple[str, str]] = {
    CalibrationPair.SELF_TPI: (Layer.SELF, Layer.TPI),
    CalibrationPair.TPI_TPN: (Layer.TPI, Layer.TPN),
    CalibrationPair.SELF_TPN: (Layer.SELF, Layer.TPN),
}


def units(value) -> int:
    """A stored value (Decimal, float or str with up to 4 decimals) in ten-thousandths."""
    return int((Decimal(str(value)) * SCALE).to_integral_value())


def band(total) -> int | None:
    """The score band (0–9) of a total of 0–100; None outside."""
    value = Decimal(str(total))
    if value < 0 or value > 100:
        return None
    return min(int(value // 10), BANDS - 1)


# --------------------------------------------------------------------------
# What one cycle contributes


def is_final(cycle, layer: str) -> bool:
    """Whether the layer counts on the cycle (LAYER_FINAL_FIELD). Works on any object with the
    cycle's fields (a historical model in a migration, the benchmark's rows). No query."""
    field = LAYER_FINAL_FIELD[layer]
    return field is None or getattr(cycle, field, None) is not None


def counts_layer(cycle, layer: str) -> bool:
    """Whether the layer's scores of the cycle count on the dashboards: the layer is final
    (the unit's own layer always is) and its scorecard is stored in the dashboard columns,
    which `cycle_refresh_summary` writes only once the layer counts."""
    return is_final(cycle, layer) and getattr(cycle, f"{layer}_total") is not None


def finished_pairs(cycle) -> list[str]:
    """The calibration pairs whose two layers both count (can no longer change)."""
    return [
        pair
        for pair, (first, second) in PAIR_LAYERS.items()
        if is_final(cycle, first) and is_final(cycle, second)
    ]


def contribution(cycle: Cycle, areas: dict[str, dict[str, object]] | None = None) -> dict:
    """What the cycle adds to its ancestors' dashboard figures (a nested dict of integers).

    `areas` (layer → area code → value) defaults to the cycle's stored summaries of the
    layers that count. Layers that do not count add nothing.
    """
    if areas is None:
        areas = {
            layer: {
                code: node["value"]
                for code, node in cycle.counted_summary(layer).get("areas", {}).items()
            }
            for layer in LAYERS
        }
    figures: dict = {"cycles": 1, "stages": {cycle.stage: 1}}
    for layer in LAYERS:
        if not counts_layer(cycle, layer):
            continue
        total = getattr(cycle, f"{layer}_total")
        entry: dict = {"n": 1, "sum": units(total)}
        position = band(total)
        if position is not None:
            entry["bands"] = {str(position): 1}
        if getattr(cycle, f"{layer}_wbk_eligible"):
            entry["wbk"] = 1
        if getattr(cycle, f"{layer}_wbbm_eligible"):
            entry["wbbm"] = 1
        figures[layer] = entry
        waiting = (getattr(cycle, "open_recommendations", None) or {}).get(layer, 0)
        if waiting:
            figures["open_recommendations"] = figures.get("open_recommendations", 0) + waiting
        values = areas.get(layer) or {}
        if values:
            figures.setdefault("areas", {})[layer] = {
                code: {"n": 1, "sum": units(value)} for code, value in values.items()
            }
    return figures


def combine(first: dict, second: dict, sign: int = 1) -> dict:
    """first + sign × second, key by key (nested), leaving out what sums to zero."""
    result = dict(first)
    for key, value in second.items():
        if isinstance(value, dict):
            merged = combine(result.get(key) or {}, value, sign)
            if merged:
                result[key] = merged
            else:
                result.pop(key, None)
        else:
            total = result.get(key, 0) + sign * value
            if total:
                result[key] = total
            else:
                result.pop(key, None)
    return result


# --------------------------------------------------------------------------
# Keeping the branch tallies current


def refresh(cycle: Cycle) -> dict:
    """Recompute the cycle's contribution, put it on `cycle.tallied` (not saved) and return
    the difference to add to the ancestors ({} when nothing changed). No query."""
    tallied = dict(cycle.tallied or {})
    before = tallied.get("branch") or {}
    after = contribution(cycle)
    tallied["branch"] = after
    cycle.tallied = tallied
    return combine(after, before, -1)


def add(cycle: Cycle, difference: dict) -> None:
    """Add a difference (from `refresh`) to the tallies of the units above the cycle's unit.

    Two queries (the rows locked root first, then one UPDATE); two more the
    first time a year of a framework reaches an ancestor. Call it inside the
    transaction that saved the cycle, as late as possible (the rows are hot).
    """
    if difference:
        _add_to_branches(cycle.unit.ancestor_paths, cycle.framework_id, cycle.year, difference)


def follow(cycle: Cycle) -> None:
    """`refresh`, save `tallied`, and `add`: for writes that did not include `tallied`."""
    difference = refresh(cycle)
    if difference:
        Cycle.objects.filter(pk=cycle.pk).update(tallied=cycle.tallied)
        add(cycle, difference)


def follow_many(cycles: Iterable[Cycle]) -> None:
    """`follow` for many new cycles at once (a campaign): one write per ancestor and year."""
    by_branch: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    changed = []
    for cycle in cycles:
        difference = refresh(cycle)
        if not difference:
            continue
        changed.append(cycle)
        sums = by_branch[(cycle.framework_id, cycle.year)]
        for path in cycle.unit.ancestor_paths:
            sums[path] = combine(sums.get(path) or {}, difference)
    Cycle.objects.bulk_update(changed, ["tallied"], batch_size=500)
    for (framework_id, year), sums in by_branch.items():
        _add_each_to_branch(sums, framework_id, year)


def _add_to_branches(paths: list[str], framework_id: int, year: int, difference: dict) -> None:
    _add_each_to_branch({path: difference for path in paths}, framework_id, year)


# Rows are locked: inside the caller's transaction (no savepoint), or one of their own.
@transaction.atomic(savepoint=False)
def _add_each_to_branch(differences: dict[str, dict], framework_id: int, year: int) -> None:
    """Add to each unit's (by path) tally row of the framework and year; rows locked by path."""
    if not differences:
        return
    rows = _locked_branches(list(differences), framework_id, year)
    missing = [path for path in differences if path not in rows]
    if missing:
        BranchTally.objects.bulk_create(
            [
                BranchTally(unit_id=pk, framework_id=framework_id, year=year, figures={})
                for pk in Unit.objects.filter(path__in=missing).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        rows.update(_locked_branches(missing, framework_id, year))
    for path, row in rows.items():
        row.figures = combine(row.figures or {}, differences[path])
    BranchTally.objects.bulk_update(list(rows.values()), ["figures"])


def _locked_branches(paths: list[str], framework_id: int, year: int) -> dict[str, BranchTally]:
    return {
        row.path: row
        for row in BranchTally.objects.select_for_update(of=("self",))
        .filter(unit__path__in=paths, framework_id=framework_id, year=year)
        .annotate(path=F("unit__path"))
        .order_by("unit__path")
    }


# --------------------------------------------------------------------------
# Calibration pairs of finished layers


def pair_sums(cycle: Cycle, pairs: Iterable[str]) -> dict[tuple[str, str, str], list[int]]:
    """(pair, kind, code) → [pairs, Σfirst, Σsecond, Σ|first−second|, over, under] of one cycle.

    Question values from the cycle's answers (one query), area values from its
    stored summaries.
    """
    pairs = list(pairs)
    if not pairs:
        return {}
    layers = {layer for pair in pairs for layer in PAIR_LAYERS[pair]}
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for code, layer, value in Answer.objects.filter(
        cycle=cycle, layer__in=layers, value__isnull=False
    ).values_list("question__code", "layer", "value"):
        values[layer][code] = units(value)
    areas = {
        layer: {
            code: units(node["value"])
            for code, node in cycle.summary(layer).get("areas", {}).items()
        }
        for layer in layers
    }
    return _sums_of(pairs, values, areas)


def _sums_of(
    pairs: list[str], questions: dict[str, dict[str, int]], areas: dict[str, dict[str, int]]
) -> dict[tuple[str, str, str], list[int]]:
    result: dict[tuple[str, str, str], list[int]] = {}
    for pair in pairs:
        first, second = PAIR_LAYERS[pair]
        for kind, by_layer in (
            (CalibrationTally.QUESTION, questions),
            (CalibrationTally.AREA, areas),
        ):
            mine, theirs = by_layer.get(first) or {}, by_layer.get(second) or {}
            for code, a in mine.items():
                b = theirs.get(code)
                if b is None:
                    continue
                result[(pair, kind, code)] = [1, a, b, abs(a - b), int(a > b), int(a < b)]
    return result


def calibrate(cycle: Cycle) -> None:
    """Bring the ancestors' calibration rows up to the pairs whose layers count now.

    Called when a layer becomes final (the TPI finalises, the TPN's decision or the
    instansi's is recorded). Values of final layers never change afterwards, so each
    pair is added once; a pair whose layer stopped counting (reopened) is taken out.
    """
    done = set((cycle.tallied or {}).get("pairs", []))
    finished = set(finished_pairs(cycle))
    new = [pair for pair in PAIR_LAYERS if pair in finished and pair not in done]
    gone = [pair for pair in PAIR_LAYERS if pair in done and pair not in finished]
    if not new and not gone:
        return
    paths = cycle.unit.ancestor_paths
    if new:
        _add_pairs(paths, cycle.framework_id, cycle.year, pair_sums(cycle, new))
    if gone:
        _add_pairs(paths, cycle.framework_id, cycle.year, pair_sums(cycle, gone), sign=-1)
    pairs = [pair for pair in PAIR_LAYERS if pair in finished]
    cycle.tallied = {**(cycle.tallied or {}), "pairs": pairs}
    Cycle.objects.filter(pk=cycle.pk).update(tallied=cycle.tallied)


def _add_pairs(
    paths: list[str],
    framework_id: int,
    year: int,
    sums: dict[tuple[str, str, str], list[int]],
    sign: int = 1,
) -> None:
    if not paths or not sums:
        return
    ids = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    _add_pairs_to_units({ids[path]: sums for path in sorted(ids)}, framework_id, year, sign=sign)


# Rows are locked: inside the caller's transaction (no savepoint), or one of their own.
@transaction.atomic(savepoint=False)
def _add_pairs_to_units(
    sums_by_unit: dict[int, dict[tuple[str, str, str], list[int]]],
    framework_id: int,
    year: int,
    *,
    sign: int = 1,
) -> None:
    """Add (or with sign −1 take away) pair sums to the units' calibration rows."""
    fields = ["pairs", "sum_first", "sum_second", "sum_absolute", "over", "under"]
    pairs = {pair for sums in sums_by_unit.values() for pair, _kind, _code in sums}
    existing = {
        (row.unit_id, row.pair, row.kind, row.code): row
        for row in CalibrationTally.objects.select_for_update()
        .filter(
            unit_id__in=list(sums_by_unit), framework_id=framework_id, year=year, pair__in=pairs
        )
        .order_by("unit_id", "pair", "kind", "code")
    }
    changed, created = [], []
    for unit_id, sums in sums_by_unit.items():
        for (pair, kind, code), values in sums.items():
            row = existing.get((unit_id, pair, kind, code))
            if row is None:
                row = CalibrationTally(
                    unit_id=unit_id,
                    framework_id=framework_id,
                    year=year,
                    pair=pair,
                    kind=kind,
                    code=code,
                )
                created.append(row)
            else:
                changed.append(row)
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, getattr(row, name) + sign * value)
    CalibrationTally.objects.bulk_update(changed, fields, batch_size=1000)
    CalibrationTally.objects.bulk_create(created, batch_size=1000)


# --------------------------------------------------------------------------
# Cycles deleted, units moved


def cycle_deleted(sender, instance: Cycle, **kwargs) -> None:
    """pre_delete of a cycle (its answers still there): take it out of its ancestors' sums."""
    unit = Unit.objects.filter(pk=instance.unit_id).only("path", "depth").first()
    tallied = instance.tallied or {}
    if unit is None or not tallied:
        return
    paths = unit.ancestor_paths
    if tallied.get("branch"):
        _add_to_branches(
            paths, instance.framework_id, instance.year, combine({}, tallied["branch"], -1)
        )
    if tallied.get("pairs"):
        _add_pairs(
            paths,
            instance.framework_id,
            instance.year,
            pair_sums(instance, tallied["pairs"]),
            sign=-1,
        )


def unit_moved(
    sender, unit: Unit, old_ancestors: list[int], new_ancestors: list[int], **kwargs
) -> None:
    """`units.services.unit_moved`: carry the moved subtree's sums from the old line to the new."""
    shares: dict[tuple[int, int], dict] = defaultdict(dict)
    for row in BranchTally.objects.filter(unit=unit):
        shares[(row.framework_id, row.year)] = dict(row.figures or {})
    pairs: dict[tuple[int, int], dict] = defaultdict(dict)
    for row in CalibrationTally.objects.filter(unit=unit):
        pairs[(row.framework_id, row.year)][(row.pair, row.kind, row.code)] = [
            row.pairs,
            row.sum_first,
            row.sum_second,
            row.sum_absolute,
            row.over,
            row.under,
        ]
    for cycle in Cycle.objects.filter(unit=unit):
        key = (cycle.framework_id, cycle.year)
        tallied = cycle.tallied or {}
        shares[key] = combine(shares[key], tallied.get("branch") or {})
        for item, values in pair_sums(cycle, tallied.get("pairs", [])).items():
            total = pairs[key].get(item, [0] * 6)
            pairs[key][item] = [a + b for a, b in zip(total, values, strict=True)]
    for line, sign in ((old_ancestors, -1), (new_ancestors, 1)):
        if not line:
            continue
        paths = list(
            Unit.objects.filter(pk__in=line).order_by("path").values_list("path", flat=True)
        )
        for (framework_id, year), figures in shares.items():
            if figures:
                _add_to_branches(paths, framework_id, year, combine({}, figures, sign))
        for (framework_id, year), sums in pairs.items():
            _add_pairs_to_units({pk: sums for pk in sorted(line)}, framework_id, year, sign=sign)


# --------------------------------------------------------------------------
# Reading


def branch_figures(
    units: list[Unit], framework_id: int, year: int
) -> tuple[dict[int, dict], dict[int, dict]]:
    """For each unit: the figures of the cycles below it, and of its own cycle. Two queries."""
    below, own, _waiting = _figures(units, framework_id, year, earlier_years=False)
    return below, own


class Waiting(NamedTuple):
    """Open recommendations per unit (by pk): of the cycles below it, and of its own."""

    below: dict[int, int]
    own: dict[int, int]


def branch_figures_and_recommendations(
    units: list[Unit], framework_id: int, year: int
) -> tuple[dict[int, dict], dict[int, dict], Waiting]:
    """`branch_figures`, and the open recommendations of the cycles below each unit and of its
    own, of every year up to `year`. Two queries, reading one row per unit and year."""
    return _figures(units, framework_id, year, earlier_years=True)


def _figures(
    units: list[Unit], framework_id: int, year: int, *, earlier_years: bool
) -> tuple[dict[int, dict], dict[int, dict], Waiting]:
    """The figures of the year, and the open recommendations of the years read: the year's
    rows only, or (`earlier_years`) those of every year up to it too."""
    years = {"year__lte": year} if earlier_years else {"year": year}
    ids = [unit.pk for unit in units]
    below: dict[int, dict] = {pk: {} for pk in ids}
    own: dict[int, dict] = {pk: {} for pk in ids}
    waiting = Waiting(dict.fromkeys(ids, 0), dict.fromkeys(ids, 0))
    for unit_id, row_year, figures in BranchTally.objects.filter(
        unit_id__in=ids, framework_id=framework_id, **years
    ).values_list("unit_id", "year", "figures"):
        figures = figures or {}
        waiting.below[unit_id] += figures.get("open_recommendations", 0)
        if row_year == year:
            below[unit_id] = figures
    for unit_id, row_year, tallied in Cycle.objects.filter(
        unit_id__in=ids, framework_id=framework_id, **years
    ).values_list("unit_id", "year", "tallied"):
        figures = (tallied or {}).get("branch") or {}
        waiting.own[unit_id] += figures.get("open_recommendations", 0)
        if row_year == year:
            own[unit_id] = figures
    return below, own, waiting


def years_of(unit: Unit) -> list[int]:
    """The years that have cycles in the unit's subtree (its own included), newest first.
    One query, over the unit's tally rows and its own cycles."""
    below = BranchTally.objects.filter(unit=unit).exclude(figures={}).order_by().values_list("year")
    own = Cycle.objects.filter(unit=unit).order_by().values_list("year")
    return sorted({year for (year,) in below.union(own)}, reverse=True)


def year_figures(units: list[Unit], year: int) -> dict[int, dict]:
    """For each unit: the figures of its whole subtree (its own cycles included) in the year,
    every framework added up. Two queries."""
    ids = [unit.pk for unit in units]
    result: dict[int, dict] = {pk: {} for pk in ids}
    for unit_id, figures in BranchTally.objects.filter(unit_id__in=ids, year=year).values_list(
        "unit_id", "figures"
    ):
        result[unit_id] = combine(result[unit_id], figures or {})
    for unit_id, tallied in Cycle.objects.filter(unit_id__in=ids, year=year).values_list(
        "unit_id", "tallied"
    ):
        result[unit_id] = combine(result[unit_id], (tallied or {}).get("branch") or {})
    return result


def subtree_figures(unit: Unit, framework_id: int, year: int) -> dict:
    """The figures of a unit's whole subtree, its own cycle included. Two queries."""
    below, own = branch_figures([unit], framework_id, year)
    return combine(below[unit.pk], own[unit.pk])


def subtree_pairs(
    unit: Unit, framework_id: int, year: int, pair: str
) -> dict[tuple[str, str], list[int]]:
    """(kind, code) → the pair sums over the unit's subtree, its own cycle included.

    Three queries: the unit's calibration rows, its own cycle, and that cycle's answers.
    """
    result: dict[tuple[str, str], list[int]] = {}
    for row in CalibrationTally.objects.filter(
        unit=unit, framework_id=framework_id, year=year, pair=pair
    ):
        result[(row.kind, row.code)] = [
            row.pairs, row.sum_first, row.sum_second, row.sum_absolute, row.over, row.under,
        ]  # fmt: skip
    own = Cycle.objects.filter(unit=unit, framework_id=framework_id, year=year).first()
    layers = PAIR_LAYERS[pair]
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for code, layer, value in Answer.objects.filter(
        counted_layer(layers[0], "cycle__"),
        counted_layer(layers[1], "cycle__"),
        cycle__unit=unit,
        cycle__framework_id=framework_id,
        cycle__year=year,
        layer__in=layers,
        value__isnull=False,
    ).values_list("question__code", "layer", "value"):
        values[layer][code] = units(value)
    if own is not None and pair in (own.tallied or {}).get("pairs", []):
        areas = {
            layer: {
                code: units(node["value"])
                for code, node in own.summary(layer).get("areas", {}).items()
            }
            for layer in layers
        }
        for (_pair, kind, code), sums in _sums_of([pair], values, areas).items():
            total = result.get((kind, code), [0] * 6)
            result[(kind, code)] = [a + b for a, b in zip(total, sums, strict=True)]
    return result


# --------------------------------------------------------------------------
# Rebuilding from scratch


def ancestor_paths(path: str) -> list[str]:
    """The paths of the units above a unit's path, root first (treebeard's steps)."""
    return [path[:length] for length in range(Unit.steplen, len(path), Unit.steplen)]


@transaction.atomic
def rebuild(
    *,
    log: Callable[[str], None] = lambda message: None,
    chunk: int = 2000,
    models: dict | None = None,
) -> dict:
    """Recompute every tally, every cycle's `tallied` and its count of open recommendations,
    from the cycles, area rows, answers and recommendations.

    `models` (name → model class) lets a data migration pass its historical models.
    """
    models = models or {}
    cycle_model = models.get("Cycle", Cycle)
    area_model = models.get("CycleAreaScore", CycleAreaScore)
    answer_model = models.get("Answer", Answer)
    branch_model = models.get("BranchTally", BranchTally)
    calibration_model = models.get("CalibrationTally", CalibrationTally)
    unit_model = models.get("Unit", Unit)
    recommendation_model = models.get("Recommendation", Recommendation)
    branch_model.objects.all().delete()
    calibration_model.objects.all().delete()
    branches: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    pair_totals: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    counted = 0
    ids = list(cycle_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        batch = list(
            cycle_model.objects.filter(pk__in=ids[start : start + chunk])
            .annotate(unit_path=F("unit__path"))
            .defer("summaries")
        )
        areas: dict[int, dict[str, dict[str, object]]] = defaultdict(lambda: defaultdict(dict))
        for cycle_id, layer, code, value in area_model.objects.filter(
            cycle_id__in=[cycle.pk for cycle in batch], layer__in=LAYERS
        ).values_list("cycle_id", "layer", "area_code", "value"):
            areas[cycle_id][layer][code] = value
        finished = {cycle.pk: finished_pairs(cycle) for cycle in batch}
        answers: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        wanted = [cycle.pk for cycle in batch if finished[cycle.pk]]
        if wanted:
            for cycle_id, code, layer, value in answer_model.objects.filter(
                Q(cycle_id__in=wanted), layer__in=LAYERS, value__isnull=False
            ).values_list("cycle_id", "question__code", "layer", "value"):
                answers[cycle_id][layer][code] = units(value)
        waiting: dict[int, dict[str, int]] = defaultdict(dict)
        for cycle_id, layer, count in (
            recommendation_model.objects.filter(cycle_id__in=[cycle.pk for cycle in batch])
            .exclude(status=RecommendationStatus.DONE)
            .order_by()
            .values("cycle_id", "layer")
            .annotate(count=Count("pk"))
            .values_list("cycle_id", "layer", "count")
        ):
            waiting[cycle_id][layer] = count
        for cycle in batch:
            cycle.open_recommendations = waiting.get(cycle.pk, {})
            figures = contribution(cycle, areas.get(cycle.pk, {}))
            cycle.tallied = {"branch": figures}
            key = (cycle.framework_id, cycle.year)
            lineage = ancestor_paths(cycle.unit_path)
            for path in lineage:
                branches[key][path] = combine(branches[key].get(path) or {}, figures)
            if finished[cycle.pk]:
                cycle.tallied["pairs"] = finished[cycle.pk]
                area_units = {
                    layer: {code: units(value) for code, value in values.items()}
                    for layer, values in areas.get(cycle.pk, {}).items()
                }
                sums = _sums_of(finished[cycle.pk], answers.get(cycle.pk, {}), area_units)
                for path in lineage:
                    totals = pair_totals[key].setdefault(path, {})
                    for item, values in sums.items():
                        before = totals.get(item, [0] * 6)
                        totals[item] = [a + b for a, b in zip(before, values, strict=True)]
        cycle_model.objects.bulk_update(batch, ["tallied", "open_recommendations"], batch_size=500)
        counted += len(batch)
        log(f"  {counted}/{len(ids)} cycles")
    ids_by_path = dict(unit_model.objects.values_list("path", "pk"))
    branch_model.objects.bulk_create(
        [
            branch_model(
                unit_id=ids_by_path[path], framework_id=framework_id, year=year, figures=figures
            )
            for (framework_id, year), by_path in branches.items()
            for path, figures in by_path.items()
        ],
        batch_size=1000,
    )
    calibration_model.objects.bulk_create(
        [
            calibration_model(
                unit_id=ids_by_path[path],
                framework_id=framework_id,
                year=year,
                pair=pair,
                kind=kind,
                code=code,
                pairs=values[0],
                sum_first=values[1],
                sum_second=values[2],
                sum_absolute=values[3],
                over=values[4],
                under=values[5],
            )
            for (framework_id, year), by_path in pair_totals.items()
            for path, totals in by_path.items()
            for (pair, kind, code), values in totals.items()
        ],
        batch_size=2000,
    )
    return {
        "cycles": counted,
        "branches": branch_model.objects.count(),
        "calibration": calibration_model.objects.count(),
    }


def kept_state() -> tuple[dict, dict, dict]:
    """What the tallies hold, as plain data to compare with a rebuild: the branch sums, the
    calibration sums and every cycle's `tallied` and open recommendations (rows that sum to nothing left out: kept
    sums may leave such rows behind, a rebuild writes none)."""
    branches = {
        (row.unit_id, row.framework_id, row.year): row.figures
        for row in BranchTally.objects.all()
        if row.figures
    }
    calibration = {
        (row.unit_id, row.framework_id, row.year, row.pair, row.kind, row.code): (
            row.pairs,
            row.sum_first,
            row.sum_second,
            row.sum_absolute,
            row.over,
            row.under,
        )
        for row in CalibrationTally.objects.all()
        if row.pairs
    }
    cycles = {
        pk: (tallied, waiting)
        for pk, tallied, waiting in Cycle.objects.values_list(
            "pk", "tallied", "open_recommendations"
        )
    }
    return branches, calibration, cycles


def matches_a_rebuild() -> bool:
    """Whether the kept tallies equal a rebuild from the cycles. Changes nothing."""
    before = kept_state()
    with transaction.atomic():
        rebuild()
        after = kept_state()
        transaction.set_rollback(True)
    return before == after
