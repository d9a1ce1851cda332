"""The units a person can see, a unit's page, its letterhead logo."""

import mimetypes

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lib.files import stored_file_response
from units import access, panels
from units.access import Perm, public, signed_in, unit_permission
from units.forms import (
    UnitFilterForm,
)
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
    children = list(Unit.objects.children_of(unit).annotate(member_count=Count("memberships")))
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


@public
def unit_logo(request: HttpRequest, code: str) -> FileResponse:
    """The letterhead logo; public, as it is printed on every published document."""
    unit = get_object_or_404(Unit, code=code, is_active=True)
    if not unit.logo:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(unit.logo.name)
    if not content_type or not content_type.startswith("image/"):
        raise Http404
    return stored_file_response(
        unit.logo,
        filename=unit.logo.name.rsplit("/", 1)[-1],
        content_type=content_type,
        as_attachment=False,
        cache_control="public, max-age=3600",
        content_security_policy="default-src 'none'",
    )


# --------------------------------------------------------------------------
# Optional second factor (TOTP, django-otp)
