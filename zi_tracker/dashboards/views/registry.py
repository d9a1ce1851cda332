"""The public registry of awarded predicates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from units.access import public
from zi_tracker.dashboards import charts, forms, selectors
from zi_tracker.dashboards.views.common import (
    filter_errors,
    query_without,
)


@public
def registry(request: HttpRequest) -> HttpResponse:
    """Units holding Menuju WBK / WBBM, with decree numbers. Public, no login."""
    years, provinces = selectors.registry_choices()
    form = forms.RegistryFilterForm(request.GET or None, years=years, provinces=provinces)
    filter_errors(request, form)
    filters = form.filters()
    awards = selectors.registry_awards(filters)
    page = Paginator(awards, selectors.PAGE_SIZE).get_page(request.GET.get("halaman"))
    counts = selectors.registry_counts(awards)
    chart_years = sorted({row["year"] for row in counts})
    by_key = {(row["year"], row["predicate"]): row["count"] for row in counts}
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "total_wbk": sum(row["count"] for row in counts if row["predicate"] == "wbk"),
        "total_wbbm": sum(row["count"] for row in counts if row["predicate"] == "wbbm"),
        "query_string": query_without(request, "halaman"),
    }
    if chart_years:
        context["chart"] = charts.columns(
            title=_("Predikat per tahun penilaian"),
            labels=[str(year) for year in chart_years],
            series=[
                charts.Series(
                    "Menuju WBK", [by_key.get((y, "wbk"), 0) for y in chart_years], charts.TPI
                ),
                charts.Series(
                    "Menuju WBBM", [by_key.get((y, "wbbm"), 0) for y in chart_years], charts.TPN
                ),
            ],
        )
    return render(request, "dashboards/registry.html", context)
