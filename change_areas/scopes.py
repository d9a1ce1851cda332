"""How the views of `change_areas` find the object a URL names, and the unit that decides
who may touch it (see `units.access.Scope`). One query each."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from change_areas.models import (
    Assignment,
    Campaign,
    Cycle,
    Evidence,
    PredicateAward,
    Recommendation,
)
from units.access import Scope

CYCLE = Scope(
    kwarg="pk",
    name="cycle",
    load=lambda pk: get_object_or_404(
        Cycle.objects.select_related("unit", "framework", "work_plan_framework", "campaign"), pk=pk
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
