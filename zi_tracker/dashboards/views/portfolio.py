"""A subtree's portfolio: every unit's programme of a year, with roll-ups, as a page, xlsx and PDF."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas.models import Stage
from lib.pdf import image_data_uri, render_pdf
from units.access import Perm, unit_permission
from units.models import Unit
from zi_tracker.dashboards import charts, exports, forms, selectors
from zi_tracker.dashboards.views.common import (
    PDF_ROW_LIMIT,
    file_response,
    filter_errors,
    query_without,
)


def _portfolio_form(request: HttpRequest, root: Unit) -> forms.PortfolioFilterForm:
    return forms.PortfolioFilterForm(
        request.GET or None,
        years=selectors.cycle_years(root),
        frameworks=selectors.lke_frameworks(),
        provinces=selectors.provinces_in(root),
    )


def _portfolio_context(request: HttpRequest, root: Unit, *, rows_limit: int | None = None) -> dict:
    form = _portfolio_form(request, root)
    filter_errors(request, form)
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
        paginator = Paginator(rows, selectors.PAGE_SIZE)
        if filters.whole_subtree:
            # Every unit of the subtree: its size is kept on the unit, no need to count it.
            paginator.count = root.descendant_count + 1
        page = paginator.get_page(request.GET.get("halaman"))
        context["page"] = page
        context["rows"] = page.object_list
        context["row_count"] = page.paginator.count
    else:
        context["rows"] = list(rows[: rows_limit + 1])
        context["truncated"] = len(context["rows"]) > rows_limit
        context["rows"] = context["rows"][:rows_limit]
    areas = selectors.scored_areas(filters.framework)
    summary = selectors.portfolio_summary(root, filters, areas)
    rollup, total = summary.rollup, summary.total
    distribution, averages = summary.distribution, summary.averages
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
            "query_string": query_without(request, "halaman"),
            "sort_links": _sort_links(request, filters),
            "no_cycle": selectors.NO_CYCLE,
        }
    )
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
    return file_response(rendered, attachment=True)


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
    return file_response(rendered, attachment=False)
