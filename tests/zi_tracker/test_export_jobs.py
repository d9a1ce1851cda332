"""Dashboard exports on the task worker: small spreadsheets at once, large ones and every
portfolio PDF as a job with a progress page and a private download.

The task runs at once here (ImmediateBackend in tests/settings.py) unless a test puts it
on the dummy queue to look at a job still waiting; the threshold is lowered to 3 rows.
"""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files import File
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lib import jobs
from lib.jobs import JobStatus
from tests.factories import CycleFactory, UnitFactory, member
from tests.pdfs import pdf_text
from units.models import Role, Unit, UnitKind
from zi_tracker.dashboards import exports
from zi_tracker.models import ExportJob, ExportKind

DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def tree(catalogs):
    """An instansi, an office and five UPTs, two of them with a 2026 cycle: seven rows."""
    root = UnitFactory(code="RAYA", name="Instansi Raya", kind=UnitKind.KEMENTERIAN_LEMBAGA)
    office = UnitFactory(code="RAYA-1", name="Kantor", parent=root, kind=UnitKind.INSTANSI_VERTIKAL)
    leaves = [
        UnitFactory(code=f"RAYA-1-{n}", name=f"UPT {n}", parent=office, kind=UnitKind.UPT)
        for n in range(1, 6)
    ]
    for leaf in leaves[:2]:
        CycleFactory(unit=leaf, year=2026)
    root.refresh_from_db()
    return {"root": root, "office": office, "leaves": leaves}


@pytest.fixture
def viewer(tree):
    return member(tree["root"], Role.VIEWER, "pimpinan")


@pytest.fixture
def small_threshold(settings):
    settings.ZI_EXPORT_BACKGROUND_ROWS = 3


def portfolio_url(name: str, root: Unit, query: str = "?year=2026") -> str:
    return reverse(f"dashboards:{name}", kwargs={"code": root.code}) + query


def start(client, url: str) -> ExportJob:
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    return job


def download(client, job: ExportJob):
    return client.get(reverse("dashboards:export_job_download", kwargs={"job_id": job.pk}))


def test_a_small_spreadsheet_is_sent_at_once_as_before(tree, viewer, client_for):
    response = client_for(viewer).get(portfolio_url("portfolio_xlsx", tree["root"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 7
    assert not ExportJob.objects.exists()
    page = client_for(viewer).get(portfolio_url("portfolio", tree["root"])).content.decode()
    assert 'portofolio.xlsx?year=2026" download' in page  # a plain link, no job


def test_a_large_spreadsheet_is_offered_as_a_background_job_and_a_get_starts_nothing(
    tree, viewer, client_for, small_threshold
):
    client = client_for(viewer)
    page = client.get(portfolio_url("portfolio", tree["root"])).content.decode()
    assert 'method="post" action="/unit/RAYA/portofolio.xlsx?year=2026"' in page

    response = client.get(portfolio_url("portfolio_xlsx", tree["root"]))
    assert response.status_code == 200
    assert "Ekspor ini berisi 7 baris, lebih dari 3" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_large_portfolio_spreadsheet_is_written_by_the_worker_with_every_row(
    tree, viewer, client_for, small_threshold
):
    Unit.objects.filter(pk=tree["leaves"][4].pk).update(name="=1+1")
    client = client_for(viewer)
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"], "?year=2026&kind=upt"))

    job.refresh_from_db()
    assert (job.status, job.kind, job.total, job.done) == (JobStatus.DONE, "portfolio_xlsx", 5, 5)
    assert job.created_by == viewer and job.query == "year=2026&kind=upt"
    assert job.file.name.startswith("dashboards/exports/portofolio-raya-2026")
    response = download(client, job)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kode", "Unit", "Jenis")
    assert sorted(row[0] for row in rows[1:]) == [f"RAYA-1-{n}" for n in range(1, 6)]
    assert (
        next(cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1").data_type
        == "s"
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress max="5" value="5">' in page and "5 dari 5 baris ditulis" in page
    assert "Unduh xlsx" in page and "hx-get" not in page  # finished: no more polling


def test_every_portfolio_pdf_is_made_by_the_worker(tree, viewer, client_for):
    client = client_for(viewer)
    page = client.get(portfolio_url("portfolio", tree["root"])).content.decode()
    assert 'method="post" action="/unit/RAYA/portofolio.pdf?year=2026"' in page
    assert (
        "Buat berkas" in client.get(portfolio_url("portfolio_pdf", tree["root"])).content.decode()
    )

    job = start(client, portfolio_url("portfolio_pdf", tree["root"]))

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.kind == ExportKind.PORTFOLIO_PDF
    response = download(client, job)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "PORTOFOLIO ZONA INTEGRITAS INSTANSI RAYA" in text
    assert "UPT 1" in text and "Belum ada siklus" in text
    assert "Unduh PDF" in client.get(job.get_absolute_url()).content.decode()


def test_a_large_calibration_spreadsheet_goes_to_the_worker_too(
    tree, viewer, client_for, monkeypatch, small_threshold
):
    areas = [
        exports_row("A.MP", "Manajemen Perubahan"),
        exports_row("A.TL", "Penataan Tatalaksana"),
    ]
    questions = [exports_row(f"Q{n}", f"Pertanyaan {n}") for n in range(3)]
    monkeypatch.setattr(
        "zi_tracker.dashboards.selectors.calibration", lambda *args, **kwargs: (areas, questions)
    )
    client = client_for(viewer)
    url = portfolio_url("calibration_xlsx", tree["root"])
    assert "5 baris" in client.get(url).content.decode()

    job = start(client, url)

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (JobStatus.DONE, 5, 5)
    book = load_workbook(io.BytesIO(b"".join(download(client, job).streaming_content)))
    assert book.sheetnames == ["Per area", "Per pertanyaan"]
    assert [row[0] for row in book["Per pertanyaan"].iter_rows(min_row=2, values_only=True)] == [
        "Q0",
        "Q1",
        "Q2",
    ]


def exports_row(code: str, name: str):
    """A calibration row of either table (areas and questions read the same attributes)."""
    return SimpleNamespace(
        code=code,
        name=name,
        text=name,
        area_name=name,
        weight=5.0,
        pairs=1,
        mean_first=1.0,
        mean_second=0.5,
        mean_difference=0.5,
        mean_absolute=0.5,
        over=1,
        under=0,
        over_share=100.0,
    )


def test_progress_is_written_every_few_rows_not_per_row(tree, viewer, monkeypatch):
    monkeypatch.setattr(ExportJob, "progress_step", 3)
    job = ExportJob.objects.create(
        kind=ExportKind.PORTFOLIO_XLSX, unit=tree["root"], total=7, created_by=viewer, label="Uji"
    )
    seen = []

    def build(progress):
        for done in range(1, 8):
            progress(done)
            seen.append(ExportJob.objects.get(pk=job.pk).done)
        return "uji.xlsx", File(io.BytesIO(b"isi"), name="uji.xlsx")

    jobs.job_run(job, build)

    assert seen == [0, 0, 3, 3, 3, 6, 7]
    job.refresh_from_db()
    assert (job.status, job.done, job.size) == (JobStatus.DONE, 7, 3)


def test_a_waiting_job_page_polls_its_status_and_the_fragment_is_the_status_alone(
    tree, viewer, client_for, settings, small_threshold
):
    settings.TASKS = DUMMY_QUEUE
    client = client_for(viewer)
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"]))

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 dari 7 baris ditulis" in page
    assert '<progress max="7" value="0">' in page
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="export-status"')
    assert "<html" not in fragment and "Menunggu" in fragment


def test_the_job_page_costs_the_same_queries_for_a_small_and_a_large_export(
    tree, viewer, client_for, django_assert_num_queries, settings
):
    client = client_for(viewer)
    settings.ZI_EXPORT_BACKGROUND_ROWS = 0
    small = start(
        client, portfolio_url("portfolio_xlsx", tree["office"], "?year=2026&kind=upt&q=UPT 1")
    )
    with django_assert_num_queries(count := _count(client, small)):
        assert client.get(small.get_absolute_url()).status_code == 200
    for n in range(6, 40):
        UnitFactory(code=f"RAYA-1-{n}", name=f"UPT {n}", parent=tree["office"], kind=UnitKind.UPT)
    ExportJob.objects.all().delete()
    large = start(client, portfolio_url("portfolio_xlsx", tree["root"]))
    large.refresh_from_db()
    assert large.total > small.total
    with django_assert_num_queries(count):
        assert client.get(large.get_absolute_url()).status_code == 200
    with django_assert_num_queries(count):  # the polled fragment reads the same
        client.get(large.get_absolute_url(), headers={"HX-Request": "true"})


def _count(client, job) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(job.get_absolute_url())
    return len(captured)


def test_the_file_is_for_the_units_viewers_only(
    tree, viewer, client_for, small_threshold, outsider
):
    job = start(client_for(viewer), portfolio_url("portfolio_xlsx", tree["root"]))
    colleague = member(tree["root"], Role.VIEWER, "rekan")
    below = member(tree["office"], Role.VIEWER, "kantor")  # may view the office, not the root

    for person, expected in [(viewer, 200), (colleague, 200), (below, 404), (outsider, 404)]:
        client = client_for(person)
        assert download(client, job).status_code == expected, person
        assert client.get(job.get_absolute_url()).status_code == expected, person
    anonymous = download(client_for(None), job)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_creator_who_left_the_unit_no_longer_downloads_its_export(
    tree, viewer, client_for, small_threshold
):
    job = start(client_for(viewer), portfolio_url("portfolio_xlsx", tree["root"]))
    assert download(client_for(viewer), job).status_code == 200
    viewer.memberships.all().delete()
    assert download(client_for(viewer), job).status_code == 404
    assert client_for(viewer).get(job.get_absolute_url()).status_code == 404


def test_a_failure_is_shown_plainly_and_the_retry_finishes_the_job(
    tree, viewer, client_for, monkeypatch, small_threshold
):
    real = exports.write_portfolio

    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(exports, "write_portfolio", broken)
    client = client_for(viewer)
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "disk penuh" and not job.file
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Ekspor gagal. disk penuh" in page and "Coba lagi" in page
    assert download(client, job).status_code == 404

    monkeypatch.setattr(exports, "write_portfolio", real)
    response = client.post(reverse("dashboards:export_job_retry", kwargs={"job_id": job.pk}))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.DONE, 2, "")
    assert download(client, job).status_code == 200


def test_after_the_last_attempt_the_page_offers_a_new_export_instead(
    tree, viewer, client_for, small_threshold
):
    job = start(client_for(viewer), portfolio_url("portfolio_xlsx", tree["root"]))
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, attempts=jobs.MAX_ATTEMPTS, error="galat", file=""
    )
    page = client_for(viewer).get(job.get_absolute_url()).content.decode()
    assert "Coba lagi" not in page
    assert 'href="/unit/RAYA/portofolio/?year=2026"' in page and "Buat lagi dari dasbor" in page


def test_a_retry_of_a_finished_job_is_refused_with_a_message(
    tree, viewer, client_for, small_threshold
):
    client = client_for(viewer)
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"]))
    response = client.post(
        reverse("dashboards:export_job_retry", kwargs={"job_id": job.pk}), follow=True
    )
    assert "tidak terhenti dan tidak gagal" in response.content.decode()
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.parametrize("command", ["recover_jobs", "recover_print_jobs"])
def test_a_stalled_export_is_recovered_by_the_sweep(
    command, tree, viewer, client_for, settings, small_threshold, capsys
):
    settings.TASKS = DUMMY_QUEUE
    job = start(client_for(viewer), portfolio_url("portfolio_xlsx", tree["root"]))
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        attempts=1,
        done=2,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    page = client_for(viewer).get(job.get_absolute_url()).content.decode()
    assert "terhenti" in page and "Mulai lagi" in page and "hx-get" not in page

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command(command)

    assert "Stalled jobs: 1 retried, 0 given up." in capsys.readouterr().out
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (JobStatus.DONE, 2, 7)


def test_old_export_files_are_pruned_and_the_page_says_so(
    tree, viewer, client_for, small_threshold, settings, capsys
):
    settings.ZI_EXPORT_JOB_KEEP_DAYS = 2
    client = client_for(viewer)
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"]))
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=job.finished_at - datetime.timedelta(days=3)
    )

    call_command("prune_jobs")

    assert "export job files older than 2 days: 1 deleted" in capsys.readouterr().out
    job.refresh_from_db()
    assert not job.file and not storage.exists(name)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "dihapus otomatis 2 hari" in page and "Buat lagi dari dasbor" in page
    assert download(client, job).status_code == 404


def test_the_worker_writes_in_the_language_of_the_person_who_asked(
    tree, viewer, client_for, small_threshold, settings
):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    job = start(client, portfolio_url("portfolio_xlsx", tree["root"]))
    job.refresh_from_db()
    assert job.language == "en"
    sheet = load_workbook(io.BytesIO(b"".join(download(client, job).streaming_content))).active
    assert next(sheet.iter_rows(values_only=True))[0] == "Code"  # "Kode" in Indonesian


def test_the_admin_lists_export_jobs_read_only(
    tree, viewer, client_for, small_threshold, superuser
):
    job = start(client_for(viewer), portfolio_url("portfolio_xlsx", tree["root"]))
    admin = client_for(superuser)
    listing = admin.get(reverse("admin:zi_tracker_exportjob_changelist"))
    assert listing.status_code == 200 and job.label in listing.content.decode()
    page = admin.get(reverse("admin:zi_tracker_exportjob_change", args=[job.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin.get(reverse("admin:zi_tracker_exportjob_add")).status_code == 403
