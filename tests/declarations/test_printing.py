"""Printing many declarations as one zip: at once for a few, as a background task for more."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from declarations import bundles, printing, services
from declarations.models import PrintJob, PrintJobStatus
from tests.factories import DeclarationFactory
from tests.files import stored_bytes
from tests.pdfs import pdf_text


def zip_of(job: PrintJob) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(stored_bytes(job.file)))


@pytest.fixture
def several(final, headed_unit):
    """The `final` declaration, two more issued ones and one draft of the same unit."""
    more = [
        services.declaration_finalise(declaration=DeclarationFactory(unit=headed_unit), by=None)
        for _n in range(2)
    ]
    draft = DeclarationFactory(unit=headed_unit, title="Masih Draf")
    return [final, *more, draft]


def test_a_small_batch_is_zipped_at_once_with_a_manifest(several, superuser, settings):
    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 10
    job = printing.print_job_start(declarations=several, by=superuser, label="Uji")

    assert job.status == PrintJobStatus.DONE and job.done == job.total == 4
    archive = zip_of(job)
    names = archive.namelist()
    assert len(names) == 5 and "daftar.csv" in names
    first = several[0]
    assert archive.read(f"{first.file_stem()}.pdf") == stored_bytes(first.pdf)
    draft_name = next(name for name in names if name.endswith("-draf.pdf"))
    assert "DRAF — belum berlaku" in pdf_text(archive.read(draft_name))
    rows = list(csv.DictReader(io.StringIO(archive.read("daftar.csv").decode("utf-8-sig"))))
    assert [row["berkas"] for row in rows] == [name for name in names if name != "daftar.csv"]
    assert rows[0]["sha256_berkas"] == hashlib.sha256(stored_bytes(first.pdf)).hexdigest()
    assert rows[0]["sha256_isi"] == first.content_sha256


def test_the_signed_copy_goes_into_the_zip(signed, superuser):
    job = printing.print_job_start(declarations=[signed], by=superuser, label="Uji")
    assert zip_of(job).read(f"{signed.file_stem()}-ttd.pdf") == stored_bytes(signed.signed_pdf)


def test_a_larger_batch_runs_as_a_task(several, superuser, settings):
    """Above the threshold the job goes to Django's Tasks API (ImmediateBackend in tests)."""
    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 2
    job = printing.print_job_start(declarations=several, by=superuser, label="Uji")

    job.refresh_from_db()
    assert job.task_result_id
    assert job.status == PrintJobStatus.DONE and job.done == 4 and job.size > 0
    assert len(zip_of(job).namelist()) == 5


def test_the_task_is_enqueued_on_the_configured_backend(several, superuser, settings):
    from django_tasks import task_backends

    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    job = printing.print_job_start(declarations=several, by=superuser, label="Uji")

    assert job.status == PrintJobStatus.QUEUED and job.done == 0 and not job.file
    (result,) = task_backends["default"].results
    assert result.task.name == "build_print_job" and result.args == [str(job.pk)]
    assert job.task_result_id == str(result.id)


def test_a_failure_is_recorded_on_the_job(final, superuser, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(bundles, "file_for", broken)
    job = printing.print_job_start(declarations=[final], by=superuser, label="Uji")
    job.refresh_from_db()
    assert job.status == PrintJobStatus.FAILED and "disk penuh" in job.error


def test_nothing_to_print_is_refused(superuser):
    with pytest.raises(ValueError):
        printing.print_job_start(declarations=[], by=superuser, label="Uji")


def test_an_admin_prints_a_units_subtree_and_downloads_the_zip(client_for, several, unit_admin):
    client = client_for(unit_admin)
    response = client.post(
        reverse("declarations:print_unit", kwargs={"code": several[0].unit.code})
    )
    job = PrintJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.total == 4 and job.created_by == unit_admin

    page = client.get(job.get_absolute_url()).content.decode()
    assert "4 dari 4 berkas" in page and "Unduh zip" in page
    download = client.get(reverse("declarations:print_job_download", kwargs={"job_id": job.pk}))
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == stored_bytes(job.file)


def test_a_running_job_page_refreshes_itself(client_for, final, unit_admin):
    job = PrintJob.objects.create(
        label="x", declaration_ids=[final.pk], total=1, created_by=unit_admin
    )
    page = client_for(unit_admin).get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "0 dari 1 berkas" in page


def test_someone_elses_print_job_is_not_found(client_for, final, unit_admin, coordinator):
    job = printing.print_job_start(declarations=[final], by=unit_admin, label="Uji")
    assert client_for(coordinator).get(job.get_absolute_url()).status_code == 404


def test_printing_a_subtree_without_declarations_says_so(client_for, unit_admin, unit):
    response = client_for(unit_admin).post(
        reverse("declarations:print_unit", kwargs={"code": unit.code}), follow=True
    )
    assert "Belum ada pencanangan" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_the_database_worker_builds_the_zip(transactional_db, several, superuser, settings):
    """The production path: the job waits in the database until `db_worker` runs it.

    Transactional: the worker closes its database connection between tasks, as it should.
    """
    from django.core.management import call_command

    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    job = printing.print_job_start(declarations=several, by=superuser, label="Uji")
    assert job.status == PrintJobStatus.QUEUED

    call_command("db_worker", batch=True, no_startup_delay=True, interval=0, stdout=io.StringIO())

    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.done == 4
    assert len(zip_of(job).namelist()) == 5


def test_zips_older_than_the_keeping_period_are_deleted_and_their_pages_say_so(
    client_for, final, unit_admin, settings
):
    settings.ZI_PRINT_JOB_KEEP_DAYS = 7
    old = printing.print_job_start(declarations=[final], by=unit_admin, label="Lama")
    recent = printing.print_job_start(declarations=[final], by=unit_admin, label="Baru")
    PrintJob.objects.filter(pk=old.pk).update(
        finished_at=old.finished_at - datetime.timedelta(days=8)
    )
    storage, old_name = old.file.storage, old.file.name

    out = io.StringIO()
    call_command("prune_print_jobs", stdout=out)

    assert "1 deleted" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not storage.exists(old_name)
    assert recent.file and storage.exists(recent.file.name)
    client = client_for(unit_admin)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "sudah dihapus otomatis 7 hari" in page and "Unduh zip" not in page
    download = reverse("declarations:print_job_download", kwargs={"job_id": old.pk})
    assert client.get(download).status_code == 404
    assert "tersedia sampai" in client.get(recent.get_absolute_url()).content.decode()
    # A second run has nothing left to delete.
    call_command("prune_print_jobs", stdout=(again := io.StringIO()))
    assert "0 deleted" in again.getvalue()


def test_a_zip_already_missing_from_storage_is_pruned_without_error(final, unit_admin, settings):
    job = printing.print_job_start(declarations=[final], by=unit_admin, label="Lama")
    job.file.storage.delete(job.file.name)
    later = job.finished_at + datetime.timedelta(days=settings.ZI_PRINT_JOB_KEEP_DAYS + 1)

    assert printing.prune_print_jobs(now=later) == (1, job.size)
    job.refresh_from_db()
    assert not job.file and job.status == PrintJobStatus.DONE


def test_unfinished_jobs_are_never_pruned(final, unit_admin, settings):
    running = PrintJob.objects.create(
        label="x", declaration_ids=[final.pk], total=1, created_by=unit_admin
    )
    later = running.created_at + datetime.timedelta(days=365)

    assert printing.prune_print_jobs(now=later) == (0, 0)
    assert PrintJob.objects.filter(pk=running.pk).exists()


# --------------------------------------------------------------------------
# A worker killed mid-job


def stalled_job(declaration, by, *, minutes_ago: int = 30, attempts: int = 1) -> PrintJob:
    """A job a worker took and then died on: running, no heartbeat for a while."""
    job = PrintJob.objects.create(
        label="cetak", declaration_ids=[declaration.pk], total=1, created_by=by, attempts=attempts
    )
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJobStatus.RUNNING,
        done=0,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_was_killed_is_reported_not_silently_lost(final, unit_admin, client_for):
    job = stalled_job(final, unit_admin)
    assert job.is_stalled
    page = client_for(unit_admin).get(job.get_absolute_url()).content.decode()
    assert "terhenti" in page and "Mulai lagi" in page
    assert 'http-equiv="refresh"' not in page  # no endless refreshing of a dead job


def test_a_fresh_running_job_is_not_called_stalled(final, unit_admin):
    assert not stalled_job(final, unit_admin, minutes_ago=1).is_stalled


def test_recover_print_jobs_retries_a_stalled_job_to_the_end(final, unit_admin, capsys):
    job = stalled_job(final, unit_admin)
    call_command("recover_print_jobs")
    assert "1 retried" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.file and job.attempts == 2


def test_a_job_that_keeps_dying_is_given_up_with_a_reason(final, unit_admin):
    job = stalled_job(final, unit_admin, attempts=printing.MAX_ATTEMPTS)
    job = printing.print_job_retry(job)
    assert job.status == PrintJobStatus.FAILED and "berhenti" in job.error


def test_the_person_can_restart_their_stalled_job(final, unit_admin, client_for):
    job = stalled_job(final, unit_admin)
    response = client_for(unit_admin).post(
        reverse("declarations:print_job_retry", kwargs={"job_id": job.pk})
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE
