"""How a view declares who may call it, for views that are not about one unit.

Every view carries a `permission` attribute saying what it requires; the
URL × role matrix test reads it, so a view that declares nothing fails the
suite. Unit-scoped views use `units.access.unit_permission` (which builds on
this); the two markers here need no app:

- `signed_in`: any signed-in person; the view shows only what
  `.visible_to(user)` allows (lists, the home page, notifications);
- `public`: no sign-in; the view shows only what is published and changes
  nothing a visitor does not own (verification uploads, the health check);
- `superuser`: the national administrators' settings of the whole
  installation (403 for anyone else).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class ViewPermission:
    """What a view declared: kind "unit", "signed_in", "public", "superuser" or "api" (each API
    operation declares its own rule), and for "unit" its rule."""

    kind: str
    perm: Any = None
    scope: Any = None


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in person; anonymous visitors go to the sign-in page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.permission = ViewPermission("signed_in")
    return wrapper


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No sign-in: the view shows only what is published."""

    # A wrapper rather than an attribute set on `view`, so marking one of
    # Django's own views (`set_language`) does not change Django's function.
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    wrapper.permission = ViewPermission("public")
    return wrapper


def superuser(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """National administrators only: settings of the whole installation (sign-in providers,
    message channels). Anonymous visitors go to the sign-in page; anyone else gets 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.permission = ViewPermission("superuser")
    return wrapper
