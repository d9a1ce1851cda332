"""Calibration: the unit's own scores against the TPI's and the TPN's, across a subtree."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from units.access import Perm, unit_permission
from units.models import Unit
from zi_tracker.dashboards import charts, exports, forms, selectors
from zi_tracker.dashboards.views.common import (
    LAYER_LABELS,
    file_response,
    filter_errors,
)


def _calibration_context(request: HttpRequest, root: Unit) -> dict:
    form = forms.CalibrationForm(
        request.GET or None,
        years=selectors.cycle_years(root),
        frameworks=selectors.lke_frameworks(),
    )
    filter_errors(request, form)
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
    by_area, by_question = selectors.calibration(
        root, year=year, framework=framework, first=first, second=second, areas=areas
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
    return file_response(rendered, attachment=True)
