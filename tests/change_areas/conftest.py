"""Fixtures of the change_areas tests: UNIT's 2026 cycle at each stage of the review
workflow, and the people beyond the unit who take part in it.

KL (kementerian)                 ← `instansi_admin` administers it, proposes to the TPN
├── PROV (kantor wilayah)        ← `pre_reviewer` runs the pre-assessment
│   ├── UNIT (satker)            ← `cycle`, `filled_cycle`, `submitted`, `returned`, …
│   └── OTHER (satker)
└── PROV2 (kantor wilayah)       ← `foreign_tpi_reviewer`: a TPI reviewer of another province
"""

from __future__ import annotations

import pytest

from change_areas import services
from change_areas.models import Cycle, Layer
from tests.change_areas.helpers import (
    accept_all,
    fresh,
    meet_prerequisites,
    propose,
    return_for_revision,
    sptjm_of,
)
from tests.factories import CycleFactory, UnitFactory, member
from units.models import Role, UnitKind


@pytest.fixture
def cycle(unit) -> Cycle:
    """UNIT's 2026 cycle, nothing answered yet."""
    return CycleFactory(unit=unit)


@pytest.fixture
def filled_cycle(unit) -> Cycle:
    """UNIT's 2026 cycle, every question answered at its best (self total 100)."""
    return CycleFactory(unit=unit, filled=True)


@pytest.fixture
def submitted(filled_cycle, coordinator, tpi_reviewer) -> Cycle:
    """`filled_cycle` submitted to the TPI (which `tpi_reviewer` reviews)."""
    services.cycle_submit(cycle=filled_cycle, by=coordinator)
    return fresh(filled_cycle)


@pytest.fixture
def returned(submitted, tpi_reviewer) -> Cycle:
    """RETURNED sent back with REASON; every other question accepted."""
    return return_for_revision(submitted, tpi_reviewer)


@pytest.fixture
def finalised(submitted, tpi_reviewer) -> Cycle:
    """Every question accepted, the TPI's evaluation final: waiting for the proposal."""
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
    return fresh(submitted)


@pytest.fixture
def proposed(finalised, instansi_admin, sptjm, tpn_reviewer, root_unit) -> Cycle:
    """Every prerequisite met and proposed by the instansi: with the TPN (`tpn_reviewer`)."""
    meet_prerequisites(finalised)
    propose(finalised, instansi=root_unit, sptjm=sptjm, by=instansi_admin)
    return fresh(finalised)


@pytest.fixture
def pre_cycle(unit) -> Cycle:
    """Like `filled_cycle`, going through a pre-assessment before the TPI."""
    return CycleFactory(unit=unit, filled=True, pre_assessment=True)


@pytest.fixture
def sptjm(root_unit):
    """The instansi's SPTJM, the statement a proposal carries."""
    return sptjm_of(root_unit)


@pytest.fixture
def instansi_admin(root_unit):
    return member(root_unit, Role.UNIT_ADMIN, "admin-instansi")


@pytest.fixture
def pre_reviewer(province):
    return member(province, Role.PRE_REVIEWER, "pre")


@pytest.fixture
def second_reviewer(province):
    """Another TPI reviewer of UNIT, beside `tpi_reviewer`."""
    return member(province, Role.TPI_REVIEWER, "tpi-kedua")


@pytest.fixture
def foreign_tpi_reviewer(root_unit):
    """A TPI reviewer on another province of the same ministry."""
    elsewhere = UnitFactory(
        code="PROV2", name="Kantor Wilayah Lain", kind=UnitKind.INSTANSI_VERTIKAL, parent=root_unit
    )
    return member(elsewhere, Role.TPI_REVIEWER, "tpi-lain")
