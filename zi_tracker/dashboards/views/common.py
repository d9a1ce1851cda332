"""What the dashboard pages share: files, exports handed to the worker, filter warnings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lib.pdf import RenderedFile
from units.models import Unit
from zi_tracker.dashboards import export_jobs
from zi_tracker.models import ExportKind


def file_response(rendered: RenderedFile, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    return response


def filter_errors(request: HttpRequest, form) -> None:
    """Tell the person which filter choices were not understood (they are ignored)."""
    if form.is_bound and not form.is_valid():
        messages.warning(
            request,
            _("Sebagian pilihan saringan tidak dikenal dan diabaikan: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
        )


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def to_the_worker(
    request: HttpRequest, unit: Unit, *, kind: str, rows: int, total: int | None = None
) -> HttpResponse:
    """An export too large for the request, of `rows` rows (`total` of them written: a PDF
    prints fewer). GET: a page that says the file is made in the background, with its button
    (a GET never starts anything). POST: the job, started; the person goes to its page."""
    query = query_without(request, "halaman")
    total = rows if total is None else total
    if request.method == "POST":
        job = export_jobs.export_start(
            kind=kind, unit=unit, query=query, total=total, by=request.user
        )
        return redirect(job)
    return render(
        request,
        "dashboards/export_start.html",
        {
            "root": unit,
            "kind": ExportKind(kind),
            "rows": rows,
            "threshold": export_jobs.threshold(),
            "query_string": query,
            "action": request.path,
        },
    )
