"""A unit's team: who holds which role, adding people, inviting new ones (one by one or
from a sheet), sending an invitation again, revoking a role, closing an account."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.imports import ImportFileError, import_dataset, read_dataset
from units import access, scopes, services
from units.access import Perm, unit_permission
from units.forms import (
    InvitationForm,
    InvitationImportForm,
    MembershipGrantForm,
)
from units.models import Membership, Unit
from units.resources import InvitationResource


def _team_context(request: HttpRequest, unit: Unit, **forms) -> dict:
    roles = access.grantable_roles(request.user, unit)
    memberships = list(
        Membership.objects.filter(unit=unit)
        .select_related("user", "granted_by")
        .order_by("user__full_name", "user__username", "role")
    )
    for membership in memberships:
        membership.revocable = membership.role in roles and membership.user_id != request.user.pk
    can_invite = bool(roles) and access.can_invite(request.user, unit)
    _mark_deactivatable(request.user, memberships)
    return {
        "unit": unit,
        "ancestors": list(unit.ancestors()),
        "memberships": memberships,
        "inherited": list(
            Membership.objects.filter(unit__path__in=unit.ancestor_paths)
            .select_related("user", "unit")
            .order_by("unit__depth", "role")
        ),
        "form": forms.get("form") or (MembershipGrantForm(roles=roles) if roles else None),
        "can_invite": can_invite,
        "invite_form": forms.get("invite_form")
        or (InvitationForm(roles=roles) if can_invite else None),
        "import_form": forms.get("import_form") or (InvitationImportForm() if can_invite else None),
        "can_administer": access.can(request.user, unit, Perm.ADMINISTER),
        "invitation_days": settings.ZI_INVITATION_DAYS,
    }


@unit_permission(Perm.VIEW)
def unit_team(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The people who hold roles on the unit, and the forms to add, invite or import people."""
    return render(request, "units/unit_team.html", _team_context(request, unit))


@unit_permission(Perm.MANAGE_TEAM)
@require_POST
def membership_grant(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = MembershipGrantForm(
        request.POST, roles=access.grantable_roles(request.user, unit), by=request.user
    )
    if form.is_valid():
        try:
            membership = services.membership_grant(
                unit=unit,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(user)s kini memegang peran %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect("units:team", code=unit.code)
    return render(
        request, "units/unit_team.html", _team_context(request, unit, form=form), status=400
    )


@unit_permission(Perm.MANAGE_TEAM)
@require_POST
def person_invite(request: HttpRequest, unit: Unit) -> HttpResponse:
    """A new person by e-mail (and NIP) into a role; they set their password from the link."""
    form = InvitationForm(request.POST, roles=access.grantable_roles(request.user, unit))
    if form.is_valid():
        try:
            membership = services.person_invite(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("Undangan dikirim ke %(email)s; %(name)s memegang peran %(role)s.")
                % {
                    "email": membership.user.email,
                    "name": membership.user,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("units:team", code=unit.code)
    return render(
        request, "units/unit_team.html", _team_context(request, unit, invite_form=form), status=400
    )


@unit_permission(Perm.MANAGE_TEAM)
@require_POST
def invitations_import(request: HttpRequest, unit: Unit) -> HttpResponse:
    """Many people from an xlsx/csv sheet: every row invited, or none (row-numbered errors)."""
    form = InvitationImportForm(request.POST, request.FILES)
    if form.is_valid():
        if not access.can_invite(request.user, unit):
            raise PermissionDenied(_("Undangan untuk orang baru dikirim oleh admin unit."))
        upload = form.cleaned_data["file"]
        try:
            dataset = read_dataset(upload.read(), file_name=upload.name)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            report = import_dataset(
                InvitationResource(unit=unit, by=request.user), dataset, user=request.user
            )
            if report.ok:
                messages.success(
                    request,
                    _("%(count)d orang diundang; setiap orang menerima surel undangan.")
                    % {"count": report.created},
                )
                return redirect("units:team", code=unit.code)
            for message in report.errors:
                form.add_error("file", message)
    return render(
        request, "units/unit_team.html", _team_context(request, unit, import_form=form), status=400
    )


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.MEMBERSHIP)
@require_POST
def invitation_resend(request: HttpRequest, membership: Membership) -> HttpResponse:
    try:
        services.invitation_resend(user=membership.user, unit=membership.unit, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Undangan dikirim lagi ke %(email)s.") % {"email": membership.user.email}
        )
    return redirect("units:team", code=membership.unit.code)


@unit_permission(Perm.ADMINISTER, scope=scopes.MEMBERSHIP)
@require_POST
def user_deactivate(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Close someone's account: no more sign-ins, and their open sessions end now."""
    user = membership.user
    if user.is_active:
        services.user_deactivate(user=user, by=request.user)
        messages.success(
            request,
            _("Akun %(user)s dinonaktifkan; sesi yang sedang terbuka diakhiri.") % {"user": user},
        )
    else:
        services.user_reactivate(user=user, by=request.user)
        messages.success(request, _("Akun %(user)s diaktifkan kembali.") % {"user": user})
    return redirect("units:team", code=membership.unit.code)


def _mark_deactivatable(user, memberships: list[Membership]) -> None:
    """Whether the person may (de)activate each member's account: all the member's roles lie
    within what the person administers. One query."""
    paths = access.administered_paths(user)
    people = {m.user_id for m in memberships}
    units_of: dict[int, list[str]] = {}
    if paths is not None and people:
        for user_id, path in Membership.objects.filter(user_id__in=people).values_list(
            "user_id", "unit__path"
        ):
            units_of.setdefault(user_id, []).append(path)
    for membership in memberships:
        member = membership.user
        if member.pk == user.pk:
            membership.deactivatable = False
        elif paths is None:
            membership.deactivatable = True
        else:
            membership.deactivatable = not member.is_superuser and all(
                any(path.startswith(mine) for mine in paths) for path in units_of.get(member.pk, [])
            )


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.MEMBERSHIP)
@require_POST
def membership_revoke(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.membership_revoke(membership=membership, by=request.user)
    messages.success(
        request,
        _("Peran %(role)s %(user)s dicabut.")
        % {"role": membership.get_role_display(), "user": membership.user},
    )
    return redirect("units:team", code=membership.unit.code)
