"""Reads of the dashboards, from one unit to the whole country.

Everything here reads the figures stored on cycles (`Cycle.self_total`,
`…_eligible`, `work_plan_percent`, `summaries`) and the per-area rows
(`CycleAreaScore`); nothing recomputes a scorecard. Each function states how
many queries it costs; none depends on the number of units.

A reviewer layer's figures count only once its reviewers have finalised it
(`change_areas.models.LAYER_FINAL_FIELD`): its stored columns and area rows
stay empty before, and readers of answers or summaries ask `counted_layer`,
`counted_rows` or `Cycle.counted_summary` — never a layer's working copy.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from change_areas import selectors as ca_selectors
from change_areas import tallies
from change_areas.models import (
    DASHBOARD_COLUMNS,
    OPEN_STATUSES,
    STAGE_ORDER,
    Answer,
    Area,
    CalibrationTally,
    ComponentKind,
    Cycle,
    CycleAreaScore,
    Evidence,
    Framework,
    Layer,
    PredicateAward,
    Question,
    QuestionReview,
    Recommendation,
    RecommendationStatus,
    ReviewStatus,
    Stage,
    WorkPlanItem,
    WorkPlanStatus,
    counted_rows,
)
from declarations.models import Declaration
from service_standards.selectors import published_versions
from units.models import Unit, UnitKind

PAGE_SIZE = 50
NO_CYCLE = "none"  # the stage filter's value for units without a cycle that year


# The portfolio's filter and sort options, each with the label its form offers.
class Eligibility(NamedTuple):
    label: str
    field: str  # a cycle's stored eligibility
    wanted: bool


ELIGIBILITY_FILTERS = {
    "wbk_tpi": Eligibility(gettext_lazy("Layak WBK menurut TPI"), "tpi_wbk_eligible", True),
    "wbbm_tpi": Eligibility(gettext_lazy("Layak WBBM menurut TPI"), "tpi_wbbm_eligible", True),
    "wbk_self": Eligibility(
        gettext_lazy("Layak WBK menurut penilaian unit"), "self_wbk_eligible", True
    ),
    "wbbm_self": Eligibility(
        gettext_lazy("Layak WBBM menurut penilaian unit"), "self_wbbm_eligible", True
    ),
    "not_tpi": Eligibility(
        gettext_lazy("Final dinilai TPI, belum layak WBK"), "tpi_wbk_eligible", False
    ),
}


class Sort(NamedTuple):
    label: str
    column: str  # of the portfolio rows


SORTS = {
    "unit": Sort(gettext_lazy("Urutan unit (pohon)"), "path"),
    "name": Sort(gettext_lazy("Nama unit"), "name"),
    "stage": Sort(gettext_lazy("Tahap"), "stage_rank"),
    "self": Sort(gettext_lazy("Nilai unit"), "self_total"),
    "tpi": Sort(gettext_lazy("Nilai TPI"), "tpi_total"),
    "complete": Sort(gettext_lazy("Kelengkapan"), "self_completeness"),
    "plan": Sort(gettext_lazy("Rencana kerja"), "work_plan_percent"),
}

HISTOGRAM_EDGES = list(range(0, 101, 10))


# --------------------------------------------------------------------------
# Choices shared by the filter forms


def lke_frameworks() -> list[Framework]:
    """Frameworks with an LKE, current first. One query."""
    return list(Framework.objects.with_lke().order_by("-is_current", "-version", "code"))


def cycle_years(root: Unit) -> list[int]:
    """Years that have cycles in the root's subtree, newest first. One query (the tallies)."""
    return tallies.years_of(root)


def default_year(years: list[int], today: datetime.date | None = None) -> int:
    """The newest year with cycles that has begun, else this year."""
    today = today or timezone.localdate()
    started = [year for year in years if year <= today.year]
    return max(started) if started else (max(years) if years else today.year)


def provinces_in(root: Unit) -> list[str]:
    """Provinces of the units in the subtree, sorted. No query: the unit keeps the counts."""
    return sorted(province for province, count in root.province_counts.items() if count > 0)


# --------------------------------------------------------------------------
# Portfolio


@dataclass
class PortfolioFilters:
    year: int
    framework: Framework
    kind: str = ""
    province: str = ""
    stage: str = ""
    eligibility: str = ""
    query: str = ""
    sort: str = "unit"
    descending: bool = False

    @property
    def whole_subtree(self) -> bool:
        """No filter narrows the units or cycles: the kept tallies hold every figure."""
        return not (self.kind or self.province or self.stage or self.eligibility or self.query)


def _conditions(root: Unit, f: PortfolioFilters, *, unit: str, cycle: str) -> Q:
    """The filters as one condition, for querysets of units (`cycle="c__"`) or of cycles (`unit="unit__"`)."""
    condition = Q(**{f"{unit}path__startswith": root.path})
    if f.kind:
        condition &= Q(**{f"{unit}kind": f.kind})
    if f.province:
        condition &= Q(**{f"{unit}province": f.province})
    if f.query:
        condition &= Q(**{f"{unit}name__icontains": f.query}) | Q(
            **{f"{unit}code__icontains": f.query}
        )
    if f.stage == NO_CYCLE:
        condition &= Q(**{f"{cycle}id__isnull": True})
    elif f.stage:
        condition &= Q(**{f"{cycle}stage": f.stage})
    if f.eligibility in ELIGIBILITY_FILTERS:
        eligibility = ELIGIBILITY_FILTERS[f.eligibility]
        condition &= Q(**{f"{cycle}{eligibility.field}": eligibility.wanted})
    return condition


def portfolio_units(root: Unit, f: PortfolioFilters) -> QuerySet[Unit]:
    """Every unit of the subtree matching the filters, with its cycle of the year and
    framework (LEFT JOIN: units without one have `stage` None), sorted. Unevaluated."""
    units = Unit.objects.annotate(
        c=FilteredRelation(
            "cycles", condition=Q(cycles__year=f.year, cycles__framework=f.framework)
        )
    ).filter(_conditions(root, f, unit="", cycle="c__"))
    return units


def with_cycle_columns(units: QuerySet[Unit]) -> QuerySet[Unit]:
    return units.annotate(
        cycle_id=F("c__id"),
        **{name: F(f"c__{name}") for name in DASHBOARD_COLUMNS},
        stage_rank=Case(
            *(When(c__stage=stage, then=Value(index)) for index, stage in enumerate(STAGE_ORDER)),
            default=Value(-1),
            output_field=IntegerField(),
        ),
    ).only("id", "code", "name", "kind", "province", "regency", "depth", "path", "numchild")


def sorted_rows(units: QuerySet[Unit], f: PortfolioFilters) -> QuerySet[Unit]:
    column = SORTS[f.sort].column if f.sort in SORTS else "path"
    ordering = F(column).desc(nulls_last=True) if f.descending else F(column).asc(nulls_last=True)
    return with_cycle_columns(units).order_by(ordering, "path")


def portfolio_cycles(root: Unit, f: PortfolioFilters) -> QuerySet[Cycle]:
    """The cycles behind the filtered rows (none when filtering units without a cycle)."""
    if f.stage == NO_CYCLE:
        return Cycle.objects.none()
    return Cycle.objects.filter(year=f.year, framework=f.framework).filter(
        _conditions(root, f, unit="unit__", cycle="")
    )


@dataclass
class RollupRow:
    unit: Unit | None
    path: str
    is_root: bool
    units: int
    with_cycle: int
    stages: list[int]
    average_self: float | None
    average_tpi: float | None
    wbk_self: int
    wbk_tpi: int
    wbbm_tpi: int
    open_recommendations: int = 0

    @property
    def without_cycle(self) -> int:
        return self.units - self.with_cycle

    @property
    def stage_items(self) -> list[tuple[str, int]]:
        """(stage label, count) for the stages that have cycles, in workflow order."""
        labels = [label for _value, label in Stage.choices]
        return [(labels[i], count) for i, count in enumerate(self.stages) if count]


def rollup(root: Unit, f: PortfolioFilters) -> list[RollupRow]:
    """Counts per stage, average totals, eligible counts and open recommendations per child of
    the root. Three queries.

    Each unit belongs to the child of the root whose path prefixes its own: the
    first (root.depth + 1) × steplen characters of its path, grouped in SQL.
    """
    length = (root.depth + 1) * Unit.steplen
    stage_counts = {
        f"stage_{index}": Count("pk", filter=Q(c__stage=stage))
        for index, stage in enumerate(STAGE_ORDER)
    }
    groups = list(
        portfolio_units(root, f)
        .annotate(branch=Substr("path", 1, length))
        .order_by()
        .values("branch")
        .annotate(
            units=Count("pk"),
            with_cycle=Count("c__id"),
            average_self=Avg("c__self_total"),
            average_tpi=Avg("c__tpi_total"),
            wbk_self=Count("pk", filter=Q(c__self_wbk_eligible=True)),
            wbk_tpi=Count("pk", filter=Q(c__tpi_wbk_eligible=True)),
            wbbm_tpi=Count("pk", filter=Q(c__tpi_wbbm_eligible=True)),
            **stage_counts,
        )
        .order_by("branch")
    )
    # Always one query, even with no group, so the page's query count never varies.
    branches = [g["branch"] for g in groups] or [root.path]
    names = {
        unit.path: unit
        for unit in Unit.objects.filter(path__in=branches).only(
            "id", "code", "name", "kind", "path", "depth", "numchild"
        )
    }
    recommendations = open_recommendations_by_branch(root, f)
    return [
        RollupRow(
            unit=names.get(group["branch"]),
            path=group["branch"],
            is_root=group["branch"] == root.path,
            units=group["units"],
            with_cycle=group["with_cycle"],
            stages=[group[f"stage_{index}"] for index in range(len(STAGE_ORDER))],
            average_self=_float(group["average_self"]),
            average_tpi=_float(group["average_tpi"]),
            wbk_self=group["wbk_self"],
            wbk_tpi=group["wbk_tpi"],
            wbbm_tpi=group["wbbm_tpi"],
            open_recommendations=recommendations.get(group["branch"], 0),
        )
        for group in groups
    ]


@dataclass
class RollupTotals:
    units: int = 0
    with_cycle: int = 0
    stages: list[int] = field(default_factory=lambda: [0] * len(STAGE_ORDER))
    wbk_self: int = 0
    wbk_tpi: int = 0
    wbbm_tpi: int = 0
    open_recommendations: int = 0
    average_self: float | None = None
    average_tpi: float | None = None

    @property
    def without_cycle(self) -> int:
        return self.units - self.with_cycle


def totals(rows: list[RollupRow]) -> RollupTotals:
    """The roll-up rows added up. No query (exact averages come from `histogram`)."""
    result = RollupTotals()
    for row in rows:
        result.units += row.units
        result.with_cycle += row.with_cycle
        result.stages = [a + b for a, b in zip(result.stages, row.stages, strict=True)]
        result.wbk_self += row.wbk_self
        result.wbk_tpi += row.wbk_tpi
        result.wbbm_tpi += row.wbbm_tpi
        result.open_recommendations += row.open_recommendations
    return result


def histogram(root: Unit, f: PortfolioFilters) -> dict:
    """How many cycles score in each band of ten points, self and TPI, plus exact averages. One query."""
    aggregates = {}
    bands = list(itertools.pairwise(HISTOGRAM_EDGES))
    for layer in ("self", "tpi"):
        column = f"c__{layer}_total"
        for index, (low, high) in enumerate(bands):
            upper = Q(**{f"{column}__lt": high}) if high < 100 else Q(**{f"{column}__lte": high})
            aggregates[f"{layer}_{index}"] = Count(
                "pk", filter=Q(**{f"{column}__gte": low}) & upper & Q(c__id__isnull=False)
            )
        aggregates[f"{layer}_average"] = Avg(column)
    result = portfolio_units(root, f).order_by().aggregate(**aggregates)
    return {
        "labels": [f"{low}–{high}" for low, high in bands],
        "self": [result[f"self_{index}"] for index in range(len(bands))],
        "tpi": [result[f"tpi_{index}"] for index in range(len(bands))],
        "tpi_count": sum(result[f"tpi_{index}"] for index in range(len(bands))),
        "self_average": _float(result["self_average"]),
        "tpi_average": _float(result["tpi_average"]),
    }


@dataclass
class AreaAverage:
    code: str
    name: str
    weight: float
    self_share: float | None  # percent of the area's weight
    tpi_share: float | None
    tpn_share: float | None
    self_value: float | None
    tpi_value: float | None
    count: int


def scored_areas(framework: Framework) -> list[Area]:
    """The framework's scored areas (pengungkit then hasil), in catalog order. One query."""
    return list(
        Area.objects.filter(framework=framework, is_active=True, component__isnull=False)
        .select_related("component")
        .order_by("component__order", "order")
    )


def area_averages(cycles: QuerySet[Cycle], areas: list[Area]) -> list[AreaAverage]:
    """Average value per area and layer over the cycles, from CycleAreaScore. One query."""
    rows = (
        CycleAreaScore.objects.filter(
            counted_rows(),
            cycle__in=cycles.values("pk"),
            layer__in=[Layer.SELF, Layer.TPI, Layer.TPN],
        )
        .order_by()
        .values("area_code", "layer")
        .annotate(average=Avg("value"), weight=Max("weight"), count=Count("pk"))
    )
    found: dict[tuple[str, str], dict] = {(r["area_code"], r["layer"]): r for r in rows}

    def value(code: str, layer: str) -> float | None:
        row = found.get((code, layer))
        return _float(row["average"]) if row else None

    return _area_averages(
        areas, value, lambda code: (found.get((code, Layer.SELF)) or {}).get("count", 0)
    )


@dataclass
class PortfolioSummary:
    rollup: list[RollupRow]
    total: RollupTotals
    distribution: dict
    averages: list[AreaAverage]


def portfolio_summary(root: Unit, f: PortfolioFilters, areas: list[Area]) -> PortfolioSummary:
    """The roll-up, totals, score bands and area averages of the portfolio.

    Without filters they come from the tallies kept per subtree (three
    queries, whatever the subtree's size); with filters, from the filtered
    units and cycles (four queries, each reading the matching rows).
    """
    if f.whole_subtree:
        return _summary_from_tallies(root, f, areas)
    rows = rollup(root, f)
    return PortfolioSummary(
        rollup=rows,
        total=totals(rows),
        distribution=histogram(root, f),
        averages=area_averages(portfolio_cycles(root, f), areas),
    )


def _summary_from_tallies(root: Unit, f: PortfolioFilters, areas: list[Area]) -> PortfolioSummary:
    """The unfiltered summary from the root's and its children's tallies, open
    recommendations included (kept per year: the rows of the years up to the chosen one).
    Three queries."""
    lines = list(
        (Unit.objects.filter(pk=root.pk) | Unit.objects.children_of(root))
        .only("id", "code", "name", "kind", "path", "depth", "numchild", "descendant_count")
        .order_by("path")
    )
    below, own, waiting = tallies.branch_figures_and_recommendations(lines, f.framework.pk, f.year)
    rows = []
    for unit in lines:
        if unit.pk == root.pk:
            figures, units, is_root = own[unit.pk], 1, True
            open_recommendations = waiting.own[unit.pk]
        else:
            figures = tallies.combine(below[unit.pk], own[unit.pk])
            units, is_root = unit.descendant_count + 1, False
            open_recommendations = waiting.below[unit.pk] + waiting.own[unit.pk]
        row = _rollup_row(unit, figures, units=units, is_root=is_root)
        row.open_recommendations = open_recommendations
        rows.append(row)
    whole = tallies.combine(below[root.pk], own[root.pk])
    total = totals(rows)
    return PortfolioSummary(
        rollup=rows,
        total=total,
        distribution=_distribution(whole),
        averages=_area_averages_of(whole, areas),
    )


def _mean(entry: dict | None) -> float | None:
    if not entry or not entry.get("n"):
        return None
    return entry.get("sum", 0) / entry["n"] / tallies.SCALE


def _rollup_row(unit: Unit, figures: dict, *, units: int, is_root: bool = False) -> RollupRow:
    stages = figures.get("stages") or {}
    self_entry = figures.get(Layer.SELF) or {}
    tpi_entry = figures.get(Layer.TPI) or {}
    return RollupRow(
        unit=unit,
        path=unit.path,
        is_root=is_root,
        units=units,
        with_cycle=figures.get("cycles", 0),
        stages=[stages.get(stage, 0) for stage in STAGE_ORDER],
        average_self=_mean(self_entry),
        average_tpi=_mean(tpi_entry),
        wbk_self=self_entry.get("wbk", 0),
        wbk_tpi=tpi_entry.get("wbk", 0),
        wbbm_tpi=tpi_entry.get("wbbm", 0),
    )


def _distribution(figures: dict) -> dict:
    bands = list(itertools.pairwise(HISTOGRAM_EDGES))
    result = {"labels": [f"{low}–{high}" for low, high in bands]}
    for layer in ("self", "tpi"):
        entry = figures.get(layer) or {}
        counts = entry.get("bands") or {}
        result[layer] = [counts.get(str(index), 0) for index in range(len(bands))]
        result[f"{layer}_average"] = _mean(entry)
    result["tpi_count"] = sum(result["tpi"])
    return result


def _area_averages_of(figures: dict, areas: list[Area]) -> list[AreaAverage]:
    by_layer = figures.get("areas") or {}

    def value(code: str, layer: str) -> float | None:
        return _mean((by_layer.get(layer) or {}).get(code))

    return _area_averages(
        areas, value, lambda code: ((by_layer.get(Layer.SELF) or {}).get(code) or {}).get("n", 0)
    )


def _area_averages(
    areas, value: Callable[[str, str], float | None], count: Callable[[str], int]
) -> list[AreaAverage]:
    """Each area's average value per layer and as a share of its weight, with the number of
    cycles its unit average counts, from `value(area code, layer)` and `count(area code)`."""

    def share(code: str, layer: str, weight: float) -> float | None:
        average = value(code, layer)
        return None if average is None or not weight else average / weight * 100

    result = []
    for area in areas:
        weight = float(area.weight or 0)
        result.append(
            AreaAverage(
                code=area.code,
                name=area.name,
                weight=weight,
                self_share=share(area.code, Layer.SELF, weight),
                tpi_share=share(area.code, Layer.TPI, weight),
                tpn_share=share(area.code, Layer.TPN, weight),
                self_value=value(area.code, Layer.SELF),
                tpi_value=value(area.code, Layer.TPI),
                count=count(area.code),
            )
        )
    return result


def export_rows(root: Unit, f: PortfolioFilters):
    """Every filtered row for the spreadsheet, streamed from one query (no page limit)."""
    return (
        sorted_rows(portfolio_units(root, f), f)
        .values(
            "code",
            "name",
            "kind",
            "province",
            "regency",
            "cycle_id",
            *DASHBOARD_COLUMNS,
        )
        .iterator(chunk_size=2000)
    )


# --------------------------------------------------------------------------
# Calibration


@dataclass
class QuestionCalibration:
    code: str
    text: str
    area_code: str
    area_name: str
    pairs: int
    mean_first: float  # 0..1
    mean_second: float
    mean_difference: float  # first − second, 0..1 (a whole option is 0.25–1)
    mean_absolute: float
    over: int  # pairs where the first layer scored higher
    under: int

    @property
    def over_share(self) -> float:
        return self.over / self.pairs * 100 if self.pairs else 0.0

    @property
    def agreement_share(self) -> float:
        return (self.pairs - self.over - self.under) / self.pairs * 100 if self.pairs else 0.0


@dataclass
class AreaCalibration:
    code: str
    name: str
    weight: float
    pairs: int
    mean_first: float  # percent of the area's weight
    mean_second: float
    mean_difference: float  # percentage points of the weight
    mean_absolute: float
    over: int
    under: int


class LayerPair(NamedTuple):
    label: str
    first: str
    second: str


LAYER_PAIRS = {
    "self-tpi": LayerPair(gettext_lazy("Penilaian unit dibanding TPI"), Layer.SELF, Layer.TPI),
    "tpi-tpn": LayerPair(gettext_lazy("TPI dibanding TPN"), Layer.TPI, Layer.TPN),
    "self-tpn": LayerPair(gettext_lazy("Penilaian unit dibanding TPN"), Layer.SELF, Layer.TPN),
}


def calibration(
    root: Unit, *, year: int, framework: Framework, first: str, second: str, areas: list[Area]
) -> tuple[list[AreaCalibration], list[QuestionCalibration]]:
    """Per area and per question: both layers' means over the subtree's finished cycles.

    Read from the calibration tallies (the pairs are stored when the later
    layer is finished: the TPI's finalisation, the TPN's decision) and the
    root's own cycle: at most four queries whatever the subtree's size.
    Questions are sorted by the mean difference, largest over-scoring first.
    """
    sums = tallies.subtree_pairs(root, framework.pk, year, f"{first}-{second}")
    by_area = []
    for area in areas:
        values = sums.get((CalibrationTally.AREA, area.code))
        weight = float(area.weight or 0)
        if not values or not values[0] or not weight:
            continue
        means = _pair_means(values, scale=100 / weight)
        by_area.append(AreaCalibration(code=area.code, name=area.name, weight=weight, **means))
    codes = {
        code: values
        for (kind, code), values in sums.items()
        if kind == CalibrationTally.QUESTION and values[0]
    }
    by_question = []
    if codes:
        for question in Question.objects.filter(
            framework=framework, code__in=list(codes)
        ).select_related("indicator__area"):
            by_question.append(
                QuestionCalibration(
                    code=question.code,
                    text=question.text,
                    area_code=question.indicator.area.code,
                    area_name=question.indicator.area.name,
                    **_pair_means(codes[question.code], scale=1.0),
                )
            )
    by_question.sort(key=lambda item: (-item.mean_difference, item.code))
    return by_area, by_question


def _pair_means(values: list[int], *, scale: float) -> dict:
    """[pairs, Σfirst, Σsecond, Σ|first−second|, over, under] (ten-thousandths) as means × scale."""
    pairs, first, second, absolute, over, under = values
    unit = scale / tallies.SCALE / pairs
    return {
        "pairs": pairs,
        "mean_first": first * unit,
        "mean_second": second * unit,
        "mean_difference": (first - second) * unit,
        "mean_absolute": absolute * unit,
        "over": over,
        "under": under,
    }


# --------------------------------------------------------------------------
# Public predicate registry


@dataclass
class RegistryFilters:
    year: int | None = None
    predicate: str = ""
    province: str = ""
    kind: str = ""
    query: str = ""
    include_revoked: bool = False


def registry_awards(f: RegistryFilters) -> QuerySet[PredicateAward]:
    """Awards of active units matching the filters, newest first. Unevaluated.

    Held awards only, unless `include_revoked` (then revoked ones are listed and
    marked with their revocation date and decree).
    """
    awards = PredicateAward.objects.filter(unit__is_active=True)
    if not f.include_revoked:
        awards = awards.held()
    if f.year:
        awards = awards.filter(year=f.year)
    if f.predicate:
        awards = awards.filter(predicate=f.predicate)
    if f.province:
        awards = awards.filter(unit__province=f.province)
    if f.kind:
        awards = awards.filter(unit__kind=f.kind)
    if f.query:
        awards = awards.filter(
            Q(unit__name__icontains=f.query)
            | Q(unit__code__icontains=f.query)
            | Q(decree_number__icontains=f.query)
        )
    return awards.select_related("unit").order_by("-year", "predicate", "unit__name", "pk")


def registry_counts(awards: QuerySet[PredicateAward]) -> list[dict]:
    """Awards per year and predicate (for the chart and the headline). One query."""
    return list(
        awards.order_by().values("year", "predicate").annotate(count=Count("pk")).order_by("year")
    )


def registry_choices() -> tuple[list[int], list[str]]:
    """Years and provinces that have awards, for the filters. Two queries."""
    years = list(PredicateAward.objects.order_by("-year").values_list("year", flat=True).distinct())
    provinces = list(
        PredicateAward.objects.filter(unit__is_active=True)
        .exclude(unit__province="")
        .order_by("unit__province")
        .values_list("unit__province", flat=True)
        .distinct()
    )
    return years, provinces


# --------------------------------------------------------------------------
# Unit dashboard


@dataclass
class AreaRow:
    code: str
    name: str
    weight: float
    self_value: float | None
    tpi_value: float | None
    tpn_value: float | None

    def share(self, value: float | None) -> float | None:
        return None if value is None or not self.weight else value / self.weight * 100

    @property
    def self_share(self) -> float | None:
        return self.share(self.self_value)

    @property
    def tpi_share(self) -> float | None:
        return self.share(self.tpi_value)

    @property
    def tpn_share(self) -> float | None:
        return self.share(self.tpn_value)


def area_rows(cycle: Cycle) -> list[AreaRow]:
    """Each scored area with its stored value in every layer that counts. No query."""
    layers = {
        layer: cycle.counted_summary(layer).get("areas", {}) for layer in ("self", "tpi", "tpn")
    }
    codes = list(layers["self"]) or list(layers["tpi"]) or list(layers["tpn"])
    rows = []
    for code in codes:
        node = layers["self"].get(code) or layers["tpi"].get(code) or layers["tpn"].get(code)
        rows.append(
            AreaRow(
                code=code,
                name=node.get("name", code),
                weight=float(node.get("weight") or 0),
                self_value=(layers["self"].get(code) or {}).get("value"),
                tpi_value=(layers["tpi"].get(code) or {}).get("value"),
                tpn_value=(layers["tpn"].get(code) or {}).get("value"),
            )
        )
    return rows


@dataclass
class LayerEligibility:
    layer: str
    label: str
    total: float | None
    completeness: float | None
    predicates: list[dict]  # {"code", "label", "eligible", "failed": [messages]}


def eligibility(cycle: Cycle) -> list[LayerEligibility]:
    """WBK and WBBM eligibility per layer that counts, with failed rules. No query."""
    labels = {Layer.SELF: _("Penilaian unit"), Layer.TPI: _("TPI"), Layer.TPN: _("TPN")}
    result = []
    for layer in (Layer.SELF, Layer.TPI, Layer.TPN):
        summary = cycle.counted_summary(layer)
        if not summary:
            continue
        predicates = []
        for code, label in (("wbk", "Menuju WBK"), ("wbbm", "Menuju WBBM")):
            item = summary.get("eligibility", {}).get(code)
            if item is None:
                continue
            predicates.append(
                {
                    "code": code,
                    "label": label,
                    "eligible": item.get("eligible", False),
                    "failed": [ca_selectors.failure_text(f) for f in item.get("failed", [])],
                }
            )
        result.append(
            LayerEligibility(
                layer=layer,
                label=str(labels[layer]),
                total=summary.get("total"),
                completeness=summary.get("completeness"),
                predicates=predicates,
            )
        )
    return result


def review_progress(cycle: Cycle) -> dict[str, tuple[int, int]]:
    """For each reviewer layer reviewing the cycle and not final yet: (questions reviewed,
    questions). One query, always (so a page's count never depends on the stage)."""
    rows = (
        QuestionReview.objects.filter(cycle=cycle, layer__in=[Layer.PRE, Layer.TPI])
        .order_by()
        .values("layer")
        .annotate(total=Count("pk"), reviewed=Count("pk", filter=Q(status=ReviewStatus.ACCEPTED)))
    )
    return {
        row["layer"]: (row["reviewed"], row["total"])
        for row in rows
        if not cycle.layer_counts(row["layer"])
    }


def recommendation_counts(unit: Unit) -> dict[str, int]:
    """The unit's recommendations (every year, layers that count) by status. One query."""
    counts = dict.fromkeys(RecommendationStatus.values, 0)
    for row in (
        Recommendation.objects.filter(counted_rows(), cycle__unit=unit)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    return counts


def open_recommendations_by_branch(root: Unit, f: PortfolioFilters) -> dict[str, int]:
    """Open recommendations (not done, of cycles up to the year) per child of the root. One query."""
    length = (root.depth + 1) * Unit.steplen
    return {
        row["branch"]: row["n"]
        for row in Recommendation.objects.open()
        .filter(
            counted_rows(),
            cycle__unit__path__startswith=root.path,
            cycle__year__lte=f.year,
            cycle__framework=f.framework,
        )
        .annotate(branch=Substr("cycle__unit__path", 1, length))
        .order_by()
        .values("branch")
        .annotate(n=Count("pk"))
    }


def work_plan_by_area(cycle: Cycle, today: datetime.date | None = None) -> list[dict]:
    """Items, average percent, done and overdue per area (cancelled items left out). One query."""
    today = today or timezone.localdate()
    live = ~Q(status=WorkPlanStatus.CANCELLED)
    return list(
        WorkPlanItem.objects.filter(cycle=cycle)
        .order_by()
        .values("area__code", "area__name", "area__order")
        .annotate(
            items=Count("pk", filter=live),
            average=Avg("percent", filter=live),
            done=Count("pk", filter=Q(status=WorkPlanStatus.DONE)),
            overdue=Count("pk", filter=Q(due_date__lt=today, status__in=OPEN_STATUSES)),
        )
        .order_by("area__order", "area__code")
    )


@dataclass
class UnitDashboard:
    unit: Unit
    cycles: list[Cycle]
    cycle: Cycle | None
    events: list = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    eligibility: list[LayerEligibility] = field(default_factory=list)
    work_plan: list[dict] = field(default_factory=list)
    evidence_count: int = 0
    linked_questions: int = 0
    awards: list[PredicateAward] = field(default_factory=list)
    declarations: list = field(default_factory=list)
    standards: list = field(default_factory=list)
    review_progress: dict = field(default_factory=dict)  # layer → (reviewed, total) while reviewed
    recommendations: dict = field(default_factory=dict)  # status → count, every year of the unit

    @property
    def open_recommendations(self) -> int:
        return self.recommendations.get(RecommendationStatus.OPEN, 0) + self.recommendations.get(
            RecommendationStatus.ANSWERED, 0
        )

    @property
    def stages(self) -> list[dict]:
        """The workflow's stages with the cycle's position. No query."""
        if self.cycle is None:
            return []
        current = STAGE_ORDER.index(self.cycle.stage) if self.cycle.stage in STAGE_ORDER else -1
        return [
            {
                "label": label,
                "state": "done" if index < current else "current" if index == current else "todo",
            }
            for index, (value, label) in enumerate(Stage.choices)
        ]


def unit_dashboard(unit: Unit, cycle_id: int | None = None) -> UnitDashboard:
    """Everything the unit dashboard shows. Eleven queries whatever the unit's size, fewer without a cycle."""
    cycles = list(Cycle.objects.for_unit(unit).select_related("framework").order_by("-year", "-pk"))
    cycle = next((c for c in cycles if c.pk == cycle_id), None) if cycle_id else None
    cycle = cycle or (cycles[0] if cycles else None)
    board = UnitDashboard(unit=unit, cycles=cycles, cycle=cycle)
    if cycle is not None:
        board.events = list(cycle.events.select_related("actor"))
        board.areas = area_rows(cycle)
        board.eligibility = eligibility(cycle)
        board.review_progress = review_progress(cycle)
        board.work_plan = work_plan_by_area(cycle)
        board.linked_questions = (
            Answer.objects.filter(cycle=cycle, layer=Layer.SELF, evidence__isnull=False)
            .values("question_id")
            .distinct()
            .count()
        )
    board.evidence_count = Evidence.objects.for_unit(unit).count()
    board.recommendations = recommendation_counts(unit)
    board.awards = list(PredicateAward.objects.for_unit(unit).order_by("-decree_date", "-pk"))
    board.declarations = list(
        Declaration.objects.involving(unit)
        .issued()
        .select_related("unit")
        .order_by("-event_date")[:10]
    )
    board.standards = list(published_versions(unit))
    return board


# --------------------------------------------------------------------------
# Helpers


def _float(value) -> float | None:
    if value is None:
        return None
    return float(value) if not isinstance(value, float) else value


def hasil_codes(areas: list[Area]) -> set[str]:
    return {area.code for area in areas if area.component.kind == ComponentKind.HASIL}


def stage_labels() -> list[str]:
    return [str(label) for _value, label in Stage.choices]


def kind_choices() -> list[tuple[str, str]]:
    return list(UnitKind.choices)


ZERO = Decimal(0)
