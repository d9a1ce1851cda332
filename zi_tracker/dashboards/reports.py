"""The dashboards' documents, built from a filter query alone (no request): the portfolio's
context and PDF, the calibration's tables and spreadsheets.

The pages (views/) add what belongs to a request (warnings about filters, sort
links, the page number); the export jobs (export_jobs.py) build the same files
on the task worker from the query string the person's page had.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from change_areas.models import Layer, Stage
from lib.pdf import RenderedFile, image_data_uri, render_pdf
from units.models import Unit
from zi_tracker.dashboards import charts, exports, forms, selectors

PDF_ROW_LIMIT = 500
LAYER_LABELS = {
    Layer.SELF: gettext_lazy("Unit"),
    Layer.PRE: gettext_lazy("Pendahuluan"),
    Layer.TPI: gettext_lazy("TPI"),
    Layer.TPN: gettext_lazy("TPN"),
}


def portfolio_form(query: QueryDict, root: Unit) -> forms.PortfolioFilterForm:
    return forms.PortfolioFilterForm(
        query or None,
        years=selectors.cycle_years(root),
        frameworks=selectors.lke_frameworks(),
        provinces=selectors.provinces_in(root),
    )


def portfolio_context(
    root: Unit, query: QueryDict, *, rows_limit: int | None = None, page_number=None
) -> dict:
    """What the portfolio page and its PDF show: the filtered units (a page of them, or
    the first `rows_limit`), the roll-up by branch, the summary and its charts."""
    form = portfolio_form(query, root)
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
        page = paginator.get_page(page_number)
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
            "no_cycle": selectors.NO_CYCLE,
        }
    )
    return context


def portfolio_row_count(root: Unit, filters: selectors.PortfolioFilters) -> int:
    """How many rows the portfolio's spreadsheet has (the unit kept count of its subtree)."""
    if filters.whole_subtree:
        return root.descendant_count + 1
    return selectors.portfolio_units(root, filters).count()


def portfolio_pdf(root: Unit, query: QueryDict) -> RenderedFile:
    """The portfolio as a PDF: summary, charts, roll-up and the first PDF_ROW_LIMIT units."""
    context = portfolio_context(root, query, rows_limit=PDF_ROW_LIMIT)
    context.update(
        {
            "generated": timezone.localtime(),
            "logo": image_data_uri(root.logo),
            "row_limit": PDF_ROW_LIMIT,
            "document_number": f"PORTOFOLIO-{root.code}",
        }
    )
    year = context["filters"].year if context.get("filters") else ""
    return render_pdf(
        "pdf/dashboards/portfolio.html",
        context,
        filename=f"portofolio-{root.code}-{year}.pdf".lower(),
    )


def calibration_context(root: Unit, query: QueryDict) -> dict:
    form = forms.CalibrationForm(
        query or None,
        years=selectors.cycle_years(root),
        frameworks=selectors.lke_frameworks(),
    )
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
        "by_area": [],
        "by_question": [],
    }
    if framework is None:
        return context
    areas = selectors.scored_areas(framework)
    by_area, by_question = selectors.calibration(
        root, year=year, framework=framework, first=first, second=second, areas=areas
    )
    context.update({"by_area": by_area, "by_question": by_question})
    return context


def calibration_tables(context: dict) -> dict:
    """The calibration's spreadsheet arguments (`exports.write_calibration`) from its context."""
    return {
        "first_label": str(context["first_label"]),
        "second_label": str(context["second_label"]),
        "areas": context["by_area"],
        "questions": context["by_question"],
    }


def calibration_row_count(context: dict) -> int:
    return len(context["by_area"]) + len(context["by_question"])


def calibration_xlsx(root: Unit, context: dict) -> RenderedFile:
    return exports.calibration_xlsx(root=root, year=context["year"], **calibration_tables(context))
