"""Public pages (no login): only published things, never a draft, a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from change_areas.models import Predicate
from service_standards import services
from service_standards.models import PeriodKind
from tests.factories import (
    PredicateAwardFactory,
    ServiceFactory,
    StandardVersionFactory,
    UnitFactory,
)
from tests.service_standards.test_skm import HAND_WORKED

DRAFT_TEXT = "Persyaratan rahasia dari draf"


def unit_url(unit) -> str:
    return reverse("public:unit", kwargs={"code": unit.code})


def service_url(service) -> str:
    return reverse(
        "service_standards:public_service", kwargs={"code": service.unit.code, "slug": service.slug}
    )


def publish_survey(unit, *, semester=1, year=2024, rows=HAND_WORKED, service=None):
    survey = services.survey_create(
        unit=unit,
        by=None,
        year=year,
        period_kind=PeriodKind.SEMESTER,
        period_number=semester,
        service=service,
    )
    survey = services.survey_replace_respondents(
        survey=survey,
        by=None,
        rows=[services.RespondentRow(i + 2, tuple(r)) for i, r in enumerate(rows)],
    )
    return services.survey_publish(survey=survey, by=None, small_sample_confirmed=True)


def sign_maklumat(unit, **kwargs):
    draft = services.maklumat_save_draft(unit=unit, by=None, text=kwargs.pop("text", ""))
    return services.maklumat_sign(
        maklumat=draft,
        by=None,
        signed_on=datetime.date(2024, 3, 4),
        signed_place="Sorong",
        signer_name="Ibu Kepala",
        signer_nip="198002142003122002",
        signer_position="Kepala Satker",
    )


@pytest.fixture
def world(unit, client):
    """A unit with one published service, one draft-only service, and a newer draft."""
    library = ServiceFactory(unit=unit, name="Perpustakaan")
    StandardVersionFactory(service=library, published=True, requirements=["Kartu identitas"])
    services.version_create(
        service=library,
        by=None,
        **{"requirements": [DRAFT_TEXT], "duration_value": 99, "duration_unit": "minutes"},
    )
    hidden = ServiceFactory(unit=unit, name="Layanan Baru Belum Terbit")
    StandardVersionFactory(service=hidden, requirements=[DRAFT_TEXT])
    return {"library": library, "hidden": hidden}


def test_the_public_unit_page_shows_only_published_things(world, unit, client):
    sign_maklumat(unit)
    publish_survey(unit)
    services.survey_create(
        unit=unit, by=None, year=2025, period_kind=PeriodKind.YEAR, period_number=1
    )
    PredicateAwardFactory(
        unit=unit,
        predicate=Predicate.WBK,
        year=2020,
        decree_number="KEP-REVOKED",
        decree_date=datetime.date(2020, 12, 1),
        revoked_on=datetime.date(2021, 6, 1),
    )
    PredicateAwardFactory(
        unit=unit,
        predicate=Predicate.WBK,
        year=2023,
        decree_number="KEP-MENPANRB/77/2023",
        decree_date=datetime.date(2023, 12, 12),
    )

    response = client.get(unit_url(unit))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Perpustakaan" in content and "Kartu identitas" in content
    assert DRAFT_TEXT not in content and "Layanan Baru Belum Terbit" not in content
    assert "99 menit" not in content
    assert "sanggup menyelenggarakan pelayanan" in content and "Ibu Kepala" in content
    assert "88,19" in content and "B · Baik" in content
    assert "Predikat Menuju WBK 2023" in content and "KEP-MENPANRB/77/2023" in content
    assert "KEP-REVOKED" not in content  # revoked predicates are not held


def test_the_public_service_page_reads_the_published_standard(world, client):
    response = client.get(service_url(world["library"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kartu identitas" in content and "30 menit" in content
    assert "Tidak dipungut biaya (gratis)" in content
    assert "SK-1/2024" in content and "Kamis, 1 Februari 2024" in content
    for number in range(1, 15):
        assert f'<span class="component-number">{number}</span>' in content
    assert DRAFT_TEXT not in content


def test_a_priced_standard_shows_rupiah_in_indonesian_format(unit, client):
    service = ServiceFactory(unit=unit, name="Penjualan Publikasi")
    StandardVersionFactory(
        service=service,
        published=True,
        is_free=False,
        fee_amount="1500000",
        fee_legal_basis="Peraturan Pemerintah Nomor 7 Tahun 2015",
    )
    content = client.get(service_url(service)).content.decode()
    assert "Rp1.500.000,00" in content
    assert "Peraturan Pemerintah Nomor 7 Tahun 2015" in content


def test_drafts_and_superseded_versions_are_not_reachable_by_guessing(world, unit, client):
    library, hidden = world["library"], world["hidden"]
    draft = library.versions.drafts().get()
    hidden_draft = hidden.versions.get()
    guesses = [
        service_url(hidden),
        reverse(
            "service_standards:public_standard_pdf", kwargs={"code": unit.code, "slug": hidden.slug}
        ),
        f"/layanan/{unit.code}/{draft.pk}/",
        f"/layanan/{unit.code}/{hidden_draft.pk}/",
        f"/layanan/{unit.code}/{library.slug}/{draft.pk}/",
        f"/layanan/{unit.code}/{library.slug}/versi/{draft.pk}/",
    ]
    for url in guesses:
        assert client.get(url).status_code == 404, url
    # A query string does not select another version either.
    content = client.get(service_url(library) + f"?versi={draft.pk}&version={draft.pk}").content
    assert DRAFT_TEXT.encode() not in content
    # The application's own version pages need a login.
    app_url = reverse(
        "service_standards:version_detail", kwargs={"code": unit.code, "version_id": draft.pk}
    )
    assert client.get(app_url)["Location"].startswith(reverse("login"))


def test_a_superseded_version_is_not_shown(unit, client):
    service = ServiceFactory(unit=unit)
    StandardVersionFactory(service=service, published=True, requirements=["Syarat lama"])
    StandardVersionFactory(service=service, published=True, requirements=["Syarat baru"])
    content = client.get(service_url(service)).content.decode()
    assert "Syarat baru" in content and "Syarat lama" not in content


def test_unknown_and_inactive_units_and_services_are_404(world, unit, client):
    assert client.get("/layanan/TIDAK-ADA/").status_code == 404
    services.service_update(service=world["library"], by=None, is_active=False)
    assert client.get(service_url(world["library"])).status_code == 404
    assert "Perpustakaan" not in client.get(unit_url(unit)).content.decode()
    unit.is_active = False
    unit.save()
    assert client.get(unit_url(unit)).status_code == 404


def test_unsigned_maklumat_pdfs_are_404(unit, client):
    services.maklumat_save_draft(unit=unit, by=None, text="Janji draf")
    for name in ("public_maklumat_pdf", "public_poster_pdf"):
        assert (
            client.get(reverse(f"service_standards:{name}", kwargs={"code": unit.code})).status_code
            == 404
        )
    assert "Janji draf" not in client.get(unit_url(unit)).content.decode()


def test_an_unpublished_survey_period_is_not_shown(unit, client):
    ServiceFactory(unit=unit)
    survey = publish_survey(unit)
    services.survey_unpublish(survey=survey, by=None)
    assert "88,19" not in client.get(unit_url(unit)).content.decode()


def test_the_latest_published_period_is_shown(unit, client):
    publish_survey(unit, semester=1, rows=[(4,) * 9])
    publish_survey(unit, semester=2, rows=HAND_WORKED)
    content = client.get(unit_url(unit)).content.decode()
    assert "Hasil Semester II 2024" in content and "88,19" in content


def test_the_public_index_lists_units_with_a_published_standard(world, unit, other_unit, client):
    ServiceFactory(unit=other_unit, name="Hanya draf")  # no published standard: not listed
    response = client.get(reverse("public:index"))
    content = response.content.decode()
    assert unit.name in content and other_unit.name not in content
    assert "1 layanan" in content
    searched = client.get(reverse("public:index"), {"q": "tidak-ada-unit"})
    assert unit.name not in searched.content.decode()


def _many_services(unit, count: int) -> None:
    for number in range(count):
        service = ServiceFactory(unit=unit, name=f"Layanan {number}")
        StandardVersionFactory(service=service, published=True)


@pytest.mark.parametrize("count", [1, 8])
def test_public_unit_page_queries_do_not_grow(count, unit, client, django_assert_num_queries):
    _many_services(unit, count)
    sign_maklumat(unit)
    publish_survey(unit, semester=1)
    publish_survey(unit, semester=2)
    with django_assert_num_queries(6):  # the sixth: the unit's issued declarations
        assert client.get(unit_url(unit)).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_public_service_page_queries_do_not_grow(count, unit, client, django_assert_num_queries):
    _many_services(unit, count)
    service = unit.services.first()
    for semester in (1, 2):
        publish_survey(unit, semester=semester, service=service)
    with django_assert_num_queries(3):
        assert client.get(service_url(service)).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_public_index_queries_do_not_grow(count, province, client, django_assert_num_queries):
    for number in range(count):
        unit = UnitFactory(parent=province, code=f"IDX{number}")
        _many_services(unit, 2)
        publish_survey(unit)
        PredicateAwardFactory(
            unit=unit,
            predicate=Predicate.WBK,
            year=2023,
            decree_number=f"K{number}",
            decree_date=datetime.date(2023, 12, 1),
        )
    with django_assert_num_queries(3):
        response = client.get(reverse("public:index"))
    assert response.content.decode().count('class="unit-card"') == count
