"""Who may see and do what on a unit: the one access module every view uses.

A role held on a unit covers the unit's whole subtree. The rule every view
follows (DESIGN §2):

- anonymous → the login page;
- a person with no role on the unit or any ancestor → 404, as if the unit
  did not exist, so outsiders learn nothing;
- a person with a role that lacks the capability → 403;
- superusers (the national admins) may do everything.

The convention (docs/architecture.md, "Access"): a view states once,
in its decorator, what it needs —

    @unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
    def work_plan(request, cycle): ...

— and the decorator loads the object its URL names (a `Scope`), refuses
outsiders (404) and insiders without the capability (403), and hands the
view the object. Views that are not about one unit say so just as plainly:
`@signed_in` (the view scopes its lists with `.visible_to(user)`) or
`@public` (no login; only published data). Services enforce the same rules
again when they are given the acting person (`by=`), so commands and imports
that pass a person are checked too; `by=None` is the system itself.

Memberships are read once per request and kept on the user object, so
asking about many units costs no further query.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from lib.view_permissions import ViewPermission
from lib.view_permissions import public as public  # re-exported: one import for views
from lib.view_permissions import signed_in as signed_in
from units.models import Membership, Role, Unit


class Perm(StrEnum):
    VIEW = "view"  # see the unit, its programme, its dashboards
    EDIT_SELF = "edit_self"  # answer the self-assessment, evidence, work plan, standards
    SUBMIT_SELF = "submit_self"  # submit the self-assessment to the TPI, resubmit
    MANAGE_TEAM = "manage_team"  # grant and revoke roles of the unit's own people
    REVIEW_PRE = "review_pre"  # pre-assess for a provincial or eselon I office
    REVIEW_TPI = "review_tpi"  # score as the internal assessment team
    REVIEW_TPN = "review_tpn"  # record the national evaluation
    SET_WBK = "set_wbk"  # set Menuju WBK for the instansi (evaluasi mandiri; 52/2014: pimpinan)
    ADMINISTER = "administer"  # units, campaigns, declarations, printing and signing
    NATIONAL = "national"  # national decisions: recording and revoking predicates (superusers)


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.STAFF: frozenset({Perm.VIEW, Perm.EDIT_SELF}),
    Role.COORDINATOR: frozenset({Perm.VIEW, Perm.EDIT_SELF, Perm.SUBMIT_SELF, Perm.MANAGE_TEAM}),
    Role.PRE_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_PRE}),
    Role.TPI_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_TPI}),
    Role.TPN_REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW_TPN}),
    Role.VIEWER: frozenset({Perm.VIEW}),
    Role.INSTANSI_EVALUATOR: frozenset({Perm.VIEW, Perm.SET_WBK}),
    Role.UNIT_ADMIN: frozenset(
        {Perm.VIEW, Perm.EDIT_SELF, Perm.SUBMIT_SELF, Perm.MANAGE_TEAM, Perm.ADMINISTER}
    ),
}

# Roles a person may hand out on a unit, by the role they hold there.
TEAM_ROLES = (Role.STAFF, Role.COORDINATOR, Role.VIEWER)


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their units. One query, then cached on the user."""
    if not user.is_authenticated:
        return []
    return user.unit_memberships()


def forget_memberships(user) -> None:
    """Drop the cached memberships after they changed within the same request."""
    if user.is_authenticated:
        user.forget_unit_memberships()


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


# Whether a unit's coordinators may invite new people (unit admins always may). Apps above
# `units` allow it by registering a policy in their AppConfig.ready(): an evaluation
# campaign's option does (change_areas). No policy: only administrators invite.
_invite_policies: list[Callable[[Unit], bool]] = []


def register_invite_policy(policy: Callable[[Unit], bool]) -> Callable[[Unit], bool]:
    if policy not in _invite_policies:
        _invite_policies.append(policy)
    return policy


def can_invite(user, unit: Unit) -> bool:
    """May the person invite new people (new accounts) into roles on the unit?"""
    perms = perms_on(user, unit)
    if Perm.ADMINISTER in perms:
        return True
    return Perm.MANAGE_TEAM in perms and any(policy(unit) for policy in _invite_policies)


def team_paths(user) -> list[str] | None:
    """The subtrees whose people the person manages (None: everywhere, for superusers)."""
    if user.is_superuser:
        return None
    return [
        m.unit.path for m in memberships_of(user) if Perm.MANAGE_TEAM in ROLE_PERMS[Role(m.role)]
    ]


def administered_paths(user) -> list[str] | None:
    """The subtrees the person administers (None: everywhere, for superusers)."""
    if user.is_superuser:
        return None
    return [
        m.unit.path for m in memberships_of(user) if Perm.ADMINISTER in ROLE_PERMS[Role(m.role)]
    ]


def is_reviewer(user) -> bool:
    return any(m.role in (Role.TPI_REVIEWER, Role.TPN_REVIEWER) for m in memberships_of(user))


# --------------------------------------------------------------------------
# The view convention: one decorator line states what a view needs.


@dataclass(frozen=True)
class Scope:
    """How a view finds the object its URL names, and the unit that decides access to it.

    `kwarg` is the URL keyword (`pk`, `code`); the view receives the loaded
    object as the argument `name`. `load` turns the URL value into the
    object or raises Http404 (one query; select what the view shows).
    `within` names further URL keywords that `load` reads, by name: the
    unit `code` in `/unit/<code>/layanan/<service_id>/`, so an id under
    another unit's address is a 404. They are consumed like `kwarg`.
    `unit_of` names the unit whose roles decide; `check` may replace the
    whole decision for objects whose rule is more than one unit's roles
    (a joint declaration is visible from every declaring unit).
    """

    kwarg: str
    name: str
    load: Callable[..., Any]
    unit_of: Callable[[Any], Unit] = lambda obj: obj.unit
    check: Callable[[Any, Any, Perm], None] | None = None
    within: tuple[str, ...] = ()

    def authorise(self, user, obj, perm: Perm) -> None:
        if self.check is not None:
            self.check(user, obj, perm)
        else:
            check(user, self.unit_of(obj), perm)


UNIT = Scope(
    kwarg="code",
    name="unit",
    load=lambda code: get_object_or_404(Unit, code=code),
    unit_of=lambda unit: unit,
)

# A capability, or a function of the URL's keywords that picks one (raising
# Http404 for a value the URL may not take, e.g. an unknown layer).
PermSpec = Perm | Callable[[dict[str, Any]], Perm]


def unit_permission(perm: PermSpec, *, scope: Scope = UNIT):
    """Require `perm` on the unit that `scope` finds from the URL; pass the object in.

    Anonymous → login page; outsider → 404; insider without `perm` → 403.
    The URL keywords `scope.kwarg` and `scope.within` are replaced by the loaded object.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            needed = perm(kwargs) if callable(perm) else perm
            obj = scope.load(
                kwargs.pop(scope.kwarg), **{name: kwargs.pop(name) for name in scope.within}
            )
            scope.authorise(request.user, obj, needed)
            return view(request, *args, **{scope.name: obj}, **kwargs)

        wrapper.permission = ViewPermission("unit", perm, scope)
        return wrapper

    return decorator


def perm_by(kwarg: str, perms: dict[str, Perm]) -> Callable[[dict[str, Any]], Perm]:
    """A PermSpec that picks the capability from a URL keyword (404 for other values)."""

    def pick(kwargs: dict[str, Any]) -> Perm:
        try:
            return perms[kwargs[kwarg]]
        except KeyError:
            raise Http404 from None

    return pick
