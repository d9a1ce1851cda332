"""Request middleware of the project as a whole."""

import logging
import time
from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django_otp import user_has_device


class LanguageCookieMiddleware:
    """Indonesian unless the person chose another language.

    Django's LocaleMiddleware also follows the browser's Accept-Language, so a
    civil servant with an English browser would get English pages; here only
    the language cookie set by the language switcher counts. Hand-written
    because it is ten lines and no library does exactly this.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline styles allowed in the Django admin only.

    Our own pages keep the strict policy in settings.CONTENT_SECURITY_POLICY
    (no inline script or style); the admin's templates set a few style
    attributes, so its pages get `style-src 'unsafe-inline'` on top.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts


SECOND_FACTOR_SESSION_KEY = "zi_second_factor"


class RequireSecondFactorMiddleware:
    """People who turned on a TOTP second factor must enter a code after their password.

    Until they do, every page but the code page, signing out and static files
    sends them to the code page. People without a device are not affected
    (the second factor is optional). Whether the person has a device is looked
    up once per session, not on every request.
    """

    ALLOWED = ("/masuk/kode/", "/keluar/", "/static/", "/bahasa/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(self.ALLOWED)
            and needs_second_factor(request)
        ):
            return redirect_to_login(request.get_full_path(), login_url=reverse("otp_verify"))
        return self.get_response(request)


def needs_second_factor(request: HttpRequest) -> bool:
    """Whether the signed-in person has a confirmed TOTP device (cached in the session)."""
    state = request.session.get(SECOND_FACTOR_SESSION_KEY)
    if state is None:
        state = "required" if user_has_device(request.user, confirmed=True) else "none"
        request.session[SECOND_FACTOR_SESSION_KEY] = state
    return state == "required"


request_logger = logging.getLogger("zi_tracker.requests")


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, duration, user.

    With ZI_LOG_FORMAT=json each line is a JSON object the log collector can
    index; the query string is left out (it may carry search terms).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
