"""Fixtures of the declarations tests: a signing key per session, and declarations at each
stage (draft, final, signed) of a unit with a head."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pkcs12_file():
    """An institution's certificate as uploaded: a PKCS#12 (EC P-256) and its password."""
    from declarations import signing

    return signing.build_pkcs12(
        common_name="ZI Tracker Uji", organisation="Instansi Uji", password=b"rahasia", days=365
    ), "rahasia"


@pytest.fixture
def signing_key(db, pkcs12_file):
    """The installation's default signing key: an uploaded certificate, not a trial key."""
    from declarations import keys

    data, password = pkcs12_file
    key = keys.signing_key_upload(
        name="Sertifikat uji", pkcs12=data, passphrase=password, owner=None, by=None
    )
    return keys.signing_key_make_default(key=key, by=None)


@pytest.fixture
def trial_key(db):
    """The trial key `make run` creates."""
    from declarations import keys

    return keys.signing_key_create_trial(by=None)


@pytest.fixture
def no_signing_key(db):
    """An installation with no signing key at all."""
    from declarations.models import SigningKey

    SigningKey.objects.all().delete()


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
