"""The public portal (no login): the public home, finding a unit, and a unit's public page.

These pages sit on the roof because they read more than one app: a unit's
published service (standards, maklumat, SKM from `service_standards`), the
Zona Integritas predicates it holds (`change_areas`) and the declarations it
issued (`declarations`). Only what is published, awarded or issued is shown.
Every public page extends `public/base.html`: one public menu, and the way in.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from change_areas.models import PredicateAward
from declarations.models import Declaration
from lib.view_permissions import public
from service_standards import charts, selectors
from service_standards.models import StandardVersion
from units.models import Unit

PAGE_SIZE = 50
# The national complaint channel (Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional).
LAPOR_URL = "https://www.lapor.go.id"
LATEST_AWARDS = 6


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


def issued_declarations(unit: Unit) -> list[Declaration]:
    """Declarations the unit organised or declared that were issued, newest first. One query."""
    return list(
        Declaration.objects.issued()
        .involving(unit)
        .defer("snapshot")
        .order_by("-event_date", "-pk")[:20]
    )


@public
def home(request: HttpRequest) -> HttpResponse:
    """The public home: find a unit, the predicate registry, published standards, verifying a
    document, and where to complain. Three queries."""
    awards = list(
        PredicateAward.objects.held()
        .select_related("unit")
        .order_by("-decree_date", "-pk")[:LATEST_AWARDS]
    )
    counts = PredicateAward.objects.held().aggregate(
        wbk=Count("pk", filter=Q(predicate="wbk")), wbbm=Count("pk", filter=Q(predicate="wbbm"))
    )
    standards = (
        StandardVersion.objects.published()
        .filter(service__is_active=True, service__unit__is_active=True)
        .aggregate(units=Count("service__unit", distinct=True), services=Count("pk"))
    )
    return render(
        request,
        "public/home.html",
        {"awards": awards, "counts": counts, "standards": standards, "lapor_url": LAPOR_URL},
    )


@public
def search(request: HttpRequest) -> HttpResponse:
    """Any active unit by name, code or region, with what it has published. Two queries."""
    query = (request.GET.get("q") or "").strip()[:100]
    units = Unit.objects.active()
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(code__iexact=query)
            | Q(regency__icontains=query)
            | Q(province__icontains=query)
        )
    units = with_held_predicates(units.order_by("path"))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "public/search.html", {"page": page, "q": query})


@public
def index(request: HttpRequest) -> HttpResponse:
    """Units with a published standard, searchable by name, code and region. Three queries."""
    query = (request.GET.get("q") or "").strip()[:100]
    units = with_held_predicates(selectors.public_index(query))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "public/index.html", {"page": page, "q": query})


@public
def unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's predicates, declarations, published standards, maklumat and SKM, where to
    complain and how to reach it. Six queries."""
    data = selectors.public_unit_page(code)
    return render(
        request,
        "public/unit.html",
        {
            "data": data,
            "unit": data.unit,
            "predicates": held_predicates(data.unit),
            "declarations": issued_declarations(data.unit),
            "lapor_url": LAPOR_URL,
            "chart": charts.ikm_trend(data.surveys) if len(data.surveys) > 1 else None,
        },
    )
