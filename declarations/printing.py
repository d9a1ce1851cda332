"""Printing many declarations at once: one zip, built in the background above a threshold.

`print_job_start(declarations=..., by=..., label=...)` is the one entry point:
the admin action, the "print this unit's subtree" button and (later) an
evaluation campaign each pass it a queryset or a list of declarations. Small
batches are built at once; larger ones run as a Django task
(`declarations.tasks.build_print_job`) on the database worker, and the job
row shows the progress and keeps the file for download. The zip itself is
made by `declarations.bundles`, which both paths share.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from declarations.bundles import print_job_run
from declarations.models import Declaration, PrintJob
from lib import jobs
from units.models import User

logger = logging.getLogger(__name__)


def threshold() -> int:
    return settings.ZI_DECLARATIONS_PRINT_THRESHOLD


def print_job_start(
    *, declarations: Iterable[Declaration] | Iterable[int], by: User, label: str
) -> PrintJob:
    """Bundle the declarations' PDFs into one zip, now or in the background.

    Up to `ZI_DECLARATIONS_PRINT_THRESHOLD` declarations are bundled at once;
    more are handed to the task worker. Either way the returned job keeps the
    file for download.
    """
    ids: list[int] = []
    for item in declarations:
        pk = item if isinstance(item, int) else item.pk
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ValueError(_("Tidak ada pencanangan untuk dicetak."))
    job = PrintJob.objects.create(
        label=label[:255], declaration_ids=ids, total=len(ids), created_by=by
    )
    if len(ids) <= threshold():
        try:
            print_job_run(job)
        except Exception:  # recorded on the job; the page says it failed
            logger.exception("print job %s failed", job.pk)
    else:
        jobs.job_enqueue(job)
    return job


MAX_ATTEMPTS = jobs.MAX_ATTEMPTS
job_is_stalled = jobs.job_is_stalled


def print_job_retry(
    job: PrintJob, *, by: User | None = None, left_by_worker: bool = False
) -> PrintJob:
    """Start a stalled or failed job again on the worker, or give up after MAX_ATTEMPTS
    (`lib.jobs.job_retry`, which `manage.py recover_jobs` runs for every kind of job)."""
    return jobs.job_retry(job, by=by, left_by_worker=left_by_worker)


def prune_print_jobs(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the zips of jobs finished more than ZI_PRINT_JOB_KEEP_DAYS ago.

    The job rows stay (their pages say the file was removed and link to print
    again): the zips are copies of PDFs kept on their declarations. Returns how
    many zips were deleted and how many bytes they held.
    """
    return jobs.prune(PrintJob, now=now)
