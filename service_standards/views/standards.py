"""A unit's services and the versions of their standar pelayanan (drafts, publishing, PDFs)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.concurrency import EditConflict, resolve
from service_standards import documents, forms, scopes, selectors, services
from service_standards.models import Consultation, Service, StandardVersion
from service_standards.views.common import form_errors, page_context, pdf_response
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.VIEW)
def service_list(request: HttpRequest, unit: Unit) -> HttpResponse:
    overview = selectors.unit_overview(unit)
    return render(
        request,
        "service_standards/service_list.html",
        page_context(request, unit, overview=overview),
    )


@unit_permission(Perm.EDIT_SELF)
def service_create(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = forms.ServiceForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}
        try:
            service = services.service_create(unit=unit, by=request.user, **values)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Layanan %(name)s ditambahkan.") % {"name": service.name})
            return redirect(service.get_absolute_url())
    return render(
        request,
        "service_standards/service_form.html",
        page_context(request, unit, form=form),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.VIEW, scope=scopes.SERVICE)
def service_detail(request: HttpRequest, service: Service) -> HttpResponse:
    versions = list(
        service.versions.select_related("published_by", "created_by", "consultation").order_by(
            "-number"
        )
    )
    return render(
        request,
        "service_standards/service_detail.html",
        page_context(
            request,
            service.unit,
            service=service,
            versions=versions,
            published=next((v for v in versions if v.is_published), None),
            draft=next((v for v in versions if v.is_draft), None),
        ),
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.SERVICE)
def service_edit(request: HttpRequest, service: Service) -> HttpResponse:
    unit = service.unit
    form = forms.ServiceForm(request.POST or None, instance=service, unit=unit)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}
        if not values["slug"]:
            values["slug"] = services.unique_slug(unit, values["name"], exclude_pk=service.pk)
        try:
            services.service_update(service=service, by=request.user, **values)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Layanan disimpan."))
            return redirect(service.get_absolute_url())
    return render(
        request,
        "service_standards/service_form.html",
        page_context(request, unit, form=form, service=service),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.SERVICE)
@require_POST
def version_create(request: HttpRequest, service: Service) -> HttpResponse:
    """A new draft, copied from the published version (or the newest one) when there is one."""
    code = service.unit.code
    version, created = services.version_draft(service=service, by=request.user)
    if not created:
        messages.info(request, _("Layanan ini sudah memiliki draf; lanjutkan draf itu."))
        return redirect("service_standards:version_edit", code=code, version_id=version.pk)
    source = version.based_on
    if source is not None:
        messages.success(
            request,
            _("Draf versi %(number)d dibuat dari versi %(source)d.")
            % {"number": version.number, "source": source.number},
        )
    else:
        messages.success(request, _("Draf versi %(number)d dibuat.") % {"number": version.number})
    return redirect("service_standards:version_edit", code=code, version_id=version.pk)


@unit_permission(Perm.VIEW, scope=scopes.VERSION)
def version_detail(request: HttpRequest, version: StandardVersion) -> HttpResponse:
    return render(
        request,
        "service_standards/version_detail.html",
        page_context(
            request,
            version.service.unit,
            version=version,
            service=version.service,
            history=selectors.version_history(version),
            missing=version.missing_components() if version.is_draft else [],
        ),
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.VERSION)
def version_edit(request: HttpRequest, version: StandardVersion) -> HttpResponse:
    if not version.is_draft:
        messages.error(request, _("Versi yang sudah terbit tidak dapat diubah; buat versi baru."))
        return redirect(version.get_absolute_url())
    form = forms.StandardVersionForm(request.POST or None, instance=version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in forms.StandardVersionForm.Meta.fields}
        try:
            services.version_update(
                version=version,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **values,
            )
        except EditConflict as clash:
            conflict, merged = resolve(form, clash)
            form = forms.StandardVersionForm(instance=version, initial=merged)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Draf disimpan."))
            return redirect(version.get_absolute_url())
    return render(
        request,
        "service_standards/version_form.html",
        page_context(
            request,
            version.service.unit,
            form=form,
            version=version,
            service=version.service,
            conflict=conflict,
        ),
        status=409 if conflict else 400 if form.is_bound and form.errors else 200,
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.VERSION)
@require_POST
def version_delete(request: HttpRequest, version: StandardVersion) -> HttpResponse:
    try:
        services.version_delete(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(version.get_absolute_url())
    messages.success(request, _("Draf versi %(number)d dihapus.") % {"number": version.number})
    return redirect(version.service.get_absolute_url())


@unit_permission(Perm.SUBMIT_SELF, scope=scopes.VERSION)
def version_publish(request: HttpRequest, version: StandardVersion) -> HttpResponse:
    unit = version.service.unit
    if not version.is_draft:
        messages.error(request, _("Hanya draf yang dapat diterbitkan."))
        return redirect(version.get_absolute_url())
    consultations = Consultation.objects.filter(unit=unit).order_by("-held_on")
    initial = {
        "consultation": version.consultation
        or consultations.filter(services=version.service).first(),
        "decree_number": version.decree_number,
        "decree_date": version.decree_date or forms.today(),
        "effective_date": version.effective_date,
    }
    form = forms.PublishForm(request.POST or None, consultations=consultations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.version_publish(
                version=version, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            text = _("Versi %(number)d diterbitkan dan tampil di halaman publik.") % {
                "number": version.number
            }
            if outcome.superseded is not None:
                text += " " + _("Versi %(old)d kini berstatus diganti.") % {
                    "old": outcome.superseded.number
                }
            messages.success(request, text)
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return redirect(outcome.version.get_absolute_url())
    return render(
        request,
        "service_standards/version_publish.html",
        page_context(
            request,
            unit,
            form=form,
            version=version,
            service=version.service,
            missing=version.missing_components(),
            has_consultations=consultations.exists(),
        ),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.VIEW, scope=scopes.VERSION)
def version_pdf(request: HttpRequest, version: StandardVersion) -> HttpResponse:
    return pdf_response(documents.standard_pdf(version))
