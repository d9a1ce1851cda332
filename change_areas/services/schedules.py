"""Schedules: a campaign's windows and options, and one unit's window moved with a reason.

Who: the people who own the campaign — ADMINISTER on its root unit (an instansi
admin for their instansi, national admins everywhere); for a cycle opened outside
a campaign, ADMINISTER on the cycle's unit (`workflow.window_owner_unit`).

Every change is in the history (with the reason), on each cycle's timeline, and
announced to the people it affects: the unit's team and the reviewers of the
layer whose window moved.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from change_areas import notifications, workflow
from change_areas.models import WINDOWS, Campaign, Cycle, CycleEvent, Window
from change_areas.services.history import event, locked
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Membership, Role

# What a campaign owner may change after opening it; the framework, the root and the year
# define the campaign and stay.
CAMPAIGN_OPTIONS = ("name", "early_review", "coordinators_invite")
WINDOW_FIELDS = tuple(
    name for window in WINDOWS.values() for name in (window.opens_field, window.closes_field)
)
# Reviewer roles told when a window of their layer moves.
WINDOW_REVIEWERS = {"review": Role.TPI_REVIEWER, "tpn": Role.TPN_REVIEWER}


def check_windows(values: dict) -> None:
    """Every window closes on or after the day it opens."""
    errors = {}
    for window in WINDOWS.values():
        opens, closes = values.get(window.opens_field), values.get(window.closes_field)
        if opens and closes and closes < opens:
            errors[window.closes_field] = _(
                "%(window)s harus ditutup pada atau sesudah tanggal pembukaannya."
            ) % {"window": window.label}
    if errors:
        raise ValidationError(errors)


def _describe(window: Window, opens, closes) -> str:
    def day(value):
        return date_format(value, "DATE_FORMAT") if value else "—"

    return _("%(window)s: %(opens)s sampai %(closes)s") % {
        "window": window.label,
        "opens": day(opens),
        "closes": day(closes),
    }


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, **values) -> tuple[Campaign, int]:
    """Change a campaign's windows and options, for every cycle that still follows the
    campaign's dates (a unit whose window was moved on its own keeps its own).

    Returns the campaign and the number of cycles whose dates changed.
    """
    unknown = set(values) - set(WINDOW_FIELDS) - set(CAMPAIGN_OPTIONS)
    if unknown:
        raise ValidationError(_("Isian tidak dikenal: %(names)s") % {"names": ", ".join(unknown)})
    if by is not None:
        access.check(by, campaign.root, Perm.ADMINISTER)
    campaign = Campaign.objects.select_for_update().select_related("root").get(pk=campaign.pk)
    merged = {name: values.get(name, getattr(campaign, name)) for name in WINDOW_FIELDS}
    check_windows(merged)
    before = {name: getattr(campaign, name) for name in (*WINDOW_FIELDS, *CAMPAIGN_OPTIONS)}
    for name, value in values.items():
        setattr(campaign, name, value)
    changed = [name for name in before if before[name] != getattr(campaign, name)]
    if not changed:
        return campaign, 0
    campaign.full_clean()
    record(campaign, by=by, reason="campaign_update")
    campaign.save()

    cycles = list(Cycle.objects.filter(campaign=campaign).select_related("unit"))
    moved: list[Cycle] = []
    for cycle in cycles:
        touched = False
        for name in changed:
            if name in WINDOW_FIELDS and getattr(cycle, name) == before[name]:
                setattr(cycle, name, getattr(campaign, name))
                touched = True
        if "early_review" in changed and cycle.early_review != campaign.early_review:
            cycle.early_review = campaign.early_review
            touched = True
        if touched:
            moved.append(cycle)
    if moved:
        bulk_update_with_history(
            moved,
            Cycle,
            [*WINDOW_FIELDS, "early_review"],
            batch_size=500,
            default_user=by,
            default_change_reason="campaign_update",
        )
        note = "; ".join(
            _describe(window, *_dates(campaign, window))
            for window in WINDOWS.values()
            if {window.opens_field, window.closes_field} & set(changed)
        )
        if "early_review" in changed:
            early = (
                _("Penilaian unit yang diajukan langsung dapat dinilai TPI.")
                if campaign.early_review
                else _("TPI menilai sesuai tanggal pembukaan penilaian TPI.")
            )
            note = f"{note}; {early}" if note else early
        CycleEvent.objects.bulk_create(
            [
                CycleEvent(
                    cycle=cycle,
                    action="window_change",
                    stage_before=cycle.stage,
                    stage_after=cycle.stage,
                    note=note,
                    actor=by,
                )
                for cycle in moved
            ],
            batch_size=500,
        )
        _announce_campaign(campaign, moved, note=note, by=by)
    return campaign, len(moved)


def _dates(obj, window: Window) -> tuple[datetime.date | None, datetime.date | None]:
    return getattr(obj, window.opens_field), getattr(obj, window.closes_field)


def _announce_campaign(campaign: Campaign, cycles: list[Cycle], *, note: str, by) -> None:
    """Tell the teams of the moved cycles and the reviewers over them. Two queries."""
    paths = [cycle.unit.path for cycle in cycles]
    ancestors = {path[:i] for path in paths for i in range(4, len(path) + 1, 4)}
    teams = Membership.objects.filter(
        unit__path__in=paths, role__in=notifications.UNIT_TEAM
    ) | Membership.objects.filter(
        unit__path__in=ancestors, role__in=[Role.TPI_REVIEWER, Role.TPN_REVIEWER]
    )
    people = notifications.people_of(teams)
    notifications.notify(
        people,
        verb="window_change",
        subject=_("Jadwal %(campaign)s diubah") % {"campaign": campaign.name},
        message=_("Jadwal %(campaign)s diubah: %(note)s.")
        % {"campaign": campaign.name, "note": note},
        url=campaign.get_absolute_url(),
        exclude=by,
    )


@transaction.atomic
def cycle_window_change(
    *,
    cycle: Cycle,
    window: str,
    opens: datetime.date | None,
    closes: datetime.date | None,
    reason: str,
    by,
) -> Cycle:
    """Move one unit's window (extend it, or open it earlier), with the reason on record.

    The campaign's later changes no longer move this unit's window (its dates differ).
    """
    if window not in WINDOWS:
        raise ValidationError(_("Jadwal ini tidak dikenal."))
    spec = WINDOWS[window]
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasannya: tercatat dan diberitahukan.")})
    cycle = locked(cycle.pk)
    if by is not None:
        access.check(by, workflow.window_owner_unit(cycle), Perm.ADMINISTER)
    values = {name: getattr(cycle, name) for name in WINDOW_FIELDS}
    values.update({spec.opens_field: opens, spec.closes_field: closes})
    check_windows(values)
    before = _describe(spec, *_dates(cycle, spec))
    setattr(cycle, spec.opens_field, opens)
    setattr(cycle, spec.closes_field, closes)
    cycle.full_clean()
    record(cycle, by=by, reason=f"window_change: {reason}"[:100])
    cycle.save(update_fields=[spec.opens_field, spec.closes_field])
    after = _describe(spec, opens, closes)
    note = _("%(after)s (sebelumnya %(before)s). Alasan: %(reason)s") % {
        "after": after,
        "before": before,
        "reason": reason,
    }
    event(cycle, "window_change", by=by, note=note, before=cycle.stage)
    people = notifications.unit_team(cycle)
    if window in WINDOW_REVIEWERS:
        people += notifications.reviewers(cycle, WINDOW_REVIEWERS[window])
    notifications.notify(
        people,
        verb="window_change",
        subject=_("Jadwal %(unit)s diubah") % {"unit": cycle.unit.name},
        message=_("Jadwal %(unit)s diubah: %(note)s") % {"unit": cycle.unit.name, "note": note},
        url=reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk}),
        cycle=cycle,
        exclude=by,
    )
    return cycle
