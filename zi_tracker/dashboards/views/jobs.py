"""An export's job page: progress while the worker writes it, the download when done."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib import jobs
from units.access import Perm, unit_permission
from zi_tracker import scopes
from zi_tracker.dashboards.exports import XLSX
from zi_tracker.models import ExportJob


@unit_permission(Perm.VIEW, scope=scopes.EXPORT_JOB)
def export_job(request: HttpRequest, job: ExportJob) -> HttpResponse:
    """The whole page, or (asked by htmx every few seconds) only its status part."""
    template = "dashboards/export_job.html"
    return render(
        request,
        f"{template}#status" if request.htmx else template,
        {
            "job": job,
            "stalled": jobs.job_is_stalled(job),
            "keep_days": job.keep_days(),
            "again": job.source_url(),
        },
    )


@unit_permission(Perm.VIEW, scope=scopes.EXPORT_JOB)
@require_POST
def export_job_retry(request: HttpRequest, job: ExportJob) -> HttpResponse:
    """Start again an export that failed, or whose worker stopped."""
    return jobs.retry_from_page(request, job, started=_("Ekspor dimulai lagi."))


@unit_permission(Perm.VIEW, scope=scopes.EXPORT_JOB)
def export_job_download(request: HttpRequest, job: ExportJob) -> FileResponse:
    return jobs.file_response(job, content_type="application/pdf" if job.is_pdf else XLSX)
