"""How the views of `change_areas` find the object a URL names, and the unit that decides
who may touch it (see `units.access.Scope`). One query each."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from change_areas import selectors, workflow
from change_areas.models import (
    Assignment,
    Campaign,
    Cycle,
    Evidence,
    PredicateAward,
    Recommendation,
    WorkPlanItem,
)
from units import access
from units.access import Perm, Scope

CYCLE = Scope(
    kwarg="pk",
    name="cycle",
    load=lambda pk: get_object_or_404(
        Cycle.objects.select_related("unit", "framework", "work_plan_framework", "campaign__root"),
        pk=pk,
    ),
)

EVIDENCE = Scope(
    kwarg="pk",
    name="evidence",
    load=lambda pk: get_object_or_404(Evidence.objects.select_related("unit", "blob"), pk=pk),
)

CAMPAIGN = Scope(
    kwarg="pk",
    name="campaign",
    load=lambda pk: get_object_or_404(Campaign.objects.select_related("root", "framework"), pk=pk),
    unit_of=lambda campaign: campaign.root,
)

AWARD = Scope(
    kwarg="pk",
    name="award",
    load=lambda pk: get_object_or_404(PredicateAward.objects.select_related("unit"), pk=pk),
)

WORK_PLAN_ITEM = Scope(
    kwarg="pk",
    within=("item_id",),
    name="item",
    load=lambda pk, item_id: get_object_or_404(
        WorkPlanItem.objects.select_related("cycle__unit", "cycle__framework", "area"),
        pk=item_id,
        cycle_id=pk,
    ),
    unit_of=lambda item: item.cycle.unit,
)


def _on_instansi(user, cycle: Cycle, perm: Perm) -> None:
    """The capability on the cycle's instansi (its tree's root); people of the unit get 403."""
    if access.can(user, selectors.instansi_of(cycle.unit), perm):
        return
    access.check(user, cycle.unit, Perm.VIEW)
    raise PermissionDenied


# A cycle whose move belongs to its instansi (setting Menuju WBK: evaluasi mandiri, 52/2014).
CYCLE_OF_INSTANSI = Scope(
    kwarg="pk",
    name="cycle",
    load=lambda pk: get_object_or_404(
        Cycle.objects.select_related("unit", "framework", "work_plan_framework", "campaign"), pk=pk
    ),
    check=_on_instansi,
)


def _window_owner_check(user, cycle: Cycle, perm) -> None:
    """Seen from the cycle's unit (404 outside it); moved by the owner of its windows
    (the campaign root's administrators), else 403."""
    access.check(user, cycle.unit, Perm.VIEW)
    if not access.can(user, workflow.window_owner_unit(cycle), perm):
        raise PermissionDenied(_("Jadwal ini diubah oleh pemilik kampanye."))


# A cycle's windows: moved by the people who own its campaign.
CYCLE_WINDOWS = replace(CYCLE, check=_window_owner_check)


# A reviewer layer's recommendation, by its id within the cycle and layer of the URL
# (`/siklus/<pk>/rekomendasi/<layer>/<rec_id>/…`): another cycle's id is a 404.
RECOMMENDATION = Scope(
    kwarg="rec_id",
    name="recommendation",
    within=("pk", "layer"),
    load=lambda rec_id, pk, layer: get_object_or_404(
        Recommendation.objects.select_related("cycle__unit", "cycle__framework", "area"),
        pk=rec_id,
        cycle_id=pk,
        layer=layer,
    ),
    unit_of=lambda recommendation: recommendation.cycle.unit,
)

ASSIGNMENT = Scope(
    kwarg="assignment_id",
    name="assignment",
    within=("pk",),
    load=lambda assignment_id, pk: get_object_or_404(
        Assignment.objects.select_related("cycle__unit"), pk=assignment_id, cycle_id=pk
    ),
    unit_of=lambda assignment: assignment.cycle.unit,
)
