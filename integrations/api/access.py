"""Who may call an API operation: personal access tokens, and the same access module as
the pages (`units.access`).

Every operation declares its rule in one decorator line, as views do:

    @router.get("/cycles/{pk}", response=CycleOut)
    @api_permission(Perm.VIEW, scope=scopes.CYCLE)
    def cycle_detail(request, cycle): ...

The decorator turns the URL's key into the object (404 for outsiders, 403 for
insiders without the capability, exactly as `unit_permission`), refuses any
write with a read-only token (403), and gives the operation the object; the
operation's signature as django-ninja sees it carries the URL key instead.
`api_signed_in` marks operations that list what the token's person may see,
`api_public` those that show only published data.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from integrations.models import AccessToken, digest
from lib.view_permissions import ViewPermission
from units.access import Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
USED_EVERY_SECONDS = 60  # last_used_at is written at most this often per token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer zit_…`: a usable token; the call acts as its person."""

    def authenticate(self, request, token: str):
        found = (
            AccessToken.objects.usable()
            .select_related("user")
            .filter(digest=digest(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > USED_EVERY_SECONDS
        ):
            AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


def _check_write(request) -> None:
    token = getattr(request, "auth", None)
    if request.method not in SAFE_METHODS and (token is None or token.read_only):
        raise PermissionDenied(_("Token ini hanya untuk membaca."))


def api_permission(perm, *, scope: Scope | None = None, kwarg_type: type | None = None):
    """The operation needs `perm` on the unit `scope` finds from the URL (as unit_permission)."""

    def decorator(view: Callable):
        signature = inspect.signature(view)
        hints = typing.get_type_hints(view)
        parameters = []
        for parameter in signature.parameters.values():
            annotation = hints.get(parameter.name, parameter.annotation)
            if scope is not None and parameter.name == scope.name:
                key_type = kwarg_type or (str if scope.kwarg == "code" else int)
                parameters.append(parameter.replace(name=scope.kwarg, annotation=key_type))
                parameters.extend(
                    inspect.Parameter(name, parameter.kind, annotation=int) for name in scope.within
                )
            else:
                parameters.append(parameter.replace(annotation=annotation))

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            needed = perm(kwargs) if callable(perm) else perm
            if scope is not None:
                obj = scope.load(
                    kwargs.pop(scope.kwarg), **{name: kwargs.pop(name) for name in scope.within}
                )
                scope.authorise(request.user, obj, needed)  # outsiders 404 before anything else
                kwargs[scope.name] = obj
            _check_write(request)
            return view(request, *args, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=parameters)
        wrapper.permission = ViewPermission("unit", perm, scope)
        return wrapper

    return decorator


def api_signed_in(view: Callable):
    """Any token: the operation shows only what `.visible_to(user)` allows."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _check_write(request)
        return view(request, *args, **kwargs)

    wrapper.permission = ViewPermission("signed_in")
    return wrapper


def api_public(view: Callable):
    """No token needed: published data only (throttled per address)."""
    view.permission = ViewPermission("public")
    return view


def throttles(*, token_rate: str, anonymous_rate: str) -> list:
    """Calls per token (or per address without one), django-ninja's throttles."""
    return [AuthRateThrottle(token_rate), AnonRateThrottle(anonymous_rate)]
