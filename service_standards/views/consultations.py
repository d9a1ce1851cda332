"""A unit's public consultations (FGD) on its standards, with their minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lib.files import stored_file_response
from service_standards import forms, scopes, selectors, services
from service_standards.models import Consultation
from service_standards.views.common import form_errors, page_context
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.VIEW)
def consultation_list(request: HttpRequest, unit: Unit) -> HttpResponse:
    return render(
        request,
        "service_standards/consultation_list.html",
        page_context(request, unit, consultations=list(selectors.consultations_of(unit))),
    )


def _consultation_form_view(
    request: HttpRequest, unit: Unit, consultation: Consultation | None
) -> HttpResponse:
    form = forms.ConsultationForm(
        request.POST or None, request.FILES or None, instance=consultation, unit=unit
    )
    if request.method == "POST" and form.is_valid():
        minutes = None
        try:
            if form.cleaned_data.get("minutes_file"):
                minutes = services.check_minutes_upload(form.cleaned_data["minutes_file"])
            values = {name: form.cleaned_data[name] for name in services.CONSULTATION_FIELDS}
            if consultation is None:
                consultation = services.consultation_create(
                    unit=unit,
                    by=request.user,
                    services=form.cleaned_data["services"],
                    minutes=minutes,
                    **values,
                )
            else:
                services.consultation_update(
                    consultation=consultation,
                    by=request.user,
                    services=form.cleaned_data["services"],
                    minutes=minutes,
                    **values,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_errors(form, error)
            else:
                form.add_error("minutes_file", error.messages)
        else:
            messages.success(request, _("Konsultasi publik disimpan."))
            return redirect("service_standards:consultations", code=unit.code)
    return render(
        request,
        "service_standards/consultation_form.html",
        page_context(request, unit, form=form, consultation=consultation),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.EDIT_SELF)
def consultation_create(request: HttpRequest, unit: Unit) -> HttpResponse:
    return _consultation_form_view(request, unit, None)


@unit_permission(Perm.EDIT_SELF, scope=scopes.CONSULTATION)
def consultation_edit(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return _consultation_form_view(request, consultation.unit, consultation)


@unit_permission(Perm.VIEW, scope=scopes.CONSULTATION)
def consultation_minutes(request: HttpRequest, consultation: Consultation) -> FileResponse:
    """The minutes file, to people who may see the unit, always as a download."""
    return stored_file_response(
        consultation.minutes,
        filename=consultation.minutes_name or "notulen",
        content_type=consultation.minutes_content_type or "application/octet-stream",
    )
