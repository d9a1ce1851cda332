"""Background jobs that build one file on the task worker: status, progress, recovery, pruning.

A job is a row of a concrete subclass of `BackgroundJob` (declarations'
`PrintJob`, the dashboards' `ExportJob`), registered with the Django task that
builds it (`register(model, task)` in its app's `AppConfig.ready()`). The
row tells the person's page how far the worker got (`done` of `total`), keeps
the finished file in Django's storage for download, and carries a heartbeat:
a job silent for `ZI_PRINT_JOB_STALL_MINUTES` whose task is not merely
waiting in the queue is "stalled" (its worker was killed or restarted), and
`manage.py recover_jobs` (every minute, and as a worker starts) puts it back
in the queue, giving up after `MAX_ATTEMPTS`. `manage.py prune_jobs` deletes
files older than each kind's keeping period; the rows stay so their pages can
say so.

`job_run(job, build)` is the one way a job is built, in a request or on the
worker: `build(progress)` writes the file and returns its name and a Django
`File`; `progress(done)` is cheap to call for every row and writes to the
database only every `progress_step` rows (and at the end).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.core.files import File
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lib.files import stored_file_response

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class JobStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Menunggu")
    RUNNING = "running", gettext_lazy("Sedang dibuat")
    DONE = "done", gettext_lazy("Selesai")
    FAILED = "failed", gettext_lazy("Gagal")


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    """One file built in the background (abstract: each kind of job is its own table).

    Subclasses add what the job is about and may redeclare `total` and `file`
    (their labels, the folder in storage); `keep_days_setting` names the
    setting that says how long the finished file is kept.
    """

    keep_days_setting: ClassVar[str] = "ZI_PRINT_JOB_KEEP_DAYS"
    progress_step: ClassVar[int] = 5

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = models.CharField(gettext_lazy("keterangan"), max_length=255)
    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(gettext_lazy("jumlah"), default=0)
    done = models.PositiveIntegerField(gettext_lazy("selesai"), default=0)
    file = models.FileField(gettext_lazy("berkas"), upload_to="jobs/", blank=True)
    size = models.PositiveBigIntegerField(gettext_lazy("ukuran"), default=0)
    error = models.TextField(gettext_lazy("galat"), blank=True)
    task_result_id = models.CharField(gettext_lazy("ID tugas"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("dibuat oleh"),
    )
    created_at = models.DateTimeField(gettext_lazy("dibuat"), auto_now_add=True)
    finished_at = models.DateTimeField(gettext_lazy("selesai pada"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        gettext_lazy("tanda hidup terakhir"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Diperbarui setiap kali pekerja melaporkan kemajuan."),
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("percobaan"), default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def keep_days(cls) -> int:
        return getattr(settings, cls.keep_days_setting)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_stalled(self) -> bool:
        """Queued or running with no sign of life for ZI_PRINT_JOB_STALL_MINUTES: the worker
        that had it stopped (killed, restarted, out of memory) or none is running."""
        if self.status not in UNFINISHED:
            return False
        last = self.heartbeat_at or self.created_at
        limit = datetime.timedelta(minutes=settings.ZI_PRINT_JOB_STALL_MINUTES)
        return last is not None and timezone.now() - last > limit

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def kept_until(self) -> datetime.datetime | None:
        """When `prune_jobs` deletes the file (the kind's keeping period after it was made)."""
        if not self.file or self.finished_at is None:
            return None
        return self.finished_at + datetime.timedelta(days=self.keep_days())

    @property
    def is_pruned(self) -> bool:
        """Made, then its file deleted to free space: the page offers to make it again."""
        return self.status == JobStatus.DONE and not self.file

    @property
    def may_retry(self) -> bool:
        """Failed with attempts left: the page offers "Coba lagi"."""
        return self.status == JobStatus.FAILED and self.attempts < MAX_ATTEMPTS


class JobAdmin(admin.ModelAdmin):
    """The admin of a kind of job: a read-only list for whoever looks after the worker (the
    person's own page is the job's page; the rows are written by `job_run` alone)."""

    list_display = (
        "label",
        "status",
        "done",
        "total",
        "size",
        "attempts",
        "created_by",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("created_by",)
    search_fields = ("label", "created_by__username")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- which task builds which kind of job --------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    model: type[BackgroundJob]
    task: Any  # a django_tasks Task taking the job's id as a string
    name: str  # what the commands print ("print", "export")


KINDS: list[JobKind] = []


def register(model: type[BackgroundJob], task, *, name: str) -> None:
    """Called from an app's `AppConfig.ready()`: jobs of `model` are built by `task(job_id)`."""
    if all(kind.model is not model for kind in KINDS):
        KINDS.append(JobKind(model, task, name))


def kind_of(job: BackgroundJob) -> JobKind:
    for kind in KINDS:
        if isinstance(job, kind.model):
            return kind
    raise LookupError(f"{type(job).__name__} is not a registered kind of job")


def job_enqueue(job: BackgroundJob) -> BackgroundJob:
    """Hand the job to the task worker; its row remembers the task's id."""
    result = kind_of(job).task.enqueue(str(job.pk))
    type(job).objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


# --- building -------------------------------------------------------------------------------


def job_run(job: BackgroundJob, build: Callable[[Callable[[int], None]], tuple[str, File]]):
    """Build the job's file, recording progress (and a heartbeat) on the row as it goes.

    `build(progress)` returns the file's name and content; on an exception the
    job is marked failed with the error's text (shown to the person) and the
    exception goes on to the caller (the worker records it too).
    """
    model = type(job)
    job.status = JobStatus.RUNNING
    job.done = 0
    job.attempts += 1
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "done", "attempts", "heartbeat_at"])
    written = 0

    def progress(done: int) -> None:
        # Every `progress_step` rows: enough for a progress bar, not a write per row.
        nonlocal written
        if done >= written + job.progress_step or (done == job.total and done != written):
            model.objects.filter(pk=job.pk).update(done=done, heartbeat_at=timezone.now())
            written = done

    try:
        name, content = build(progress)
    except Exception as error:
        job.status = JobStatus.FAILED
        job.error = str(error)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    with content:
        size = content.size
        job.file.save(name, content, save=False)
    job.size = size
    job.done = job.total
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "size", "done", "status", "finished_at"])
    return job


# --- the job's page ---------------------------------------------------------------------


def retry_from_page(request: HttpRequest, job: BackgroundJob, *, started: str) -> HttpResponse:
    """The page's "Coba lagi" / "Mulai lagi" button: retry, say how it went, back to the page."""
    try:
        job_retry(job, by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, started)
    return redirect(job)


def file_response(job: BackgroundJob, *, content_type: str, as_attachment: bool = True):
    """The job's file for its creator (after the view's check): private, never cached;
    404 when there is none (not finished, or pruned)."""
    return stored_file_response(
        job.file,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=content_type,
        as_attachment=as_attachment,
    )


# --- stalled jobs and their recovery --------------------------------------------------------


class WorkerStopped(Exception):
    """Recorded on a task whose worker stopped (was killed, restarted) before finishing it."""


def _task_results(jobs: Iterable[BackgroundJob]) -> dict[str, DBTaskResult]:
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


def _waiting_in_queue(job: BackgroundJob, results: dict[str, DBTaskResult]) -> bool:
    """Its task is still in the queue, untaken: busy workers, not a stopped one."""
    result = results.get(job.task_result_id)
    return result is not None and result.status == TaskResultStatus.READY


def job_is_stalled(job: BackgroundJob) -> bool:
    """Silent for ZI_PRINT_JOB_STALL_MINUTES and not merely waiting its turn in the queue."""
    return job.is_stalled and not _waiting_in_queue(job, _task_results([job]))


@transaction.atomic
def job_retry(job: BackgroundJob, *, by=None, left_by_worker: bool = False) -> BackgroundJob:
    """Start a stalled or failed job again on the worker, or give up after MAX_ATTEMPTS.

    A job whose worker was killed mid-way is never silently lost: its page
    says it stopped, and the person (or `manage.py recover_jobs`) retries it.
    `left_by_worker` says the worker that had it is known to be gone (it is
    starting again under the same id), so there is no need to wait for the stall limit.
    """
    model = type(job)
    # Locked: the sweep on another machine, or the person's button, may be retrying it too.
    job = model.objects.select_for_update().get(pk=job.pk)
    abandoned = _task_results([job]).get(job.task_result_id)
    taken = abandoned is not None and abandoned.status == TaskResultStatus.RUNNING
    if not ((left_by_worker and taken) or job_is_stalled(job) or job.status == JobStatus.FAILED):
        raise ValueError(_("Pekerjaan ini tidak terhenti dan tidak gagal."))
    if taken:
        # Its worker will never finish it: say so in the task list too.
        worker = abandoned.worker_ids[-1] if abandoned.worker_ids else "?"
        abandoned.set_failed(WorkerStopped(f"worker {worker} stopped before finishing"))
    if job.attempts >= MAX_ATTEMPTS:
        job.status = JobStatus.FAILED
        job.error = _(
            "Pekerja berhenti %(count)d kali; pekerjaan dihentikan. Mulai pekerjaan baru."
        ) % {"count": job.attempts}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = JobStatus.QUEUED
    job.done = 0
    job.error = ""
    job.finished_at = None
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "done", "error", "finished_at", "heartbeat_at"])
    logger.warning(
        "%s job %s retried (attempt %d) by %s",
        kind_of(job).name,
        job.pk,
        job.attempts + 1,
        by or "the system",
    )
    return job_enqueue(job)


def stalled_jobs(model: type[BackgroundJob]) -> list[BackgroundJob]:
    """Jobs whose worker stopped: queued or running with no heartbeat for the stall limit,
    leaving out those whose task still waits in the queue for a free worker."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.ZI_PRINT_JOB_STALL_MINUTES)
    silent = list(
        model.objects.filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
            status__in=UNFINISHED,
        )
    )
    results = _task_results(silent)
    return [job for job in silent if not _waiting_in_queue(job, results)]


def jobs_left_by(model: type[BackgroundJob], worker_id: str) -> list[BackgroundJob]:
    """Unfinished jobs whose task this worker had taken. Asked as a worker starts under the
    same id (`db_worker --worker-id`): whatever it had taken before, it is no longer doing."""
    unfinished = list(model.objects.filter(status__in=UNFINISHED).exclude(task_result_id=""))
    results = _task_results(unfinished)
    return [
        job
        for job in unfinished
        if (result := results.get(job.task_result_id)) is not None
        and result.status == TaskResultStatus.RUNNING
        and result.worker_ids[-1:] == [worker_id]
    ]


def recover(worker_id: str = "") -> list[tuple[BackgroundJob, str]]:
    """Retry every stalled job of every kind (and at once those `worker_id` had taken).

    Returns each job handled with what became of it: "retried" or "given up".
    """
    handled = []
    for kind in KINDS:
        left = jobs_left_by(kind.model, worker_id) if worker_id else []
        stalled = [job for job in stalled_jobs(kind.model) if job not in left]
        for job, left_by_worker in [
            *((job, True) for job in left),
            *((job, False) for job in stalled),
        ]:
            try:
                job = job_retry(job, left_by_worker=left_by_worker)
            except ValueError:  # started again meanwhile (by the person, or another sweep)
                continue
            handled.append((job, "given up" if job.status == JobStatus.FAILED else "retried"))
    return handled


# --- pruning --------------------------------------------------------------------------------


def prune(model: type[BackgroundJob], *, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the files of jobs finished longer ago than the kind's keeping period.

    The job rows stay (their pages say the file was removed and offer to make
    it again). Returns how many files were deleted and how many bytes they held.
    """
    limit = (now or timezone.now()) - datetime.timedelta(days=model.keep_days())
    removed = freed = 0
    for job in model.objects.filter(finished_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)  # a file already gone from storage is not an error
        job.file = ""
        job.save(update_fields=["file"])
        removed += 1
        freed += job.size
    if removed:
        logger.info("pruned %d %s files (%d bytes)", removed, model.__name__, freed)
    return removed, freed
