"""Pages of the organisation: the units a person can see, a unit, its team."""

import base64
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.middleware import SECOND_FACTOR_SESSION_KEY
from lib.pdf import qr_data_uri
from units import access, panels, scopes, services
from units.access import Perm, public, signed_in, unit_permission
from units.forms import MembershipGrantForm, TokenForm, UnitFilterForm
from units.models import Membership, Unit

PAGE_SIZE = 50


@signed_in
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units the person can see, in tree order, filterable and paginated."""
    form = UnitFilterForm(request.GET or None)
    units = form.filter(Unit.objects.visible_to(request.user))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("halaman"))
    min_depth = min((unit.depth for unit in page.object_list), default=1)
    for unit in page.object_list:
        unit.indent = unit.depth - min_depth
    return render(request, "units/unit_list.html", {"form": form, "page": page})


@unit_permission(Perm.VIEW)
def unit_detail(request: HttpRequest, unit: Unit) -> HttpResponse:
    ancestors = list(unit.ancestors())
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).annotate(
            member_count=Count("memberships")
        )
    )
    memberships = list(
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "memberships": memberships,
            "my_roles": sorted(access.roles_on(request.user, unit), key=lambda role: role.label),
            "can_manage_team": access.can(request.user, unit, Perm.MANAGE_TEAM),
            "panels": panels.panels_for(request, unit),
        },
    )


def _team_context(request: HttpRequest, unit: Unit, form: MembershipGrantForm | None) -> dict:
    roles = access.grantable_roles(request.user, unit)
    memberships = list(
        Membership.objects.filter(unit=unit)
        .select_related("user", "granted_by")
        .order_by("user__full_name", "user__username", "role")
    )
    for membership in memberships:
        membership.revocable = membership.role in roles and membership.user_id != request.user.pk
    return {
        "unit": unit,
        "ancestors": list(unit.ancestors()),
        "memberships": memberships,
        "inherited": list(
            Membership.objects.filter(unit__path__in=unit.ancestor_paths)
            .select_related("user", "unit")
            .order_by("unit__depth", "role")
        ),
        "form": form if form is not None else (MembershipGrantForm(roles=roles) if roles else None),
    }


@unit_permission(Perm.VIEW)
def unit_team(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The people who hold roles on the unit, and the form to add one."""
    return render(request, "units/unit_team.html", _team_context(request, unit, None))


@unit_permission(Perm.MANAGE_TEAM)
@require_POST
def membership_grant(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = MembershipGrantForm(request.POST, roles=access.grantable_roles(request.user, unit))
    if form.is_valid():
        try:
            membership = services.membership_grant(
                unit=unit,
                user=form.cleaned_data["person"],
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
    return render(request, "units/unit_team.html", _team_context(request, unit, form), status=400)


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


@public
def unit_logo(request: HttpRequest, code: str) -> FileResponse:
    """The letterhead logo; public, as it is printed on every published document."""
    unit = get_object_or_404(Unit, code=code, is_active=True)
    if not unit.logo:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(unit.logo.name)
    if not content_type or not content_type.startswith("image/"):
        raise Http404
    response = FileResponse(unit.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# --------------------------------------------------------------------------
# Optional second factor (TOTP, django-otp)


def _otp_device(user, *, confirmed: bool):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


@signed_in
def second_factor(request: HttpRequest) -> HttpResponse:
    """Turn the TOTP second factor on (scan, then confirm a code) or off."""
    confirmed = _otp_device(request.user, confirmed=True)
    pending = None if confirmed else _otp_device(request.user, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and confirmed is None:
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            TOTPDevice.objects.create(user=request.user, name="ZI Tracker", confirmed=False)
            return redirect("second_factor")
        if action in ("confirm", "disable") and form.is_valid():
            device = pending if action == "confirm" else confirmed
            if device is not None and device.verify_token(form.cleaned_data["token"]):
                if action == "confirm":
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    otp_login(request, device)
                    request.session[SECOND_FACTOR_SESSION_KEY] = "required"
                    messages.success(request, _("Verifikasi dua langkah aktif."))
                else:
                    TOTPDevice.objects.filter(user=request.user).delete()
                    request.session[SECOND_FACTOR_SESSION_KEY] = "none"
                    messages.success(request, _("Verifikasi dua langkah dimatikan."))
                return redirect("second_factor")
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Coba kode terbaru."))
    context = {"confirmed": confirmed, "pending": pending, "form": form}
    if pending is not None:
        context["qr"] = qr_data_uri(pending.config_url, scale=5)
        context["secret"] = base64.b32encode(pending.bin_key).decode("ascii")
    return render(
        request, "registration/second_factor.html", context, status=400 if form.errors else 200
    )


@signed_in
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, for people who turned it on."""
    device = _otp_device(request.user, confirmed=True)
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"  # a path of this site only (a bare word would be taken for a view name)
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(next_url)
        form.add_error(
            "token",
            _("Kode salah atau sudah kedaluwarsa.")
            if allowed
            else _("Terlalu banyak percobaan; tunggu sebentar lalu coba lagi."),
        )
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )
