"""Single sign-on in a real browser against a real OpenID Connect provider running
locally (django-oauth-toolkit, tests/oidc_provider), not a mock of the protocol."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from integrations import sso
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.oidc_provider import provider as oidc
from units.models import Role

NIP = "198503302010121002"


@pytest.fixture
def identity_provider(live_server, tmp_path):
    running = oidc.start(
        tmp_path,
        redirect_uri=f"{live_server.url}/masuk/sso/kembali/",
        people={
            "budi.instansi": {"nip": NIP, "email": "budi.lain@instansi.go.id", "name": "Budi"},
            "sari.instansi": {
                "nip": "",
                "email": "Sari@Instansi.go.id",
                "name": "Sari Coordinator",
            },
            "tamu.instansi": {"nip": "199001012020011001", "email": "tamu@instansi.go.id"},
        },
    )
    yield running
    running.stop()


@pytest.fixture
def configured(identity_provider, transactional_db):
    admin = UserFactory(username="admin-nasional", is_superuser=True, is_staff=True)
    return sso.provider_save(
        by=admin,
        slug="instansi",
        name="SSO Instansi",
        issuer=identity_provider.issuer,
        client_id=oidc.CLIENT_ID,
        client_secret=oidc.CLIENT_SECRET,
        scopes="openid email profile",
        nip_claim="nip",
        match_email=True,
        is_active=True,
    )


def sign_in_through_provider(page, live_server, username: str) -> None:
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_role("link", name="Masuk dengan SSO Instansi").click()
    expect(page.get_by_role("heading", name="Penyedia identitas instansi (uji)")).to_be_visible()
    page.get_by_label("Akun instansi").fill(username)
    page.get_by_label("Sandi instansi").fill("sandi-instansi-123")
    page.get_by_role("button", name="Masuk ke penyedia").click()


def test_a_person_signs_in_through_the_instansi_s_provider_matched_by_nip(
    page, live_server, configured
):
    unit = UnitFactory(code="SSO1", name="Satker SSO")
    # The e-mail differs from the provider's: the NIP decides, never the name.
    person = UserFactory(
        username="budi", full_name="Budi Santoso", nip=NIP, email="budi@contoh.go.id"
    )
    MembershipFactory(unit=unit, role=Role.STAFF, user=person)
    # A TOTP second factor guards the local password; the provider authenticates its people.
    TOTPDevice.objects.create(user=person, name="ponsel", confirmed=True)
    UserFactory(username="budi-lain", full_name="Budi", email="lain@contoh.go.id")
    sign_in_through_provider(page, live_server, "budi.instansi")
    expect(page.get_by_text("Budi Santoso").first).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/unit/SSO1/")
    expect(page.get_by_role("heading", name="Satker SSO")).to_be_visible()


def test_a_person_without_a_nip_claim_is_matched_by_verified_e_mail(page, live_server, configured):
    UserFactory(username="sari", full_name="Sari Wulandari", email="sari@instansi.go.id")
    sign_in_through_provider(page, live_server, "sari.instansi")
    expect(page.get_by_text("Sari Wulandari").first).to_be_visible()


def test_a_provider_account_matching_no_one_is_not_signed_in(page, live_server, configured):
    UserFactory(username="tamu", full_name="Tamu", email="bukan-tamu@contoh.go.id")
    sign_in_through_provider(page, live_server, "tamu.instansi")
    expect(page.get_by_role("heading", name="Masuk dengan SSO gagal")).to_be_visible()
    expect(page.get_by_text("tidak cocok dengan akun ZI Tracker mana pun")).to_be_visible()
    # Not signed in: the home is the public portal, and a page of the app asks to sign in.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Masuk", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/akun/sandi/")
    expect(page).to_have_url(f"{live_server.url}/masuk/?next=/akun/sandi/")


def test_a_provider_from_environment_variables_is_offered_and_discovered(
    identity_provider, transactional_db, settings
):
    settings.ZI_OIDC_ISSUER = identity_provider.issuer
    settings.ZI_OIDC_CLIENT_ID = oidc.CLIENT_ID
    settings.ZI_OIDC_CLIENT_SECRET = oidc.CLIENT_SECRET
    settings.ZI_OIDC_NAME = "SSO dari lingkungan"
    client = Client()
    assert "Masuk dengan SSO dari lingkungan" in client.get("/masuk/").content.decode()
    response = client.get("/masuk/sso/instansi/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{identity_provider.issuer}/authorize")
    assert "code_challenge=" in response["Location"] and "nonce=" in response["Location"]


def test_an_issuer_that_is_not_an_openid_provider_is_refused_on_save(
    identity_provider, transactional_db
):
    from django.core.exceptions import ValidationError

    admin = UserFactory(username="admin-nasional", is_superuser=True)
    with pytest.raises(ValidationError) as raised:
        sso.provider_save(
            by=admin,
            slug="salah",
            name="Salah",
            issuer=identity_provider.issuer.removesuffix("/o") + "/tidak-ada",
            client_id="x",
        )
    assert "issuer" in raised.value.message_dict
