"""The dashboards index and one unit's dashboard (page and PDF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.pdf import image_data_uri, render_pdf
from units import access
from units.access import Perm, signed_in, unit_permission
from units.models import Unit
from zi_tracker.dashboards import charts, selectors
from zi_tracker.dashboards.views.common import (
    file_response,
)


@signed_in
def index(request: HttpRequest) -> HttpResponse:
    """The subtrees the person may open dashboards for: their units, or every root for admins."""
    if request.user.is_superuser:
        scopes = list(Unit.objects.filter(depth=1))
    else:
        scopes = []
        for membership in sorted(access.memberships_of(request.user), key=lambda m: m.unit.path):
            if not any(membership.unit.path.startswith(unit.path) for unit in scopes):
                scopes.append(membership.unit)
    return render(request, "dashboards/index.html", {"scopes": scopes})


def _unit_context(request: HttpRequest, unit: Unit) -> dict:
    cycle_id = request.GET.get("siklus")
    board = selectors.unit_dashboard(
        unit, int(cycle_id) if cycle_id and cycle_id.isdigit() else None
    )
    context = {
        "unit": unit,
        "board": board,
        "today": timezone.localdate(),
        "ancestors": list(unit.ancestors()),
    }
    if board.cycle is not None:
        areas = board.areas
        series = [charts.Series(_("Penilaian unit"), [a.self_share for a in areas], charts.SELF)]
        if any(a.tpi_value is not None for a in areas):
            series.append(charts.Series(_("TPI"), [a.tpi_share for a in areas], charts.TPI))
        if any(a.tpn_value is not None for a in areas):
            series.append(charts.Series(_("TPN"), [a.tpn_share for a in areas], charts.TPN))
        context["area_chart"] = charts.grouped_bars(
            title=_("Nilai per area perubahan (%% dari bobot area), %(year)s")
            % {"year": board.cycle.year},
            categories=[a.name for a in areas],
            series=series,
            fmt=lambda value: charts.percent(value, 1),
        )
        if board.work_plan:
            context["plan_chart"] = charts.bars(
                title=_("Kemajuan rencana kerja per area (%)"),
                labels=[row["area__name"] for row in board.work_plan],
                values=[row["average"] for row in board.work_plan],
                maximum=100,
                color=charts.TPI,
                fmt=lambda value: charts.percent(value, 0),
            )
    history = [
        c
        for c in reversed(board.cycles)
        if c.framework_id == getattr(board.cycle, "framework_id", None)
    ]
    if len(history) > 1:
        context["history_chart"] = charts.columns(
            title=_("Nilai total per tahun"),
            labels=[str(c.year) for c in history],
            series=[
                charts.Series(_("Unit"), [float(c.self_total) for c in history], charts.SELF),
                charts.Series(
                    _("TPI"),
                    [None if c.tpi_total is None else float(c.tpi_total) for c in history],
                    charts.TPI,
                ),
            ],
            fmt=lambda value: charts.decimal(value, 2),
        )
    return context


@unit_permission(Perm.VIEW)
def unit_dashboard(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _unit_context(request, unit)
    context["has_children"] = unit.numchild > 0
    return render(request, "dashboards/unit.html", context)


@unit_permission(Perm.VIEW)
def unit_dashboard_pdf(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _unit_context(request, unit)
    cycle = context["board"].cycle
    context.update(
        {
            "generated": timezone.localtime(),
            "logo": image_data_uri(unit.logo),
            "document_number": f"DASBOR-{unit.code}-{cycle.year if cycle else ''}",
        }
    )
    rendered = render_pdf(
        "pdf/dashboards/unit.html",
        context,
        filename=f"dasbor-{unit.code}{'-' + str(cycle.year) if cycle else ''}.pdf".lower(),
    )
    return file_response(rendered, attachment=False)
