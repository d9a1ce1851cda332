"""A unit's maklumat pelayanan (service pledge): the draft, its signing, its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lib.concurrency import EditConflict, resolve
from service_standards import documents, forms, services
from service_standards.models import Maklumat
from service_standards.views.common import form_errors, page_context, pdf_response
from units.access import Perm, unit_permission
from units.models import Unit


def _maklumats(unit: Unit) -> tuple[list[Maklumat], Maklumat | None, Maklumat | None]:
    """Every maklumat of the unit, newest first, with the signed one and the draft. One query."""
    rows = list(
        Maklumat.objects.filter(unit=unit).select_related("signed_by").order_by("-created_at")
    )
    signed = next((m for m in rows if m.status == Maklumat.Status.SIGNED), None)
    draft = next((m for m in rows if m.status == Maklumat.Status.DRAFT), None)
    return rows, signed, draft


@unit_permission(Perm.VIEW)
def maklumat_detail(request: HttpRequest, unit: Unit) -> HttpResponse:
    rows, signed, draft = _maklumats(unit)
    return render(
        request,
        "service_standards/maklumat.html",
        page_context(
            request,
            unit,
            signed=signed,
            draft=draft,
            older=[m for m in rows if m.status == Maklumat.Status.SUPERSEDED],
        ),
    )


@unit_permission(Perm.EDIT_SELF)
def maklumat_edit(request: HttpRequest, unit: Unit) -> HttpResponse:
    _rows, signed, draft = _maklumats(unit)
    instance = draft or Maklumat(unit=unit, text=signed.text if signed else Maklumat().text)
    form = forms.MaklumatForm(request.POST or None, instance=instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.maklumat_save_draft(
                unit=unit,
                by=request.user,
                text=form.cleaned_data["text"],
                expected_revision=form.cleaned_data["revision"],
            )
        except EditConflict as clash:
            conflict, merged = resolve(form, clash)
            form = forms.MaklumatForm(instance=instance, initial=merged)
        else:
            messages.success(
                request, _("Draf maklumat disimpan. Mintalah pimpinan menandatanganinya.")
            )
            return redirect("service_standards:maklumat", code=unit.code)
    return render(
        request,
        "service_standards/maklumat_form.html",
        page_context(request, unit, form=form, conflict=conflict),
        status=409 if conflict else 400 if form.is_bound and form.errors else 200,
    )


@unit_permission(Perm.SUBMIT_SELF)
def maklumat_sign(request: HttpRequest, unit: Unit) -> HttpResponse:
    _rows, _signed, draft = _maklumats(unit)
    if draft is None:
        messages.error(request, _("Belum ada draf maklumat untuk ditandatangani."))
        return redirect("service_standards:maklumat", code=unit.code)
    initial = {
        "signer_name": unit.head_name,
        "signer_nip": unit.head_nip,
        "signer_position": unit.head_position,
        "signed_place": unit.regency.removeprefix("Kota ").removeprefix("Kabupaten "),
        "signed_on": forms.today(),
    }
    form = forms.MaklumatSignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.maklumat_sign(maklumat=draft, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Maklumat pelayanan ditandatangani dan tampil di halaman publik.")
            )
            return redirect("service_standards:maklumat", code=unit.code)
    return render(
        request,
        "service_standards/maklumat_sign.html",
        page_context(request, unit, form=form, draft=draft),
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.VIEW)
def maklumat_draft_pdf(request: HttpRequest, unit: Unit) -> HttpResponse:
    _rows, _signed, draft = _maklumats(unit)
    if draft is None:
        raise Http404
    return pdf_response(documents.maklumat_pdf(draft))
