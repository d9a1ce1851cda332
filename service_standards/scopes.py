"""How service-standard URLs name the objects their views receive (see `units.access.Scope`).

Every application URL sits under its unit, `/unit/<code>/...`, and carries
an object id besides: the scope loads the object by its id *within* that
unit, so an id under another unit's address is a 404, and the unit whose
roles decide is the object's own. The view receives the object alone
(its unit is `obj.unit`, or `version.service.unit`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from service_standards.models import Consultation, SatisfactionSurvey, Service, StandardVersion
from units.access import Scope


def _within_unit(queryset: QuerySet, unit_field: str):
    """A loader: the row with this id whose unit has the URL's `code`, else 404. One query."""

    def load(pk: int, *, code: str):
        return get_object_or_404(queryset, pk=pk, **{f"{unit_field}__code": code})

    return load


SERVICE = Scope(
    kwarg="service_id",
    within=("code",),
    name="service",
    load=_within_unit(Service.objects.select_related("unit"), "unit"),
)

VERSION = Scope(
    kwarg="version_id",
    within=("code",),
    name="version",
    load=_within_unit(
        StandardVersion.objects.select_related(
            "service", "service__unit", "consultation", "published_by", "created_by", "based_on"
        ),
        "service__unit",
    ),
    unit_of=lambda version: version.service.unit,
)

CONSULTATION = Scope(
    kwarg="consultation_id",
    within=("code",),
    name="consultation",
    load=_within_unit(Consultation.objects.select_related("unit"), "unit"),
)

SURVEY = Scope(
    kwarg="survey_id",
    within=("code",),
    name="survey",
    load=_within_unit(
        SatisfactionSurvey.objects.select_related("unit", "service", "published_by"), "unit"
    ),
)
