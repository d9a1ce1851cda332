"""Pages in the application: forms, uploads, the unit panel, and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from service_standards import services
from service_standards.models import Consultation, Maklumat, PeriodKind, SatisfactionSurvey, Service
from tests.factories import ServiceFactory, StandardVersionFactory
from tests.service_standards.helpers import tiny_pdf
from tests.service_standards.test_public_pages import publish_survey, sign_maklumat


def url(name: str, unit, **kwargs) -> str:
    return reverse(f"service_standards:{name}", kwargs={"code": unit.code, **kwargs})


# --- services -------------------------------------------------------------------------


def test_staff_add_a_service_and_the_slug_comes_from_the_name(unit, staff, client_for):
    response = client_for(staff).post(
        url("service_create", unit),
        {
            "name": "Konsultasi Statistik Daring",
            "channel": "online",
            "category": "services",
            "is_active": "on",
            "position": "3",
        },
    )
    service = Service.objects.get(unit=unit)
    assert response.status_code == 302 and response["Location"] == service.get_absolute_url()
    assert service.slug == "konsultasi-statistik-daring"
    assert service.history.latest().history_user == staff


def test_a_duplicate_service_name_is_refused_with_a_message(unit, staff, client_for):
    ServiceFactory(unit=unit, name="Perpustakaan")
    response = client_for(staff).post(
        url("service_create", unit),
        {"name": "Perpustakaan", "channel": "both", "category": "services", "position": "1"},
    )
    assert response.status_code == 400
    assert "sudah ada" in response.content.decode()
    assert Service.objects.filter(unit=unit).count() == 1


def test_a_bad_slug_is_refused(unit, staff, client_for):
    response = client_for(staff).post(
        url("service_create", unit),
        {
            "name": "Perpustakaan",
            "slug": "bukan slug!",
            "channel": "both",
            "category": "services",
            "position": "1",
        },
    )
    assert response.status_code == 400
    assert not Service.objects.exists()


# --- consultations and their minutes --------------------------------------------------


def _fgd_data(**extra):
    return {
        "held_on": "2024-01-05",
        "title": "FGD Standar Pelayanan",
        "place": "Aula",
        "participants": "Universitas\nMedia lokal",
        "summary": "Disepakati.",
        **extra,
    }


def test_fgd_minutes_upload_and_download_as_an_attachment(unit, staff, viewer, client_for):
    service = ServiceFactory(unit=unit)
    upload = SimpleUploadedFile("Notulen FGD (final).PDF", tiny_pdf(), content_type="text/html")
    response = client_for(staff).post(
        url("consultation_create", unit), _fgd_data(services=[service.pk], minutes_file=upload)
    )
    assert response.status_code == 302
    fgd = Consultation.objects.get()
    assert fgd.participants == ["Universitas", "Media lokal"]
    assert list(fgd.services.all()) == [service]
    assert fgd.minutes_content_type == "application/pdf"  # from the content, not the browser
    assert fgd.minutes_name == "Notulen_FGD_final.pdf"
    assert len(fgd.minutes_sha256) == 64 and fgd.minutes_size == len(tiny_pdf())

    download = client_for(viewer).get(url("consultation_minutes", unit, consultation_id=fgd.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Notulen_FGD_final.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == tiny_pdf()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notulen.pdf", b"<html><script>alert(1)</script></html>", "Jenis berkas tidak diterima"),
        ("notulen.exe", b"MZ\x90\x00" + b"\x00" * 100, "Jenis berkas tidak diterima"),
        ("notulen.pdf", b"", "kosong"),
    ],
)
def test_fgd_minutes_are_checked_by_content(name, content, message, unit, staff, client_for):
    upload = SimpleUploadedFile(name, content)
    response = client_for(staff).post(
        url("consultation_create", unit), _fgd_data(minutes_file=upload)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_fgd_minutes_over_the_size_limit_are_refused(unit, staff, client_for, settings):
    settings.ZI_SERVICE_UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("notulen.pdf", tiny_pdf())
    response = client_for(staff).post(
        url("consultation_create", unit), _fgd_data(minutes_file=upload)
    )
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_fgd_cannot_be_dated_in_the_future(unit, staff, client_for):
    response = client_for(staff).post(
        url("consultation_create", unit), _fgd_data(held_on="2999-01-01")
    )
    assert response.status_code == 400
    assert "tidak boleh di masa depan" in response.content.decode()


def test_minutes_of_another_units_fgd_are_not_served(unit, other_unit, viewer, client_for):
    fgd = services.consultation_create(
        unit=other_unit,
        by=None,
        held_on=datetime.date(2024, 1, 1),
        title="FGD lain",
        participants=[],
        minutes=services.CheckedUpload(tiny_pdf(), "application/pdf", ".pdf", "n.pdf"),
    )
    response = client_for(viewer).get(url("consultation_minutes", unit, consultation_id=fgd.pk))
    assert response.status_code == 404


# --- maklumat -------------------------------------------------------------------------


def test_the_maklumat_draft_uses_the_standard_wording_and_the_coordinator_signs_it(
    unit, staff, coordinator, client_for
):
    unit.head_name, unit.head_position, unit.regency = "Ibu Kepala", "Kepala Satker", "Kota Sorong"
    unit.save()
    saved = client_for(staff).post(url("maklumat_edit", unit), {"text": "", "revision": "0"})
    assert saved.status_code == 302
    draft = Maklumat.objects.get(unit=unit)
    assert draft.text.startswith("Dengan ini, kami menyatakan sanggup")

    client = client_for(coordinator)
    form = client.get(url("maklumat_sign", unit)).content.decode()
    assert 'value="Ibu Kepala"' in form and 'value="Sorong"' in form
    response = client.post(
        url("maklumat_sign", unit),
        {
            "signer_name": "Ibu Kepala",
            "signer_position": "Kepala Satker",
            "signed_place": "Sorong",
            "signed_on": "2024-02-01",
            "signer_nip": "12345",
        },
    )
    assert response.status_code == 400
    assert "NIP harus terdiri dari 18 angka." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Maklumat.Status.DRAFT

    response = client.post(
        url("maklumat_sign", unit),
        {
            "signer_name": "Ibu Kepala",
            "signer_position": "Kepala Satker",
            "signed_place": "Sorong",
            "signed_on": "2024-02-01",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Maklumat.Status.SIGNED and draft.signed_by == coordinator


# --- SKM ------------------------------------------------------------------------------


def test_a_period_is_created_once(unit, staff, client_for):
    data = {"year": "2024", "period_kind": "quarter", "period_number": "3"}
    client = client_for(staff)
    assert client.post(url("survey_create", unit), data).status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert survey.period_label == "Triwulan III 2024"
    assert (survey.period_start, survey.period_end) == (
        datetime.date(2024, 7, 1),
        datetime.date(2024, 9, 30),
    )
    again = client.post(url("survey_create", unit), data)
    assert again.status_code == 400 and "sudah ada" in again.content.decode()
    wrong = client.post(url("survey_create", unit), {**data, "period_kind": "semester"})
    assert wrong.status_code == 400 and "hanya sampai periode ke-2" in wrong.content.decode()
    assert SatisfactionSurvey.objects.count() == 1


def test_publishing_an_empty_period_is_refused_with_a_message(unit, coordinator, client_for):
    survey = services.survey_create(
        unit=unit, by=None, year=2024, period_kind=PeriodKind.YEAR, period_number=1
    )
    response = client_for(coordinator).post(
        url("survey_publish", unit, survey_id=survey.pk), follow=True
    )
    assert "Belum ada hasil" in response.content.decode()
    survey.refresh_from_db()
    assert not survey.is_published


def test_the_skm_page_draws_the_trend_without_javascript(unit, viewer, client_for):
    publish_survey(unit, semester=1, rows=[(3,) * 9])
    publish_survey(unit, semester=2, rows=[(4,) * 9])
    content = client_for(viewer).get(url("surveys", unit)).content.decode()
    assert "<svg" in content and "<polyline" in content
    assert "75,00" in content and "100,00" in content
    assert "<script" not in content.split("<main", 1)[1].split("</main>", 1)[0]


# --- query counts ---------------------------------------------------------------------


def _populate(unit, count: int) -> None:
    for number in range(count):
        service = ServiceFactory(unit=unit, name=f"Layanan {number}")
        StandardVersionFactory(service=service, published=True)
        StandardVersionFactory(service=service)
        fgd = services.consultation_create(
            unit=unit,
            by=None,
            services=[service],
            held_on=datetime.date(2024, 1, number + 1),
            title=f"FGD {number}",
            participants=["A", "B"],
        )
        assert fgd
        survey = services.survey_create(
            unit=unit,
            by=None,
            year=2020 + number,
            period_kind=PeriodKind.YEAR,
            period_number=1,
            service=service if number % 2 else None,
        )
        services.survey_replace_respondents(
            survey=survey, by=None, rows=[services.RespondentRow(2, (4, 3, 3, 4, 3, 4, 4, 3, 3))]
        )
    sign_maklumat(unit)


PAGES = [
    ("services", {}, 9),
    ("consultations", {}, 7),
    ("maklumat", {}, 6),
    ("surveys", {}, 6),
]


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize(("name", "extra", "queries"), PAGES, ids=[p[0] for p in PAGES])
def test_unit_pages_cost_the_same_queries_for_one_or_many_rows(
    name, extra, queries, count, unit, viewer, client_for, django_assert_num_queries
):
    _populate(unit, count)
    client = client_for(viewer)
    client.get(url(name, unit, **extra))  # warm the session
    with django_assert_num_queries(queries):
        assert client.get(url(name, unit, **extra)).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_detail_pages_cost_the_same_queries(
    count, unit, viewer, client_for, django_assert_num_queries
):
    _populate(unit, count)
    service = ServiceFactory(unit=unit, name="Layanan banyak versi")
    for number in range(count):  # many versions of one service, then its draft
        StandardVersionFactory(service=service, published=True, requirements=[f"Syarat {number}"])
    StandardVersionFactory(service=service)
    version = service.versions.published().get()
    survey = SatisfactionSurvey.objects.filter(unit=unit).first()
    client = client_for(viewer)
    client.get(url("services", unit))
    # The object is read with its unit in one query (service_standards.scopes).
    with django_assert_num_queries(6):
        assert client.get(url("service_detail", unit, service_id=service.pk)).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(url("version_detail", unit, version_id=version.pk)).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(url("survey_detail", unit, survey_id=survey.pk)).status_code == 200


def test_the_unit_page_panel_costs_a_constant_number_of_queries(
    unit, other_unit, viewer, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory
    from units.models import Role

    _populate(other_unit, 1)
    other_viewer = MembershipFactory(unit=other_unit, role=Role.VIEWER).user
    small_client = client_for(other_viewer)
    small_client.get(reverse("units:detail", kwargs={"code": other_unit.code}))
    with CaptureQueriesContext(connection) as small:
        small_client.get(reverse("units:detail", kwargs={"code": other_unit.code}))
    expected = len(small)  # read now: the query log is a bounded deque

    _populate(unit, 6)
    client = client_for(viewer)
    client.get(reverse("units:detail", kwargs={"code": unit.code}))
    with django_assert_num_queries(expected):
        response = client.get(reverse("units:detail", kwargs={"code": unit.code}))
    content = response.content.decode()
    assert "Pelayanan publik" in content and "Layanan 0" in content
    assert "standar v1 berlaku" in content and "ada draf" in content
    assert "Maklumat:" in content and "ditandatangani" in content
