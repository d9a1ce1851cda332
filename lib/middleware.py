"""Request middleware of the project as a whole."""

import logging
import time
from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django_otp import user_has_device

from lib.text import clean, has_control_characters


def _cleaned(data: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        copy.setlist(clean(key), [clean(value) for value in values])
    copy._mutable = False
    return copy


class CompressTextMiddleware(GZipMiddleware):
    """Pages, htmx fragments and other text go out gzipped to browsers that accept it.

    An area page is some 120 KB of HTML and about 15 KB gzipped: over a slow 3G
    line (400 kbit/s) that is the difference between 2.4 s and 0.3 s on the
    wire (benchmarks/page_load.py). Django's GZipMiddleware does the work,
    with its BREACH mitigation (random bytes in each gzip header) and the CSRF
    token masked anew on every response. Files that are already compressed or
    binary (PDFs, spreadsheets, evidence, images) go out as they are: deflating
    them again would cost the server time and the browser its download size.
    Static files never reach here: WhiteNoise, above, serves their brotli and
    gzip copies made at collectstatic.
    """

    COMPRESSIBLE = ("text/", "application/json", "application/javascript")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class CleanInputMiddleware:
    """Control characters never get past the front door (`lib.text.clean`).

    Query strings, form fields (plain and htmx posts alike), uploaded file
    names, cookies and request headers are cleaned before any view, form or
    middleware reads them, so a NUL typed into a search box or a note is never
    a PostgreSQL error and never ends up in a spreadsheet or a PDF. A path with
    control characters names no page of ours: 404.

    Form bodies are read here rather than when the view asks; Django's CSRF
    check reads them before the view anyway.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path_info):
            raise Http404
        request.GET = _cleaned(request.GET)
        if request.method != "GET" and request.content_type in self.FORM_TYPES:
            request.POST = _cleaned(request.POST)
            for _name, files in request.FILES.lists():
                for uploaded in files:
                    uploaded.name = clean(uploaded.name or "")
        request.COOKIES = {clean(key): clean(value) for key, value in request.COOKIES.items()}
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str):
                request.META[key] = clean(value)
        return self.get_response(request)


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
    index; the query string is left out (it may carry search terms). A refused
    request (4xx) is a WARNING line with the reason the error page gave
    (`request.log_reason`, set by lib.errors), never a traceback: settings keep
    Django's own `django.request` logger for 5xx only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        status = response.status_code
        reason = str(getattr(request, "log_reason", "") or "")[:300]
        request_logger.log(
            logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO,
            "%s %s %s%s",
            request.method,
            request.path,
            status,
            f" ({reason})" if reason else "",
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "reason": reason,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class PrivateDownloadsMiddleware:
    """`Cache-Control: private, no-store` on every file a view that is not public hands out.

    A PDF, spreadsheet, JSON scorecard, zip or evidence document of a unit is
    for the person who asked, not for a shared proxy or the browser's disk
    cache on an office computer. One place for every such response: anything
    that is not an HTML page (or carries Content-Disposition) from a view not
    marked `@public` (lib.view_permissions). Public documents (a published
    standard's PDF) may be cached as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "public_view", False) and is_download(response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        permission = getattr(view_func, "permission", None)
        request.public_view = getattr(permission, "kind", None) == "public"


def is_download(response: HttpResponse) -> bool:
    """A file rather than a page: an attachment, or a body that is not HTML."""
    if response.status_code != 200:
        return False
    if response.has_header("Content-Disposition"):
        return True
    content_type = response.get("Content-Type", "")
    return bool(content_type) and not content_type.startswith("text/html")
