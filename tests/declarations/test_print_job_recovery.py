"""Print jobs on the database task queue (django-tasks-db) when a worker stops mid-job.

Here the queue is the real one production uses, and `db_worker --batch` runs it in the
test: a job is taken by one worker id, that worker "dies" (nothing more happens on it), and
either the per-minute sweep (after the stall limit) or the same worker starting again (at
once) puts the job back in the queue for a surviving worker to finish.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from declarations import printing
from declarations.models import PrintJob, PrintJobStatus
from tests.factories import DeclarationFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings, final, unit_admin) -> PrintJob:
    """A two-declaration job on the database queue, not yet taken by any worker."""
    settings.TASKS = DATABASE_QUEUE
    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 1
    declarations = [final, DeclarationFactory(unit=final.unit, title="Draf")]
    job = printing.print_job_start(declarations=declarations, by=unit_admin, label="Cetak")
    assert job.status == PrintJobStatus.QUEUED
    return job


def taken_by(job: PrintJob, worker_id: str, *, silent_minutes: int = 0) -> DBTaskResult:
    """A worker claims the job's task and starts it; then nothing more (it was killed)."""
    result = DBTaskResult.objects.get(pk=job.task_result_id)
    result.claim(worker_id)
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJobStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=silent_minutes),
    )
    return result


def run_worker(worker_id: str) -> None:
    """The real `db_worker` loop until the queue is empty, on the test's own connection
    (which it must not close between tasks, as it would close a worker's idle one)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0",
            f"--worker-id={worker_id}",
            verbosity=0,
        )


def recover(capsys, *args: str) -> str:
    call_command("recover_print_jobs", *args)
    return capsys.readouterr().out


def test_a_job_waiting_its_turn_behind_busy_workers_is_not_called_stopped(
    queued, unit_admin, client_for, capsys
):
    PrintJob.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    queued.refresh_from_db()

    assert not printing.job_is_stalled(queued)
    assert "0 retried" in recover(capsys)
    page = client_for(unit_admin).get(queued.get_absolute_url()).content.decode()
    assert "terhenti" not in page and 'http-equiv="refresh"' in page
    assert DBTaskResult.objects.count() == 1  # no second copy queued


def test_a_job_whose_worker_went_silent_is_finished_by_another_worker(queued, capsys):
    abandoned = taken_by(queued, "worker-1", silent_minutes=30)

    assert "1 retried" in recover(capsys)
    run_worker("worker-2")

    queued.refresh_from_db()
    assert queued.status == PrintJobStatus.DONE and queued.file and queued.attempts == 2
    abandoned.refresh_from_db()
    assert abandoned.status == TaskResultStatus.FAILED
    assert abandoned.exception_class_path.endswith("WorkerStopped")
    finished = DBTaskResult.objects.get(pk=queued.task_result_id)
    assert (finished.status, finished.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["worker-2"])


def test_a_worker_starting_again_puts_back_at_once_the_job_it_had_taken(queued, capsys):
    taken_by(queued, "worker-1", silent_minutes=0)  # killed a moment ago: not stalled yet

    assert "0 retried" in recover(capsys, "--worker-id=worker-2")  # not worker 2's job
    assert "1 retried" in recover(capsys, "--worker-id=worker-1")
    run_worker("worker-1")

    queued.refresh_from_db()
    assert queued.status == PrintJobStatus.DONE and queued.file
