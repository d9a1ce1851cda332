"""Signing keys in the browser: the keys a person manages, uploading an institution's
certificate, the trial key, which key signs which unit's documents, and each key's use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from declarations import keys, scopes, signing
from declarations.forms import SigningKeyAssignForm, SigningKeyUploadForm
from declarations.models import SigningKey, SigningKeyAssignment
from units import access
from units.access import Perm, signed_in, unit_permission
from units.models import Unit

USES_SHOWN = 50


def _administered_paths(user) -> list[str]:
    return [
        m.unit.path
        for m in access.memberships_of(user)
        if Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]


@signed_in
def signing_keys(request: HttpRequest) -> HttpResponse:
    """The keys the person manages, the installation's default, and the upload form.

    For national admins and for the administrators of a unit (their units' keys).
    """
    user = request.user
    paths = _administered_paths(user)
    if not user.is_superuser and not paths:
        raise PermissionDenied(_("Kunci tanda tangan dikelola admin unit dan admin nasional."))
    managed = SigningKey.objects.select_related("owner").prefetch_related("assignments__unit")
    if not user.is_superuser:
        inside = Q(pk__in=[])
        for path in paths:
            inside |= Q(owner__path__startswith=path)
        managed = managed.filter(inside)
    owners = Unit.objects.all() if user.is_superuser else Unit.objects.within_paths(paths)
    form = SigningKeyUploadForm(
        request.POST or None,
        request.FILES or None,
        owners=owners.filter(depth__lte=3) if user.is_superuser else owners,
        allow_installation=user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        try:
            key = keys.signing_key_upload(
                name=form.cleaned_data["name"],
                pkcs12=form.cleaned_data["file"],
                passphrase=form.cleaned_data["passphrase"],
                owner=form.cleaned_data["owner"],
                by=user,
            )
        except (ValidationError, signing.SigningError) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            messages.success(
                request,
                _("Sertifikat %(name)s tersimpan. Tetapkan unit yang ditandatanganinya.")
                % {"name": key.name},
            )
            return redirect(key)
    return render(
        request,
        "declarations/signing_keys.html",
        {
            "keys": list(managed),
            "default": SigningKey.objects.filter(is_default=True).first(),
            "form": form,
            "can_create_trial": user.is_superuser,
        },
        status=400 if form.errors else 200,
    )


@signed_in
@require_POST
def signing_key_trial(request: HttpRequest) -> HttpResponse:
    """National admins: a self-signed trial key (the default when there is none)."""
    key = keys.signing_key_create_trial(by=request.user)
    messages.success(request, _("Kunci uji coba dibuat."))
    return redirect(key)


@unit_permission(Perm.ADMINISTER, scope=scopes.SIGNING_KEY)
def signing_key_detail(request: HttpRequest, key: SigningKey) -> HttpResponse:
    """Subject, validity, the units it signs for, and its last uses. Four queries."""
    form = SigningKeyAssignForm(
        request.POST or None, units=keys.assignable_units(request.user, key)
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = keys.signing_key_assign(
                key=key, unit=form.cleaned_data["unit"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Dokumen %(unit)s dan unit di bawahnya kini ditandatangani dengan kunci ini.")
                % {"unit": assignment.unit.name},
            )
            return redirect(key)
    return render(
        request,
        "declarations/signing_key.html",
        {
            "key": key,
            "form": form,
            "assignments": list(key.assignments.select_related("unit", "assigned_by")),
            "uses": list(key.uses.select_related("unit", "used_by")[:USES_SHOWN]),
            "use_count": key.uses.count(),
            "can_make_default": request.user.is_superuser
            and key.owner is None
            and key.is_active
            and not key.is_default,
        },
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.ADMINISTER, scope=scopes.SIGNING_KEY_ASSIGNMENT)
@require_POST
def signing_key_unassign(request: HttpRequest, assignment: SigningKeyAssignment) -> HttpResponse:
    keys.signing_key_unassign(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("Penetapan untuk %(unit)s dihapus; dokumennya kini ditandatangani kunci di atasnya.")
        % {"unit": assignment.unit.name},
    )
    return redirect(assignment.key)


@unit_permission(Perm.ADMINISTER, scope=scopes.SIGNING_KEY)
@require_POST
def signing_key_default(request: HttpRequest, key: SigningKey) -> HttpResponse:
    try:
        keys.signing_key_make_default(key=key, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Kunci ini kini kunci bawaan instalasi."))
    return redirect(key)


@unit_permission(Perm.ADMINISTER, scope=scopes.SIGNING_KEY)
@require_POST
def signing_key_retire(request: HttpRequest, key: SigningKey) -> HttpResponse:
    keys.signing_key_retire(key=key, by=request.user)
    messages.success(
        request,
        _("Kunci tidak dipakai lagi. Tanda tangan yang telah dibuatnya tetap dikenali."),
    )
    return redirect(key)
