"""After the TPI's evaluation: the comparison of the unit's and the TPI's figures per
area, the questions scored differently, the timeline, the TPI report as PDF, who sees
them when, and their cost in queries."""

from __future__ import annotations

import re

import pytest

from change_areas import services
from change_areas.models import Cycle, Layer
from tests.change_areas.helpers import (
    RETURNED,
    TPI_NOTE,
    accept_all,
    fresh,
    return_for_revision,
    url,
)
from tests.factories import AnswerFactory, CycleFactory


def table_row(html: str, label: str) -> str:
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert found, label
    return found.group(1)


@pytest.fixture
def compared(unit, coordinator, staff, tpi_reviewer) -> Cycle:
    """Self 98,50 (SDM reform i.a at C); the TPI raises it to A (+1,50), lowers RETURNED
    to Tidak with a note (−0,25), returns RETURNED once, then finalises at 99,75."""
    cycle = CycleFactory(unit=unit, filled=True, options={"A.SDM.RFM.i.a": "C"})
    services.cycle_submit(cycle=cycle, by=coordinator)
    AnswerFactory(cycle=cycle, code="A.SDM.RFM.i.a", layer=Layer.TPI, option="A", by=tpi_reviewer)
    AnswerFactory(
        cycle=cycle,
        code=RETURNED,
        layer=Layer.TPI,
        option="Tidak",
        note=TPI_NOTE,
        by=tpi_reviewer,
    )
    return_for_revision(cycle, tpi_reviewer)
    services.cycle_resubmit(cycle=cycle, by=coordinator, confirm_unchanged=True)
    accept_all(cycle, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=cycle, by=tpi_reviewer)
    return fresh(cycle)


def test_the_comparison_shows_self_and_tpi_per_area_with_the_difference(
    compared, staff, client_for
):
    response = client_for(staff).get(url("comparison", compared))

    html = response.content.decode()
    assert response.status_code == 200
    mp = table_row(html, "Manajemen Perubahan")
    assert ">8,00<" in mp and ">7,75<" in mp and "−0,25" in mp
    sdm = table_row(html, "Penataan Sistem Manajemen SDM Aparatur")
    assert ">8,50<" in sdm and ">10,00<" in sdm and "+1,50" in sdm
    tl = table_row(html, "Penataan Tatalaksana")
    assert tl.count(">7,00<") == 3 and "0,00" in tl
    total = table_row(html, "Total")
    assert ">98,50<" in total and ">99,75<" in total and "+1,25" in total
    changed = re.search(r"<h2>Pertanyaan yang dinilai berbeda.*?</table>", html, re.S).group(0)
    assert RETURNED in changed and "A.SDM.RFM.i.a" in changed and TPI_NOTE in changed
    assert "A.MP.PMN.i.b" not in changed


def test_the_comparison_shows_the_timeline(compared, tpi_reviewer, client_for):
    html = client_for(tpi_reviewer).get(url("comparison", compared)).content.decode()

    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    labels = [
        "Siklus dibuka",
        "Penilaian unit diajukan untuk dinilai",
        "Pertanyaan dikembalikan kepada unit untuk perbaikan",
        "Perbaikan diajukan kembali",
        "Penilaian TPI difinalkan",
    ]
    positions = [timeline.find(label) for label in labels]
    assert -1 not in positions and positions == sorted(positions)
    assert str(tpi_reviewer) in timeline


def test_the_unit_sees_the_tpi_figures_only_after_finalisation(
    submitted, staff, coordinator, client_for
):
    for person in (staff, coordinator):
        assert client_for(person).get(url("comparison", submitted)).status_code == 403


def test_reviewers_see_the_comparison_before_finalisation(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).get(url("comparison", submitted))

    assert response.status_code == 200


def test_outsiders_get_404_on_the_comparison(compared, outsider, client_for):
    assert client_for(outsider).get(url("comparison", compared)).status_code == 404
