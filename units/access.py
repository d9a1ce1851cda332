"""Who may see and do what on a unit: the one access module every view uses.

A role held on a unit covers the unit's whole subtree. The rule every view
follows (DESIGN §2):

- anonymous → the login page (views carry `login_required`);
- a person with no role on the unit or any ancestor → 404, as if the unit
  did not exist, so outsiders learn nothing;
- a person with a role that lacks the capability → 403;
- superusers (the national admins) may do everything.

Memberships are read once per request and kept on the user object, so
asking about many units costs no further query.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from units.models import Membership, Role, Unit


class Perm(StrEnum):
    VIEW = "view"  # see the unit, its programme, its dashboards
    EDIT_SELF = "edit_self"  # answer the self-assessment, evidence, work plan, standards
    SUBMIT_SELF = "submit_self"  # submit the self-assessment to the TPI, resubmit
    MANAGE_TEAM = "manage_team"  # grant and revoke roles of the unit's own people
    REVIEW_PRE = "review_pre"  # pre-assess for a provincial or eselon I office
    REVIEW_TPI = "review_tpi"  # score as the internal assessment team
    REVIEW_TPN = "review_tpn"  # record the national evaluation
    ADMINISTER = "administer"  # units, campaigns, declarations, printing and signing


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.STAFF: frozenset({Perm.VIEW, Perm.EDIT_SELF}),
    Role.COORDINATOR: frozenset({Perm.VIEW, Perm.EDIT_SELF, Perm.SUBMIT_SELF, Perm.MANAGE_TEAM}),
    Role.PRE_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_PRE}),
    Role.TPI_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_TPI}),
    Role.TPN_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_TPN}),
    Role.VIEWER: frozenset({Perm.VIEW}),
    Role.UNIT_ADMIN: frozenset(
        {Perm.VIEW, Perm.EDIT_SELF, Perm.SUBMIT_SELF, Perm.MANAGE_TEAM, Perm.ADMINISTER}
    ),
}

# Roles a person may hand out on a unit, by the role they hold there.
TEAM_ROLES = (Role.STAFF, Role.COORDINATOR, Role.VIEWER)

_CACHE_ATTRIBUTE = "_zi_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units. One query, then cached on the user."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the cached memberships after they changed within the same request."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def roles_on(user, unit: Unit) -> set[Role]:
    """Roles that cover the unit: held on it or on one of its ancestors. No query once cached."""
    return {Role(m.role) for m in memberships_of(user) if unit.path.startswith(m.unit.path)}


def perms_on(user, unit: Unit) -> frozenset[Perm]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Perm)
    perms: set[Perm] = set()
    for role in roles_on(user, unit):
        perms |= ROLE_PERMS[role]
    return frozenset(perms)


def can(user, unit: Unit, perm: Perm) -> bool:
    return perm in perms_on(user, unit)


def check(user, unit: Unit, perm: Perm = Perm.VIEW) -> None:
    """Raise 404 for outsiders and 403 for insiders without the capability."""
    perms = perms_on(user, unit)
    if not perms:
        raise Http404
    if perm not in perms:
        raise PermissionDenied


def unit_for(user, code: str, perm: Perm = Perm.VIEW) -> Unit:
    """The unit with this code, if the user may `perm` on it; else 404 or 403."""
    unit = get_object_or_404(Unit, code=code)
    check(user, unit, perm)
    return unit


def grantable_roles(user, unit: Unit) -> list[Role]:
    """Roles the user may grant on the unit: team roles for coordinators, any for admins."""
    perms = perms_on(user, unit)
    if Perm.ADMINISTER in perms:
        return list(Role)
    if Perm.MANAGE_TEAM in perms:
        return list(TEAM_ROLES)
    return []


def is_reviewer(user) -> bool:
    return any(m.role in (Role.TPI_REVIEWER, Role.TPN_REVIEWER) for m in memberships_of(user))
