"""The REST API (django-ninja), version 1, under /api/v1/, its OpenAPI document at
/api/v1/openapi.json and its documentation at /api/v1/docs.

Why django-ninja rather than Django REST Framework with drf-spectacular: the
API is a dozen operations over our own selectors and services, and ninja
makes the OpenAPI document from the operations' type hints with no second
schema layer to keep in step; it ships Swagger UI as static files (our CSP
allows no CDN) and has token auth and throttling built in.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import URLPattern
from ninja import NinjaAPI

from integrations.api.access import TokenAuth, throttles
from integrations.api.endpoints import router
from lib.view_permissions import ViewPermission

api = NinjaAPI(
    title="ZI Tracker API",
    version="1",
    description=(
        "Unit, siklus, nilai per lapis, jawaban LKE menurut kode tetap, rencana kerja, predikat "
        "dan registri publik. Setiap panggilan memakai token akses pribadi "
        "(`Authorization: Bearer zit_…`, dibuat di halaman Akun → Token API) dan tunduk pada "
        "peran pemiliknya: orang di luar unit mendapat 404, yang tidak berwenang 403."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=throttles(
        token_rate=settings.ZI_API_RATE, anonymous_rate=settings.ZI_API_ANONYMOUS_RATE
    ),
)
api.add_router("/", router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, error):
    return api.create_response(request, {"detail": str(error) or "Tidak diizinkan."}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request, error):
    return api.create_response(request, {"detail": " ".join(error.messages)}, status=422)


def _declared(view):
    """Mark a URL of the API for the URL × role walk: each operation behind it declares its
    own rule (integrations.api.access), and tests/integrations/test_api_matrix.py walks them."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.permission = ViewPermission("api")
    return wrapper


def urls():
    patterns, app_name, namespace = api.urls
    marked = [
        URLPattern(p.pattern, _declared(p.callback), p.default_args, p.name) for p in patterns
    ]
    return marked, app_name, namespace
