"""Menuju WBK set by the instansi itself: the Menteri's designation of instansi that may
evaluate "secara mandiri" (PermenPAN-RB 5/2024 Lampiran II Bab II B), and the instansi's
decision on a cycle whose TPI evaluation is final (also the head of the agency under
PermenPAN-RB 52/2014)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, selectors, services
from change_areas.models import Cycle, MandiriDesignation
from change_areas.views import common
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.SET_WBK, scope=scopes.CYCLE_OF_INSTANSI)
def instansi_wbk(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The instansi's evaluation team records Menuju WBK with the instansi's decree."""
    form = forms.InstansiWbkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_set_wbk_by_instansi(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Menuju WBK ditetapkan oleh instansi dan dicatat."))
            return redirect(cycle)
    context = common.cycle_context(request, cycle)
    move = context["moves"].get("set_by_instansi")
    context.update(
        {
            "form": form,
            "reasons": move.reasons if move else [],
            "designation": selectors.mandiri_designation(cycle),
            "tpi_summary": cycle.summary("tpi"),
        }
    )
    return render(
        request, "change_areas/instansi_wbk.html", context, status=400 if form.errors else 200
    )


@unit_permission(Perm.VIEW)
def mandiri_designations(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The Menteri's designations of the unit's instansi for evaluasi mandiri."""
    instansi = selectors.instansi_of(unit)
    return render(
        request,
        "change_areas/mandiri.html",
        {
            "unit": unit,
            "instansi": instansi,
            "designations": list(
                MandiriDesignation.objects.filter(instansi=instansi).select_related("recorded_by")
            ),
            "form": forms.MandiriDesignationForm() if request.user.is_superuser else None,
        },
    )


@unit_permission(Perm.NATIONAL)
@require_POST
def mandiri_designation_add(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The national admin records the Menteri's designation of an instansi."""
    form = forms.MandiriDesignationForm(request.POST)
    if form.is_valid():
        try:
            services.mandiri_designation_add(
                instansi=selectors.instansi_of(unit), by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Penetapan evaluasi mandiri dicatat."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("change_areas:mandiri", code=unit.code)
