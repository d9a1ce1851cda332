"""Shared fixtures: a small organisation tree and one named person per role.

KL (kementerian)
└── PROV (kantor wilayah)       ← `province`: `province_tpi_reviewer` reviews the satkers below
    ├── UNIT (satker)            ← `unit`: every role fixture holds its role here
    └── OTHER (satker)           ← `other_unit`: where the `outsider` works
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from change_areas.models import Framework
from tests.factories import UnitFactory, UserFactory, member
from tests.s3 import s3, s3_server  # noqa: F401  (fixtures: a moto S3 server, a bucket per test)
from units.models import Role, UnitKind


@pytest.fixture
def root_unit(db):
    return UnitFactory(code="KL", name="Kementerian Contoh", kind=UnitKind.KEMENTERIAN_LEMBAGA)


@pytest.fixture
def province(root_unit):
    return UnitFactory(
        code="PROV", name="Kantor Wilayah Contoh", kind=UnitKind.INSTANSI_VERTIKAL, parent=root_unit
    )


@pytest.fixture
def unit(province):
    return UnitFactory(code="UNIT", name="Satker Contoh", parent=province)


@pytest.fixture
def other_unit(province):
    return UnitFactory(code="OTHER", name="Satker Lain", parent=province)


@pytest.fixture
def staff(unit):
    return member(unit, Role.STAFF, "staff")


@pytest.fixture
def coordinator(unit):
    return member(unit, Role.COORDINATOR, "coordinator")


@pytest.fixture
def tpi_reviewer(unit):
    return member(unit, Role.TPI_REVIEWER, "tpi")


@pytest.fixture
def tpn_reviewer(unit):
    return member(unit, Role.TPN_REVIEWER, "tpn")


@pytest.fixture
def viewer(unit):
    return member(unit, Role.VIEWER, "viewer")


@pytest.fixture
def unit_admin(unit):
    return member(unit, Role.UNIT_ADMIN, "unitadmin")


@pytest.fixture
def province_tpi_reviewer(province):
    """A TPI reviewer on the province: their role covers UNIT and OTHER below it."""
    return member(province, Role.TPI_REVIEWER, "tpi-provinsi")


@pytest.fixture
def outsider(other_unit):
    return member(other_unit, Role.COORDINATOR, "outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """A test client signed in as the given user (or anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped catalogs once per test database; every test starts with them."""
    with django_db_blocker.unblock():
        call_command("load_catalogs", verbosity=0)


@pytest.fixture
def catalogs(db) -> dict[str, Framework]:
    """The loaded frameworks by code (reloaded if a transactional test flushed them)."""
    if not Framework.objects.exists():
        call_command("load_catalogs", verbosity=0)
    return {framework.code: framework for framework in Framework.objects.all()}


@pytest.fixture
def framework(catalogs) -> Framework:
    """The framework new cycles use (PermenPAN-RB 90/2021 with its LKE)."""
    return Framework.objects.current()


def pytest_terminal_summary(terminalreporter):
    """The fuzz run's totals (tests/test_fuzz.py), summed over every worker's reports."""
    requests = refused = cases = server_errors = bad_writes = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call" or "test_fuzz.py" not in report.nodeid:
                continue
            cases += 1
            properties = dict(getattr(report, "user_properties", []))
            requests += properties.get("fuzz_requests", 0)
            refused += properties.get("fuzz_refused", 0)
            if report.failed:
                crash = getattr(report.longrepr, "reprcrash", None)
                text = crash.message if crash is not None else str(report.longrepr)
                server_errors += "AssertionError: 500 on " in text
                bad_writes += "but wrote" in text
    if cases:
        terminalreporter.write_line(
            f"fuzz: {requests} hostile requests on {cases} URLs as every kind of person "
            f"({refused} refused): {server_errors} × 500, {bad_writes} refusals that wrote"
        )
