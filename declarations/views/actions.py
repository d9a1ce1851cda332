"""What an admin does to a declaration: finalise, sign, revoke, supersede, copy, delete,
and fill a draft's signatories or witnesses from a file or from the unit's people."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from declarations import resources, scopes, selectors, services, signing
from declarations.forms import ParticipantImportForm, RevokeForm, SupersedeForm
from declarations.models import Declaration
from declarations.views.common import DETAIL_TEMPLATE, detail_context, form_errors
from units.access import Perm, unit_permission


def _state_change(
    request: HttpRequest,
    declaration: Declaration,
    action: Callable[[Declaration], object],
    success: str,
) -> HttpResponse:
    try:
        action(declaration)
    except signing.SigningError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("declarations:detail", pk=declaration.pk)


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_finalise(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    return _state_change(
        request,
        declaration,
        lambda declaration: services.declaration_finalise(declaration=declaration, by=request.user),
        _("Pencanangan difinalkan: teks dan PDF-nya kini dibekukan dan hash-nya dicatat."),
    )


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_sign(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    return _state_change(
        request,
        declaration,
        lambda declaration: services.declaration_sign(declaration=declaration, by=request.user),
        _("PDF ditandatangani secara elektronik (PAdES)."),
    )


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_revoke(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.declaration_revoke(
                declaration=declaration, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Pencanangan dicabut. Halaman verifikasinya kini menyatakan dicabut.")
            )
            return redirect(declaration)
    context = detail_context(request, declaration, revoke_form=form)
    return render(request, DETAIL_TEMPLATE, context, status=400)


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_supersede(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    form = SupersedeForm(request.POST, replacements=selectors.replacement_choices(declaration))
    if form.is_valid():
        try:
            services.declaration_supersede(
                declaration=declaration,
                replacement=form.cleaned_data["replacement"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Pencanangan ditandai telah diganti."))
            return redirect(declaration)
    context = detail_context(request, declaration, supersede_form=form)
    return render(request, DETAIL_TEMPLATE, context, status=400)


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_duplicate(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    copy = services.declaration_duplicate(declaration=declaration, by=request.user)
    messages.success(
        request,
        _(
            "Salinan dibuat sebagai draf. Setelah salinan difinalkan, tandai dokumen lama "
            "sebagai diganti."
        ),
    )
    return redirect("declarations:edit", pk=copy.pk)


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declaration_delete(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    unit_code = declaration.unit.code
    try:
        services.declaration_delete(declaration=declaration, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(declaration)
    messages.success(request, _("Draf dihapus."))
    return redirect(f"{reverse('declarations:list')}?unit={unit_code}")


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def participants_import(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    """Replace a draft's witnesses or signatories with the rows of an xlsx/csv file."""
    if not declaration.is_draft:
        messages.error(
            request, _("Pencanangan ini sudah difinalkan: daftarnya tidak dapat diganti.")
        )
        return redirect(declaration)
    form = ParticipantImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = resources.import_participants(
                declaration=declaration,
                who=form.cleaned_data["who"],
                content=upload.read(),
                file_name=upload.name,
                by=request.user,
            )
        except ValidationError as error:
            result = resources.ParticipantImport(ok=False, errors=error.messages)
        if result.ok:
            messages.success(request, _("%(count)d baris diimpor.") % {"count": result.count})
            return redirect(declaration)
        for message in result.errors or []:
            form.add_error("file", message)
    # Read again: the page shows the rows as saved, whatever the refused file did.
    declaration = selectors.declaration_as_saved(declaration.pk)
    context = detail_context(request, declaration, import_form=form)
    return render(request, DETAIL_TEMPLATE, context, status=400)


@unit_permission(Perm.ADMINISTER, scope=scopes.DECLARATION)
@require_POST
def declarants_from_people(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    return _state_change(
        request,
        declaration,
        lambda declaration: services.declarants_from_people(
            declaration=declaration, by=request.user
        ),
        _("Penanda tangan diisi dari pegawai unit: satu halaman pakta integritas per orang."),
    )
