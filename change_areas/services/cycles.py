"""Opening cycles and campaigns, and keeping each layer's scorecard summary stored on the cycle."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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
from change_areas.models.cycles import default_proposal_deadline
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
    proposal_closes: datetime.date | None = None,
    tpn_opens: datetime.date | None = None,
    tpn_closes: datetime.date | None = None,
    early_review: bool = False,
    coordinators_invite: bool = False,
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
    proposal_closes = proposal_closes or default_proposal_deadline(year)
    if tpn_opens and tpn_closes and tpn_closes < tpn_opens:
        raise ValidationError(
            _("Tanggal penutupan evaluasi TPN harus sesudah tanggal pembukaannya.")
        )
    campaign = Campaign(
        name=name,
        proposal_closes=proposal_closes,
        root=root,
        framework=framework,
        year=year,
        fill_opens=fill_opens,
        fill_closes=fill_closes,
        review_opens=review_opens,
        review_closes=review_closes,
        tpn_opens=tpn_opens,
        tpn_closes=tpn_closes,
        pre_assessment=pre_assessment,
        early_review=early_review,
        coordinators_invite=coordinators_invite,
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
            proposal_closes=proposal_closes,
            tpn_opens=tpn_opens,
            tpn_closes=tpn_closes,
            pre_assessment=pre_assessment,
            early_review=early_review,
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


@transaction.atomic
def campaign_set_proposal_deadline(
    *, campaign: Campaign, proposal_closes: datetime.date, basis: str, by
) -> Campaign:
    """Move the campaign's proposal deadline (the TPN may set another than 31 May,
    PermenPAN-RB 5/2024), for the campaign and its cycles; the basis is kept in history.

    The campaign owner does it: ADMINISTER on the campaign's root unit.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if by is not None:
        access.check(by, campaign.root, Perm.ADMINISTER)
    basis = basis.strip()
    if not basis:
        raise ValidationError(
            _("Tuliskan dasar perubahan batas pengusulan (misalnya nomor surat TPN).")
        )
    if proposal_closes.year != campaign.year:
        raise ValidationError(
            _("Batas pengusulan harus jatuh pada tahun kampanye (%(year)s).")
            % {"year": campaign.year}
        )
    campaign.proposal_closes = proposal_closes
    campaign.proposal_extension = basis
    campaign.full_clean()
    record(campaign, by=by, reason=f"campaign_set_proposal_deadline {proposal_closes}: {basis}")
    campaign.save(update_fields=["proposal_closes", "proposal_extension"])
    cycles = list(Cycle.objects.filter(campaign=campaign))
    for cycle in cycles:
        cycle.proposal_closes = proposal_closes
        record(cycle, by=by, reason=f"campaign_set_proposal_deadline {proposal_closes}")
    bulk_update_with_history(cycles, Cycle, ["proposal_closes"], batch_size=500, default_user=by)
    return campaign


def cycle_refresh_summary(
    *,
    cycle: Cycle,
    layer: str,
    spec: scoring.CatalogSpec | None = None,
    card: scoring.Scorecard | None = None,
) -> scoring.Scorecard:
    """Recompute the layer's scorecard (or take `card`, just computed) and store its summary
    on the cycle.

    The summary (JSON) is always the layer's working state. The dashboard columns
    (`<layer>_total`, …) and the per-area rows are the figures others read, so
    they are written only once the layer counts (`Cycle.layer_counts`): before a
    reviewer layer is final they stay empty. Last, as the rows above the unit are
    shared, the tallies of the units above it follow (`tallies.refresh/add`, which
    read only what counts). Four queries with `card` for the unit's own layer.
    """
    card = card or selectors.scorecard(cycle, layer, spec=spec)
    # The unit's own layer always counts, so its area rows are its stored summary's areas
    # and only those that changed are written. A reviewer layer's rows appear and go with
    # its finalisation: they are replaced whole.
    before = cycle.summary(layer).get("areas") if layer == Layer.SELF else None
    summaries = dict(cycle.summaries or {})
    summaries[layer] = selectors.summary_of(card)
    cycle.summaries = summaries
    fields = ["summaries"]
    counts = cycle.layer_counts(layer)
    if layer in (Layer.SELF, Layer.TPI, Layer.TPN):
        values = {
            f"{layer}_total": Decimal(str(round(card.total, 4))),
            f"{layer}_completeness": Decimal(str(round(card.completeness, 4))),
            f"{layer}_wbk_eligible": card.eligibility["wbk"].eligible,
            f"{layer}_wbbm_eligible": card.eligibility["wbbm"].eligible,
        }
        for name, value in values.items():
            setattr(cycle, name, value if counts else None)
        fields += list(values)
    difference = tallies.refresh(cycle)
    fields.append("tallied")
    Cycle.objects.filter(pk=cycle.pk).update(**{name: getattr(cycle, name) for name in fields})
    if before is None:
        _store_area_scores([cycle], layer, summaries[layer] if counts else {})
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
