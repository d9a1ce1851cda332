"""Fixtures of the declarations tests: a signing key per session, and declarations at each
stage (draft, final, signed) of a unit with a head."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def signing_key_files(tmp_path_factory):
    """A self-signed EC P-256 PKCS#12 made by `create_signing_key`, once per test session."""
    folder = tmp_path_factory.mktemp("signing")
    out = io.StringIO()
    call_command(
        "create_signing_key", out=str(folder / "key.p12"), name="ZI Tracker Uji", stdout=out
    )
    return folder / "key.p12", folder / "key.p12.password"


@pytest.fixture
def signing_key(settings, signing_key_files):
    """Signing enabled for this test (the key and its password file)."""
    key, password_file = signing_key_files
    settings.ZI_SIGNING_PKCS12_FILE = str(key)
    settings.ZI_SIGNING_PKCS12_PASSWORD_FILE = str(password_file)
    settings.ZI_SIGNING_PKCS12_PASSWORD = ""
    return key


@pytest.fixture
def no_signing_key(settings):
    settings.ZI_SIGNING_PKCS12_FILE = ""
    settings.ZI_SIGNING_PKCS12_PASSWORD_FILE = ""
    settings.ZI_SIGNING_PKCS12_PASSWORD = ""


@pytest.fixture
def headed_unit(unit):
    """The `unit` fixture with a head, so a new declaration gets its declarant."""
    from units import services as unit_services

    return unit_services.unit_update(
        unit=unit,
        head_name="Siti Nurhaliza, S.ST., M.Ec.Dev.",
        head_nip="198002142003122002",
        head_position="Kepala Satker Contoh",
        address="Jl. Jenderal Sudirman, Kota Sorong",
    )


@pytest.fixture
def draft(headed_unit, catalogs):
    """A piagam draft of `unit` with two witnesses."""
    from tests.factories import DeclarationFactory, WitnessFactory

    declaration = DeclarationFactory(unit=headed_unit)
    WitnessFactory(
        declaration=declaration,
        name="Drs. Petrus Kambuaya, M.Si.",
        position="Asisten Bidang Pemerintahan",
        institution="Pemerintah Kota Sorong",
    )
    WitnessFactory(
        declaration=declaration,
        name="Musa Sombuk, S.H., M.H.",
        position="Kepala Perwakilan",
        institution="Ombudsman RI Perwakilan Papua Barat",
    )
    return declaration


@pytest.fixture
def final(draft):
    from declarations import services

    return services.declaration_finalise(declaration=draft, by=None)


@pytest.fixture
def signed(final, signing_key):
    from declarations import services

    return services.declaration_sign(declaration=final, by=None)
