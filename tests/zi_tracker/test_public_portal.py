"""The public portal: `/` for anonymous visitors, finding a unit, one public menu, a unit's
public page with its declarations and where to complain, and a favicon."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from change_areas.models import Predicate
from tests.factories import PredicateAwardFactory, UnitFactory
from units.models import UnitKind


@pytest.fixture
def headed(unit, catalogs):
    """UNIT with a head, so its declarations have a declarant."""
    from units import services

    return services.unit_update(
        unit=unit, head_name="Siti Nurhaliza", head_position="Kepala Satker Contoh"
    )


def issue(unit, **fields):
    from declarations import services
    from tests.factories import DeclarationFactory

    return services.declaration_finalise(
        declaration=DeclarationFactory(unit=unit, **fields), by=None
    )


PUBLIC_MENU = ["Cari unit", "Predikat WBK/WBBM", "Standar pelayanan", "Verifikasi dokumen"]


def test_an_anonymous_visit_to_the_root_is_the_public_home(client, db):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in (
        reverse("public:search"),
        reverse("dashboards:registry"),
        reverse("public:index"),
        reverse("declarations:verify_lookup"),
        reverse("login"),
        "https://www.lapor.go.id",
    ):
        assert f'href="{link}"' in page, link
    assert 'role="search"' in page


def test_a_signed_in_person_gets_their_home_at_the_root(client_for, staff):
    page = client_for(staff).get("/").content.decode()
    assert "Selamat datang" in page and "Unit dan peran Anda" in page


@pytest.mark.parametrize(
    "name",
    [
        "public:home",
        "public:search",
        "public:index",
        "dashboards:registry",
        "login",
        "declarations:verify_lookup",
        "password_reset",
    ],
)
def test_every_public_page_has_the_one_public_menu_and_a_way_in(client, db, name):
    page = client.get(reverse(name)).content.decode()
    assert 'class="main-nav public-nav"' in page
    for label in PUBLIC_MENU:
        assert label in page
    if name != "login":
        assert f'href="{reverse("login")}"' in page


def test_a_unit_is_found_by_name_or_region(client, province):
    UnitFactory(
        code="BPS-9171",
        name="BPS Kota Sorong",
        regency="Kota Sorong",
        parent=province,
        kind=UnitKind.SATKER,
    )
    page = client.get(reverse("public:search"), {"q": "sorong"}).content.decode()
    assert "BPS Kota Sorong" in page
    assert reverse("public:unit", kwargs={"code": "BPS-9171"}) in page
    assert "Tidak ada unit" in client.get(reverse("public:search"), {"q": "zzz"}).content.decode()


def test_the_unit_page_shows_declarations_predicates_contact_and_the_complaint_channel(
    client, headed
):
    from declarations import services
    from tests.factories import DeclarationFactory

    unit = headed
    final = issue(unit)
    unit.phone, unit.email = "(0951) 321234", "bps9171@bps.go.id"
    unit.save()
    hidden = DeclarationFactory(unit=unit, title="Draf rahasia")
    services.declaration_revoke(declaration=issue(unit), reason="Salah tanggal", by=None)
    PredicateAwardFactory(
        unit=unit,
        predicate=Predicate.WBK,
        year=2023,
        decree_number="KEP/9",
        decree_date=datetime.date(2023, 12, 1),
    )

    page = client.get(reverse("public:unit", kwargs={"code": unit.code})).content.decode()

    assert final.title in page and final.get_verification_path() in page
    assert "berlaku" in page and "Dicabut" in page
    assert hidden.title not in page
    assert "(0951) 321234" in page and "bps9171@bps.go.id" in page
    assert "https://www.lapor.go.id" in page and "SP4N-LAPOR!" in page
    assert "KEP/9" in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_unit_page_costs_the_same_queries_with_few_and_many_declarations(
    client, headed, count, django_assert_num_queries
):
    for _n in range(count):
        issue(headed)
    with django_assert_num_queries(6):
        client.get(reverse("public:unit", kwargs={"code": headed.code}))


def test_the_favicon_is_where_browsers_look(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.ico")


def test_the_development_mailbox_shows_sent_mail_only_in_debug(client, settings, tmp_path, db):
    from django.core.mail import send_mail

    assert client.get(reverse("dev_mailbox")).status_code == 404
    settings.DEBUG = True
    settings.ZI_DEV_MAIL_DIR = str(tmp_path)
    settings.EMAIL_BACKEND = "lib.mail.DevelopmentBackend"
    send_mail("Undangan", "Buka http://127.0.0.1:8000/akun/undangan/x/y/", None, ["a@b.go.id"])
    page = client.get(reverse("dev_mailbox")).content.decode()
    assert "Undangan" in page and 'href="http://127.0.0.1:8000/akun/undangan/x/y/"' in page
