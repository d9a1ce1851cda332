"""Opening cycles and campaigns, and keeping each layer's scorecard summary stored on the cycle."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from change_areas import scoring, selectors, tallies
from change_areas.models import (
    Campaign,
    Cycle,
    CycleAreaScore,
    CycleEvent,
    Framework,
    FrameworkKind,
    Layer,
)
from change_areas.services.history import event
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Unit, UnitKind

# Units that run a programme of their own when a campaign opens over a subtree.
CAMPAIGN_DEFAULT_KINDS = (
    UnitKind.INSTANSI_VERTIKAL,
    UnitKind.SATKER,
    UnitKind.OPD,
    UnitKind.UPT,
)


def _check_windows(fill_opens, fill_closes, review_opens, review_closes) -> None:
    if fill_opens and fill_closes and fill_closes < fill_opens:
        raise ValidationError(_("Tanggal penutupan pengisian harus sesudah tanggal pembukaannya."))
    if review_opens and review_closes and review_closes < review_opens:
        raise ValidationError(_("Tanggal penutupan penilaian harus sesudah tanggal pembukaannya."))


@transaction.atomic
def cycle_open(
    *,
    unit: Unit,
    framework: Framework,
    year: int,
    target: str = "wbk",
    by=None,
    work_plan_framework: Framework | None = None,
    fill_opens: datetime.date | None = None,
    fill_closes: datetime.date | None = None,
    review_opens: datetime.date | None = None,
    review_closes: datetime.date | None = None,
    pre_assessment: bool = False,
) -> Cycle:
    """Open a unit's cycle for a year. Coordinators and unit admins may open one for their unit."""
    if by is not None and not (
        access.can(by, unit, Perm.SUBMIT_SELF) or access.can(by, unit, Perm.ADMINISTER)
    ):
        access.check(by, unit, Perm.ADMINISTER)
    if framework.kind != FrameworkKind.LKE:
        raise ValidationError(_("Siklus evaluasi memerlukan kerangka dengan LKE."))
    _check_windows(fill_opens, fill_closes, review_opens, review_closes)
    if Cycle.objects.filter(unit=unit, framework=framework, year=year).exists():
        raise ValidationError(
            _("%(unit)s sudah memiliki siklus %(year)s dengan %(framework)s.")
            % {"unit": unit, "year": year, "framework": framework}
        )
    cycle = Cycle(
        unit=unit,
        framework=framework,
        work_plan_framework=work_plan_framework or framework,
        year=year,
        target=target,
        fill_opens=fill_opens,
        fill_closes=fill_closes,
        review_opens=review_opens,
        review_closes=review_closes,
        pre_assessment=pre_assessment,
        created_by=by,
    )
    cycle.full_clean()
    record(cycle, by=by, reason="cycle_open")
    cycle.save()
    event(cycle, "cycle_open", by=by)
    cycle_refresh_summary(cycle=cycle, layer=Layer.SELF)
    return cycle


@transaction.atomic
def campaign_open(
    *,
    root: Unit,
    framework: Framework,
    year: int,
    name: str,
    fill_opens: datetime.date,
    fill_closes: datetime.date,
    review_opens: datetime.date,
    review_closes: datetime.date,
    by=None,
    kinds=CAMPAIGN_DEFAULT_KINDS,
    pre_assessment: bool = False,
    target: str = "wbk",
) -> tuple[Campaign, int, int]:
    """Open `framework`/`year` for every active unit of the given kinds below `root`.

    Units that already have a cycle for that framework and year keep it.
    Returns (campaign, cycles created, units skipped). A constant number of
    queries whatever the subtree's size (bulk inserts).
    """
    if by is not None:
        access.check(by, root, Perm.ADMINISTER)
    if framework.kind != FrameworkKind.LKE:
        raise ValidationError(_("Kampanye memerlukan kerangka dengan LKE."))
    _check_windows(fill_opens, fill_closes, review_opens, review_closes)
    campaign = Campaign(
        name=name,
        root=root,
        framework=framework,
        year=year,
        fill_opens=fill_opens,
        fill_closes=fill_closes,
        review_opens=review_opens,
        review_closes=review_closes,
        pre_assessment=pre_assessment,
        created_by=by,
    )
    campaign.full_clean()
    record(campaign, by=by, reason="campaign_open")
    campaign.save()
    units = list(Unit.objects.subtree_of(root).active().filter(kind__in=list(kinds)))
    taken = set(
        Cycle.objects.filter(framework=framework, year=year, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    empty = selectors.summary_of(scoring.score(selectors.catalog_spec(framework), {}))
    cycles = [
        Cycle(
            unit=unit,
            framework=framework,
            work_plan_framework=framework,
            year=year,
            target=target,
            campaign=campaign,
            fill_opens=fill_opens,
            fill_closes=fill_closes,
            review_opens=review_opens,
            review_closes=review_closes,
            pre_assessment=pre_assessment,
            created_by=by,
            summaries={Layer.SELF: empty},
        )
        for unit in units
        if unit.pk not in taken
    ]
    created = bulk_create_with_history(cycles, Cycle, batch_size=500, default_user=by)
    _store_area_scores(created, Layer.SELF, empty)
    tallies.follow_many(created)
    CycleEvent.objects.bulk_create(
        [
            CycleEvent(
                cycle=cycle, action="cycle_open", stage_after=cycle.stage, actor=by, note=name
            )
            for cycle in created
        ],
        batch_size=500,
    )
    return campaign, len(created), len(units) - len(created)


def cycle_refresh_summary(
    *,
    cycle: Cycle,
    layer: str,
    spec: scoring.CatalogSpec | None = None,
    card: scoring.Scorecard | None = None,
) -> scoring.Scorecard:
    """Recompute the layer's scorecard (or take `card`, just computed) and store its summary
    on the cycle, the area rows that changed, and (last, as the rows above the unit are
    shared) the tallies of the units above it. Four queries with `card`."""
    card = card or selectors.scorecard(cycle, layer, spec=spec)
    before = cycle.summary(layer).get("areas")
    summaries = dict(cycle.summaries or {})
    summaries[layer] = selectors.summary_of(card)
    cycle.summaries = summaries
    fields = ["summaries"]
    if layer in (Layer.SELF, Layer.TPI, Layer.TPN):
        setattr(cycle, f"{layer}_total", Decimal(str(round(card.total, 4))))
        setattr(cycle, f"{layer}_completeness", Decimal(str(round(card.completeness, 4))))
        setattr(cycle, f"{layer}_wbk_eligible", card.eligibility["wbk"].eligible)
        setattr(cycle, f"{layer}_wbbm_eligible", card.eligibility["wbbm"].eligible)
        fields += [
            f"{layer}_total",
            f"{layer}_completeness",
            f"{layer}_wbk_eligible",
            f"{layer}_wbbm_eligible",
        ]
    difference = tallies.refresh(cycle)
    fields.append("tallied")
    Cycle.objects.filter(pk=cycle.pk).update(**{name: getattr(cycle, name) for name in fields})
    if before is None:
        _store_area_scores([cycle], layer, summaries[layer])
    else:
        _update_area_scores(cycle, layer, before, summaries[layer].get("areas", {}))
    tallies.add(cycle, difference)
    return card


def _update_area_scores(cycle: Cycle, layer: str, before: dict, after: dict) -> None:
    """Write the area rows whose figures changed (one query), remove those gone (rare)."""
    changed = [code for code, node in after.items() if before.get(code) != node]
    if changed:
        CycleAreaScore.objects.bulk_create(
            [_area_score(cycle, layer, code, after[code]) for code in changed],
            update_conflicts=True,
            unique_fields=["cycle", "layer", "area_code"],
            update_fields=["value", "weight", "answered", "questions"],
        )
    gone = [code for code in before if code not in after]
    if gone:
        CycleAreaScore.objects.filter(cycle=cycle, layer=layer, area_code__in=gone).delete()


def _area_score(cycle: Cycle, layer: str, code: str, node: dict) -> CycleAreaScore:
    return CycleAreaScore(
        cycle=cycle,
        layer=layer,
        area_code=code,
        value=Decimal(str(node["value"])),
        weight=Decimal(str(node["weight"])),
        answered=node["answered"],
        questions=node["questions"],
    )


def _store_area_scores(cycles: list[Cycle], layer: str, summary: dict) -> None:
    """Replace the cycles' area rows of the layer with the summary's figures. Two queries."""
    CycleAreaScore.objects.filter(cycle__in=cycles, layer=layer).delete()
    CycleAreaScore.objects.bulk_create(
        [
            _area_score(cycle, layer, code, node)
            for cycle in cycles
            for code, node in summary.get("areas", {}).items()
        ],
        batch_size=1000,
    )
