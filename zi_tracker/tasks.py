"""Background work of the roof, on Django's Tasks API (the database worker runs it)."""

from __future__ import annotations

import logging

from django_tasks import task

from lib.jobs import JobStatus
from zi_tracker.dashboards.export_jobs import export_run
from zi_tracker.models import ExportJob

logger = logging.getLogger(__name__)


@task()
def build_export_job(job_id: str) -> dict:
    """Write a dashboard export (`zi_tracker.dashboards.export_jobs` enqueues it)."""
    job = ExportJob.objects.select_related("unit").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return {"job": job_id, "status": "missing" if job is None else job.status}
    job = export_run(job)
    logger.info("export job %s done: %s rows, %s bytes", job.pk, job.total, job.size)
    return {"job": job_id, "status": job.status, "size": job.size}
