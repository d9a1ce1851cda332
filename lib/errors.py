"""Error pages in the product's own dress, and the one refusal a view raises for a malformed form.

`handler400` and `handler403` (set in the roof's URL map) and `CSRF_FAILURE_VIEW`
render templates/400.html, 403.html and 403_csrf.html inside the site's layout,
in the person's language, with a way back. Django's own would render without the
request (no menu, no language) or, for CSRF, an English page that speaks of
DEBUG=True. What went wrong is logged as one line by
`lib.middleware.RequestLogMiddleware`, never as a traceback.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class BadInput(BadRequest):
    """A request our own pages never send (a form without its edit version, say): 400.

    Its message is written for the person and shown on the 400 page.
    """


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if isinstance(exception, BadInput) else ""
    request.log_reason = message or type(exception).__name__
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None else ""
    request.log_reason = message
    return render(request, "403.html", {"exception": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: usually a page left open past the session."""
    request.log_reason = f"CSRF: {reason}"
    return render(request, "403_csrf.html", {}, status=403)
