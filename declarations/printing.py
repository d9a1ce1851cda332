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
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from declarations.bundles import print_job_run
from declarations.models import Declaration, PrintJob, PrintJobStatus
from declarations.tasks import build_print_job
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
        result = build_print_job.enqueue(str(job.pk))
        PrintJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])
        job.refresh_from_db()
    return job


MAX_ATTEMPTS = 3


class WorkerStopped(Exception):
    """Recorded on a task whose worker stopped (was killed, restarted) before finishing it."""


def _task_results(jobs: Iterable[PrintJob]) -> dict[str, DBTaskResult]:
    """The database worker's records of the jobs' tasks, by task id (one query).

    Jobs built in the request, or queued on another Tasks backend, have none.
    """
    ids = []
    for job in jobs:
        try:
            ids.append(uuid.UUID(job.task_result_id))
        except ValueError:
            continue
    if not ids:
        return {}
    return {str(result.pk): result for result in DBTaskResult.objects.filter(pk__in=ids)}


def _waiting_in_queue(job: PrintJob, results: dict[str, DBTaskResult]) -> bool:
    """Its task is still in the queue, untaken: busy workers, not a stopped one."""
    result = results.get(job.task_result_id)
    return result is not None and result.status == TaskResultStatus.READY


def job_is_stalled(job: PrintJob) -> bool:
    """Silent for ZI_PRINT_JOB_STALL_MINUTES and not merely waiting its turn in the queue."""
    return job.is_stalled and not _waiting_in_queue(job, _task_results([job]))


@transaction.atomic
def print_job_retry(
    job: PrintJob, *, by: User | None = None, left_by_worker: bool = False
) -> PrintJob:
    """Start a stalled or failed job again on the worker, or give up after MAX_ATTEMPTS.

    A job whose worker was killed mid-way is never silently lost: its page
    says it stopped, and the person (or `manage.py recover_print_jobs`) retries it.
    `left_by_worker` says the worker that had it is known to be gone (it is
    starting again under the same id), so there is no need to wait for the stall limit.
    """
    # Locked: the sweep on another machine, or the person's button, may be retrying it too.
    job = PrintJob.objects.select_for_update().get(pk=job.pk)
    abandoned = _task_results([job]).get(job.task_result_id)
    taken = abandoned is not None and abandoned.status == TaskResultStatus.RUNNING
    if not (
        (left_by_worker and taken) or job_is_stalled(job) or job.status == PrintJobStatus.FAILED
    ):
        raise ValueError(_("Pekerjaan ini tidak terhenti dan tidak gagal."))
    if taken:
        # Its worker will never finish it: say so in the task list too.
        worker = abandoned.worker_ids[-1] if abandoned.worker_ids else "?"
        abandoned.set_failed(WorkerStopped(f"worker {worker} stopped before finishing"))
    if job.attempts >= MAX_ATTEMPTS:
        job.status = PrintJobStatus.FAILED
        job.error = _(
            "Pekerja berhenti %(count)d kali; pekerjaan dihentikan. Mulai cetak baru."
        ) % {"count": job.attempts}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = PrintJobStatus.QUEUED
    job.done = 0
    job.error = ""
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "done", "error", "heartbeat_at"])
    result = build_print_job.enqueue(str(job.pk))
    PrintJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])
    logger.warning(
        "print job %s retried (attempt %d) by %s", job.pk, job.attempts + 1, by or "the system"
    )
    job.refresh_from_db()
    return job


def prune_print_jobs(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the zips of jobs finished more than ZI_PRINT_JOB_KEEP_DAYS ago.

    The job rows stay (their pages say the file was removed and link to print
    again): the zips are copies of PDFs kept on their declarations. Returns how
    many zips were deleted and how many bytes they held.
    """
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.ZI_PRINT_JOB_KEEP_DAYS)
    removed = freed = 0
    for job in PrintJob.objects.filter(finished_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)  # a file already gone from storage is not an error
        job.file = ""
        job.save(update_fields=["file"])
        removed += 1
        freed += job.size
    if removed:
        logger.info("pruned %d print job zips (%d bytes)", removed, freed)
    return removed, freed


def stalled_jobs() -> list[PrintJob]:
    """Jobs whose worker stopped: queued or running with no heartbeat for the stall limit,
    leaving out those whose task still waits in the queue for a free worker."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.ZI_PRINT_JOB_STALL_MINUTES)
    silent = list(
        PrintJob.objects.filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
            status__in=[PrintJobStatus.QUEUED, PrintJobStatus.RUNNING],
        )
    )
    results = _task_results(silent)
    return [job for job in silent if not _waiting_in_queue(job, results)]


def jobs_left_by(worker_id: str) -> list[PrintJob]:
    """Unfinished jobs whose task this worker had taken. Asked as a worker starts under the
    same id (`db_worker --worker-id`): whatever it had taken before, it is no longer doing."""
    unfinished = list(
        PrintJob.objects.filter(status__in=[PrintJobStatus.QUEUED, PrintJobStatus.RUNNING]).exclude(
            task_result_id=""
        )
    )
    results = _task_results(unfinished)
    return [
        job
        for job in unfinished
        if (result := results.get(job.task_result_id)) is not None
        and result.status == TaskResultStatus.RUNNING
        and result.worker_ids[-1:] == [worker_id]
    ]
