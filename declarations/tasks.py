"""Background work of declarations, on Django's Tasks API (the database worker runs it)."""

from __future__ import annotations

import logging

from django_tasks import task

from declarations.bundles import print_job_run
from declarations.models import PrintJob, PrintJobStatus

logger = logging.getLogger(__name__)


@task()
def build_print_job(job_id: str) -> dict:
    """Build the zip of a print job (`declarations.printing` enqueues it)."""
    job = PrintJob.objects.filter(pk=job_id).first()
    if job is None or job.status == PrintJobStatus.DONE:
        return {"job": job_id, "status": "missing" if job is None else job.status}
    job = print_job_run(job)
    logger.info("print job %s done: %s files, %s bytes", job.pk, job.total, job.size)
    return {"job": job_id, "status": job.status, "size": job.size}
