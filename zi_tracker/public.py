"""The public portal (no login): the index of units and a unit's public page.

These pages sit on the roof because they read more than one app: a unit's
published service (standards, maklumat, SKM from `service_standards`) and
the Zona Integritas predicates it holds (`change_areas`). Only what is
published or awarded is shown.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from change_areas.models import PredicateAward
from lib.view_permissions import public
from service_standards import charts, selectors
from units.models import Unit

PAGE_SIZE = 50


def held_predicates(unit: Unit) -> list[PredicateAward]:
    """The predicates the unit holds now (not revoked), newest decree first. One query."""
    return list(PredicateAward.objects.held().for_unit(unit).order_by("-decree_date"))


def with_held_predicates(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units with `held_predicates` on each: one more query per page of units."""
    return units.prefetch_related(
        Prefetch(
            "predicate_awards",
            queryset=PredicateAward.objects.held().order_by("-decree_date"),
            to_attr="held_predicates",
        )
    )


@public
def index(request: HttpRequest) -> HttpResponse:
    """Units with a published standard, searchable by name, code and region. Three queries."""
    query = (request.GET.get("q") or "").strip()[:100]
    units = with_held_predicates(selectors.public_index(query))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "public/index.html", {"page": page, "q": query})


@public
def unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's predicates, published standards, maklumat and SKM. Five queries."""
    data = selectors.public_unit_page(code)
    return render(
        request,
        "public/unit.html",
        {
            "data": data,
            "unit": data.unit,
            "predicates": held_predicates(data.unit),
            "chart": charts.ikm_trend(data.surveys) if len(data.surveys) > 1 else None,
        },
    )
