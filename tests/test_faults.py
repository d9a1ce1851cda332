"""Faults: a worker killed mid-job, an import cut off half-way. Nothing is lost or half-written."""

import datetime
from unittest import mock

import pytest
import tablib
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from change_areas import lke, services
from change_areas.models import Answer, Layer
from declarations import printing
from declarations.models import PrintJob, PrintJobStatus
from lib.imports import import_dataset
from tests.declarations.conftest import (  # noqa: F401
    draft,
    final,
    headed_unit,
)
from tests.factories import AnswerFactory, CycleFactory, UnitFactory
from units.models import Unit
from units.resources import UnitResource


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


def test_a_job_whose_worker_was_killed_is_reported_not_silently_lost(final, unit_admin, client_for):  # noqa: F811
    job = stalled_job(final, unit_admin)
    assert job.is_stalled
    page = client_for(unit_admin).get(job.get_absolute_url()).content.decode()
    assert "terhenti" in page and "Mulai lagi" in page
    assert 'http-equiv="refresh"' not in page  # no endless refreshing of a dead job


def test_a_fresh_running_job_is_not_called_stalled(final, unit_admin):  # noqa: F811
    assert not stalled_job(final, unit_admin, minutes_ago=1).is_stalled


def test_recover_print_jobs_retries_a_stalled_job_to_the_end(final, unit_admin, capsys):  # noqa: F811
    job = stalled_job(final, unit_admin)
    call_command("recover_print_jobs")
    assert "1 retried" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE and job.file and job.attempts == 2


def test_a_job_that_keeps_dying_is_given_up_with_a_reason(final, unit_admin):  # noqa: F811
    job = stalled_job(final, unit_admin, attempts=printing.MAX_ATTEMPTS)
    job = printing.print_job_retry(job)
    assert job.status == PrintJobStatus.FAILED and "berhenti" in job.error


def test_the_person_can_restart_their_stalled_job(final, unit_admin, client_for):  # noqa: F811
    job = stalled_job(final, unit_admin)
    response = client_for(unit_admin).post(
        reverse("declarations:print_job_retry", kwargs={"job_id": job.pk})
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == PrintJobStatus.DONE


def test_an_lke_import_cut_off_half_way_writes_nothing(catalogs, unit):
    source = CycleFactory(unit=unit, year=2025)
    for code, option in (("A.MP.PMN.i.a", "Ya"), ("A.MP.PMN.i.b", "A"), ("A.MP.PMN.ii.a", "Ya")):
        AnswerFactory(cycle=source, code=code, option=option)
    dataset = tablib.Dataset().load(
        lke.export_dataset(source, Layer.SELF).export("csv"), format="csv"
    )
    target = CycleFactory(unit=UnitFactory(code="TARGET"), year=2025)

    # The answers are written, then the connection drops before the summary is stored.
    with (
        mock.patch.object(
            services, "cycle_refresh_summary", side_effect=ConnectionError("dropped")
        ),
        pytest.raises(ConnectionError),
    ):
        lke.import_dataset(target, Layer.SELF, dataset)
    assert not Answer.objects.filter(cycle=target).exists()
    assert not Answer.history.filter(cycle_id=target.pk).exists()
    target.refresh_from_db()
    assert float(target.self_total) == 0


def test_a_unit_import_cut_off_half_way_writes_nothing(db):
    dataset = tablib.Dataset(headers=["code", "name", "kind", "parent"])
    for number in range(5):
        dataset.append([f"X{number}", f"Unit {number}", "satker", ""])
    real = Unit.objects.add_root
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("worker killed")
        return real(*args, **kwargs)

    with mock.patch.object(Unit.objects, "add_root", side_effect=dying):
        report = import_dataset(UnitResource(), dataset)
    assert not report.ok
    assert not Unit.objects.filter(code__startswith="X").exists()
