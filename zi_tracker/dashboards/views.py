"""Dashboard pages: a unit, a subtree's portfolio, calibration of layers, the public registry.

Every page costs a constant number of queries whatever the number of units
(tests assert it with one unit and with many).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from change_areas.models import Layer, Stage
from lib.pdf import RenderedFile, image_data_uri, render_pdf
from units import access
from units.access import Perm, public, signed_in, unit_permission
from units.models import Unit
from zi_tracker.dashboards import charts, exports, forms, selectors

PDF_ROW_LIMIT = 500
LAYER_LABELS = {
    Layer.SELF: gettext_lazy("Unit"),
    Layer.PRE: gettext_lazy("Pendahuluan"),
    Layer.TPI: gettext_lazy("TPI"),
    Layer.TPN: gettext_lazy("TPN"),
}


def _file(rendered: RenderedFile, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    return response


def _filter_errors(request: HttpRequest, form) -> None:
    if form.is_bound and not form.is_valid():
        messages.warning(
            request,
            _("Sebagian pilihan saringan tidak dikenal dan diabaikan: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
        )


# --------------------------------------------------------------------------
# Index


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


# --------------------------------------------------------------------------
# Unit dashboard


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
    return _file(rendered, attachment=False)


# --------------------------------------------------------------------------
# Portfolio


def _portfolio_form(request: HttpRequest, root: Unit) -> forms.PortfolioFilterForm:
    return forms.PortfolioFilterForm(
        request.GET or None,
        years=selectors.cycle_years(),
        frameworks=selectors.lke_frameworks(),
        provinces=selectors.provinces_in(root),
    )


def _portfolio_context(request: HttpRequest, root: Unit, *, rows_limit: int | None = None) -> dict:
    form = _portfolio_form(request, root)
    _filter_errors(request, form)
    filters = form.filters()
    context = {
        "root": root,
        "form": form,
        "filters": filters,
        "ancestors": list(root.ancestors()),
        "stage_names": dict(Stage.choices),
    }
    if filters is None:
        return context
    units = selectors.portfolio_units(root, filters)
    rows = selectors.sorted_rows(units, filters)
    if rows_limit is None:
        page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("halaman"))
        context["page"] = page
        context["rows"] = page.object_list
        context["row_count"] = page.paginator.count
    else:
        context["rows"] = list(rows[: rows_limit + 1])
        context["truncated"] = len(context["rows"]) > rows_limit
        context["rows"] = context["rows"][:rows_limit]
    rollup = selectors.rollup(root, filters)
    total = selectors.totals(rollup)
    distribution = selectors.histogram(root, filters)
    areas = selectors.scored_areas(filters.framework)
    averages = selectors.area_averages(selectors.portfolio_cycles(root, filters), areas)
    stage_labels = [str(label) for _value, label in Stage.choices]
    if "row_count" not in context:
        context["row_count"] = total.units
    context.update(
        {
            "rollup": rollup,
            "total": total,
            "distribution": distribution,
            "averages": averages,
            "stage_labels": stage_labels,
            "stage_chart": charts.bars(
                title=_("Unit per tahap, %(year)s") % {"year": filters.year},
                labels=[*stage_labels, _("Belum ada siklus")],
                values=[*total.stages, total.without_cycle],
                color=charts.TPI,
            ),
            "histogram_chart": charts.columns(
                title=_("Sebaran nilai total (jumlah unit per rentang nilai)"),
                labels=distribution["labels"],
                series=[
                    charts.Series(_("Unit"), distribution["self"], charts.SELF),
                    charts.Series(_("TPI"), distribution["tpi"], charts.TPI),
                ],
                axis_label=_("Nilai total"),
            ),
            "area_chart": charts.grouped_bars(
                title=_("Rata-rata nilai per area (% dari bobot area)"),
                categories=[a.name for a in averages],
                series=[
                    charts.Series(_("Unit"), [a.self_share for a in averages], charts.SELF),
                    charts.Series(_("TPI"), [a.tpi_share for a in averages], charts.TPI),
                    charts.Series(_("TPN"), [a.tpn_share for a in averages], charts.TPN),
                ]
                if any(a.tpn_share is not None for a in averages)
                else [
                    charts.Series(_("Unit"), [a.self_share for a in averages], charts.SELF),
                    charts.Series(_("TPI"), [a.tpi_share for a in averages], charts.TPI),
                ],
                fmt=lambda value: charts.percent(value, 1),
            ),
            "query_string": _query_without(request, "halaman"),
            "sort_links": _sort_links(request, filters),
            "no_cycle": selectors.NO_CYCLE,
        }
    )
    return context


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


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
    return render(request, "dashboards/portfolio.html", _portfolio_context(request, unit))


@unit_permission(Perm.VIEW)
def portfolio_xlsx(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = _portfolio_form(request, unit)
    filters = form.filters()
    if filters is None:
        return HttpResponse(_("Belum ada kerangka LKE."), status=404)
    rendered = exports.portfolio_xlsx(
        selectors.export_rows(unit, filters), root=unit, filters=filters
    )
    return _file(rendered, attachment=True)


@unit_permission(Perm.VIEW)
def portfolio_pdf(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _portfolio_context(request, unit, rows_limit=PDF_ROW_LIMIT)
    context.update(
        {
            "generated": timezone.localtime(),
            "logo": image_data_uri(unit.logo),
            "row_limit": PDF_ROW_LIMIT,
            "document_number": f"PORTOFOLIO-{unit.code}",
        }
    )
    year = context["filters"].year if context.get("filters") else ""
    rendered = render_pdf(
        "pdf/dashboards/portfolio.html",
        context,
        filename=f"portofolio-{unit.code}-{year}.pdf".lower(),
    )
    return _file(rendered, attachment=False)


# --------------------------------------------------------------------------
# Calibration


def _calibration_context(request: HttpRequest, root: Unit) -> dict:
    form = forms.CalibrationForm(
        request.GET or None,
        years=selectors.cycle_years(),
        frameworks=selectors.lke_frameworks(),
    )
    _filter_errors(request, form)
    framework = form.chosen_framework()
    year = form.chosen_year()
    key, first, second = form.pair()
    context = {
        "root": root,
        "form": form,
        "year": year,
        "framework": framework,
        "first_label": LAYER_LABELS[first],
        "second_label": LAYER_LABELS[second],
        "pair": key,
    }
    if framework is None:
        return context
    areas = selectors.scored_areas(framework)
    by_area = selectors.calibration_by_area(
        root, year=year, framework=framework, first=first, second=second, areas=areas
    )
    by_question = selectors.calibration_by_question(
        root, year=year, framework=framework, first=first, second=second
    )
    context.update({"by_area": by_area, "by_question": by_question})
    if by_area:
        context["area_chart"] = charts.diverging(
            title=_("Selisih rata-rata %(first)s − %(second)s per area (poin %% bobot)")
            % {"first": LAYER_LABELS[first], "second": LAYER_LABELS[second]},
            labels=[a.name for a in by_area],
            values=[a.mean_difference for a in by_area],
            fmt=lambda value: charts.decimal(value, 1),
            left_label=_("%(layer)s lebih tinggi") % {"layer": LAYER_LABELS[second]},
            right_label=_("%(layer)s lebih tinggi") % {"layer": LAYER_LABELS[first]},
        )
    widest = sorted(by_question, key=lambda q: (-abs(q.mean_difference), q.code))[:15]
    if widest:
        context["question_chart"] = charts.diverging(
            title=_("15 pertanyaan dengan selisih rata-rata terbesar (nilai 0–1)"),
            labels=[q.code for q in widest],
            values=[q.mean_difference for q in widest],
            fmt=lambda value: charts.decimal(value, 2),
            left_label=_("%(layer)s lebih tinggi") % {"layer": LAYER_LABELS[second]},
            right_label=_("%(layer)s lebih tinggi") % {"layer": LAYER_LABELS[first]},
            limit=1.0,
        )
    return context


@unit_permission(Perm.VIEW)
def calibration(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _calibration_context(request, unit)
    context["query_string"] = request.GET.urlencode()
    return render(request, "dashboards/calibration.html", context)


@unit_permission(Perm.VIEW)
def calibration_xlsx(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _calibration_context(request, unit)
    rendered = exports.calibration_xlsx(
        root=unit,
        year=context["year"],
        first_label=str(context["first_label"]),
        second_label=str(context["second_label"]),
        areas=context.get("by_area", []),
        questions=context.get("by_question", []),
    )
    return _file(rendered, attachment=True)


# --------------------------------------------------------------------------
# Public registry


@public
def registry(request: HttpRequest) -> HttpResponse:
    """Units holding Menuju WBK / WBBM, with decree numbers. Public, no login."""
    years, provinces = selectors.registry_choices()
    form = forms.RegistryFilterForm(request.GET or None, years=years, provinces=provinces)
    _filter_errors(request, form)
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
        "query_string": _query_without(request, "halaman"),
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
