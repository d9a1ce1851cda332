"""Calibration: the unit's own scores against the TPI's and the TPN's, across a subtree."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from units.access import Perm, unit_permission
from units.models import Unit
from zi_tracker.dashboards import charts, export_jobs, reports
from zi_tracker.dashboards.views.common import file_response, filter_errors, to_the_worker
from zi_tracker.models import ExportKind


def _calibration_context(request: HttpRequest, root: Unit) -> dict:
    context = reports.calibration_context(root, request.GET)
    filter_errors(request, context["form"])
    first, second = context["first_label"], context["second_label"]
    by_area, by_question = context["by_area"], context["by_question"]
    if by_area:
        context["area_chart"] = charts.diverging(
            title=_("Selisih rata-rata %(first)s − %(second)s per area (poin %% bobot)")
            % {"first": first, "second": second},
            labels=[a.name for a in by_area],
            values=[a.mean_difference for a in by_area],
            fmt=lambda value: charts.decimal(value, 1),
            left_label=_("%(layer)s lebih tinggi") % {"layer": second},
            right_label=_("%(layer)s lebih tinggi") % {"layer": first},
        )
    widest = sorted(by_question, key=lambda q: (-abs(q.mean_difference), q.code))[:15]
    if widest:
        context["question_chart"] = charts.diverging(
            title=_("15 pertanyaan dengan selisih rata-rata terbesar (nilai 0–1)"),
            labels=[q.code for q in widest],
            values=[q.mean_difference for q in widest],
            fmt=lambda value: charts.decimal(value, 2),
            left_label=_("%(layer)s lebih tinggi") % {"layer": second},
            right_label=_("%(layer)s lebih tinggi") % {"layer": first},
            limit=1.0,
        )
    return context


@unit_permission(Perm.VIEW)
def calibration(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _calibration_context(request, unit)
    context["query_string"] = request.GET.urlencode()
    context["export_in_background"] = (
        reports.calibration_row_count(context) > export_jobs.threshold()
    )
    return render(request, "dashboards/calibration.html", context)


@unit_permission(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def calibration_xlsx(request: HttpRequest, unit: Unit) -> HttpResponse:
    """At once up to ZI_EXPORT_BACKGROUND_ROWS rows (areas and questions), else on the worker."""
    context = reports.calibration_context(unit, request.GET)
    rows = reports.calibration_row_count(context)
    if rows > export_jobs.threshold():
        return to_the_worker(request, unit, kind=ExportKind.CALIBRATION_XLSX, rows=rows)
    return file_response(reports.calibration_xlsx(unit, context), attachment=True)
