"""Operations endpoints: the health check, and error pages that do not need the database."""

from __future__ import annotations

import gc
import logging
import sys

from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from lib.view_permissions import public

logger = logging.getLogger(__name__)


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the file storage answer, 503 (naming the failing part) when not.

    No login: load balancers and monitors probe it. It reveals no data.
    """
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        logger.exception("health check: database unavailable")
        checks["database"] = "error"
    try:
        # Listing the top folder reaches the disk or the bucket (a missing bucket fails,
        # where asking whether one name exists would only answer "no").
        default_storage.listdir("")
        checks["storage"] = "ok"
    except FileNotFoundError:
        checks["storage"] = "ok"  # a local folder not made yet: the first upload makes it
    except Exception:  # any backend error (disk, S3) means the storage is not usable
        logger.exception("health check: storage unavailable")
        checks["storage"] = "error"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@public
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database that went away gets a 503 page, anything else the 500 page.

    Both templates are plain HTML rendered without the request, so showing
    them needs no database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def freeze_loaded_objects() -> None:
    """Put every object loaded so far (Django, the apps, their modules and templates) out of
    the cyclic garbage collector's sight, once a process has loaded the app.

    Laying out a PDF allocates enough objects to set off the collector's full collections,
    and each walked the whole process, some 80 ms a time: a signed declaration's CPU p95 was
    232 ms against a p50 of 132 ms, and 154 ms once frozen (BENCHMARKS.md). Objects that
    come later are collected as before. Called by zi_tracker/wsgi.py (each app server) and
    the task worker (`db_worker`).
    """
    gc.freeze()
