"""A subtree's portfolio: every unit's programme of a year, with roll-ups, as a page, xlsx and PDF.

The spreadsheet of up to ZI_EXPORT_BACKGROUND_ROWS units is sent at once;
larger ones, and every PDF, are written by the task worker: a GET explains
that and offers the button, the POST starts the job and goes to its page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from units.access import Perm, unit_permission
from units.models import Unit
from zi_tracker.dashboards import export_jobs, exports, reports, selectors
from zi_tracker.dashboards.reports import PDF_ROW_LIMIT
from zi_tracker.dashboards.views.common import (
    file_response,
    filter_errors,
    query_without,
    to_the_worker,
)
from zi_tracker.models import ExportKind


def _page_context(request: HttpRequest, root: Unit) -> dict:
    context = reports.portfolio_context(root, request.GET, page_number=request.GET.get("halaman"))
    filter_errors(request, context["form"])
    if context.get("filters") is not None:
        context["query_string"] = query_without(request, "halaman")
        context["sort_links"] = _sort_links(request, context["filters"])
        context["export_threshold"] = export_jobs.threshold()
    return context


def _sort_links(request: HttpRequest, filters) -> dict[str, dict]:
    """For each sortable column: the query string that sorts by it (toggling direction)."""
    links = {}
    for key in selectors.SORTS:
        query = request.GET.copy()
        query.pop("halaman", None)
        active = filters.sort == key
        query["sort"] = key
        query["order"] = "asc" if active and filters.descending else ("desc" if active else "asc")
        if not active and key in ("self", "tpi", "complete", "plan"):
            query["order"] = "desc"
        links[key] = {
            "query": query.urlencode(),
            "active": active,
            "descending": filters.descending,
        }
    return links


@unit_permission(Perm.VIEW)
def portfolio(request: HttpRequest, unit: Unit) -> HttpResponse:
    return render(request, "dashboards/portfolio.html", _page_context(request, unit))


@unit_permission(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def portfolio_xlsx(request: HttpRequest, unit: Unit) -> HttpResponse:
    filters = reports.portfolio_form(request.GET, unit).filters()
    if filters is None:
        return HttpResponse(_("Belum ada kerangka LKE."), status=404)
    rows = reports.portfolio_row_count(unit, filters)
    if rows > export_jobs.threshold():
        return to_the_worker(request, unit, kind=ExportKind.PORTFOLIO_XLSX, rows=rows)
    rendered = exports.portfolio_xlsx(
        selectors.export_rows(unit, filters), root=unit, filters=filters
    )
    return file_response(rendered, attachment=True)


@unit_permission(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def portfolio_pdf(request: HttpRequest, unit: Unit) -> HttpResponse:
    """Always on the worker: laying out even a few hundred rows takes seconds."""
    filters = reports.portfolio_form(request.GET, unit).filters()
    if filters is None:
        return HttpResponse(_("Belum ada kerangka LKE."), status=404)
    rows = reports.portfolio_row_count(unit, filters)
    return to_the_worker(
        request, unit, kind=ExportKind.PORTFOLIO_PDF, rows=rows, total=min(rows, PDF_ROW_LIMIT)
    )
