"""A reviewer layer's figures count only once its reviewers have finalised it.

When review opens, the TPI layer is prefilled with a copy of the unit's answers; until
the TPI finalises, that copy is no TPI judgement. So a cycle under TPI review
contributes no TPI average, no TPI eligibility count and no calibration pair, and the
pages say "TPI belum menilai" with the review's progress instead.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from change_areas import services
from change_areas.models import Cycle, Framework, Layer
from tests.change_areas.helpers import accept_all, question
from tests.factories import CycleFactory, member
from units.models import Role
from zi_tracker.dashboards import home, selectors


@pytest.fixture
def under_review(unit, coordinator, tpi_reviewer) -> Cycle:
    """UNIT's cycle (self 100) submitted; the TPI scored one question down (99,75), not final."""
    cycle = CycleFactory(unit=unit, filled=True)
    services.cycle_submit(cycle=cycle, by=coordinator)
    services.answer_save(
        cycle=cycle,
        question=question("A.MP.PMN.i.a"),
        layer=Layer.TPI,
        option="Tidak",
        by=tpi_reviewer,
    )
    return Cycle.objects.get(pk=cycle.pk)


def filters(cycle: Cycle) -> selectors.PortfolioFilters:
    return selectors.PortfolioFilters(year=cycle.year, framework=Framework.objects.current())


def figures(root, cycle: Cycle) -> dict:
    """What every reader of TPI figures says about the subtree."""
    f = filters(cycle)
    rollup = selectors.rollup(root, f)
    branch = next(row for row in rollup if not row.is_root)
    histogram = selectors.histogram(root, f)
    areas = selectors.area_averages(
        selectors.portfolio_cycles(root, f), selectors.scored_areas(f.framework)
    )
    by_area, by_question = selectors.calibration(
        root,
        year=cycle.year,
        framework=f.framework,
        first=Layer.SELF,
        second=Layer.TPI,
        areas=selectors.scored_areas(f.framework),
    )
    export = next(row for row in selectors.export_rows(root, f) if row["cycle_id"] == cycle.pk)
    board = selectors.unit_dashboard(cycle.unit, cycle.pk)
    return {
        "average_tpi": branch.average_tpi,
        "wbk_tpi": branch.wbk_tpi,
        "histogram_tpi": histogram["tpi_count"],
        "tpi_average": histogram["tpi_average"],
        "area_tpi": {area.code: area.tpi_share for area in areas if area.tpi_share is not None},
        "calibration_questions": len(by_question),
        "calibration_areas": len(by_area),
        "export_tpi_total": export["tpi_total"],
        "export_tpi_wbk": export["tpi_wbk_eligible"],
        "dashboard_tpi_rows": [row.tpi_value for row in board.areas if row.tpi_value is not None],
        "dashboard_layers": [item.layer for item in board.eligibility],
        "home_wbk_tpi": home._summaries([root], cycle.year)[0].wbk_tpi,
    }


def test_a_cycle_under_tpi_review_counts_in_no_tpi_figure_until_finalised(
    under_review, root_unit, tpi_reviewer
):
    before = figures(root_unit, under_review)

    assert before == {
        "average_tpi": None,
        "wbk_tpi": 0,
        "histogram_tpi": 0,
        "tpi_average": None,
        "area_tpi": {},
        "calibration_questions": 0,
        "calibration_areas": 0,
        "export_tpi_total": None,
        "export_tpi_wbk": None,
        "dashboard_tpi_rows": [],
        "dashboard_layers": [Layer.SELF],
        "home_wbk_tpi": 0,
    }

    accept_all(under_review, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=under_review, by=tpi_reviewer)
    after = figures(root_unit, under_review)

    assert after["average_tpi"] == pytest.approx(99.75)
    assert after["wbk_tpi"] == 1 and after["home_wbk_tpi"] == 1
    assert after["histogram_tpi"] == 1 and after["tpi_average"] == pytest.approx(99.75)
    assert after["area_tpi"]["A.MP"] == pytest.approx(7.75 / 8 * 100)
    assert after["calibration_questions"] == len(
        Framework.objects.current().questions.filter(is_active=True)
    )
    assert after["calibration_areas"] == 8
    assert float(after["export_tpi_total"]) == 99.75 and after["export_tpi_wbk"] is True
    assert len(after["dashboard_tpi_rows"]) == 8
    assert after["dashboard_layers"] == [Layer.SELF, Layer.TPI]


def test_the_pages_say_the_tpi_has_not_judged_yet_and_how_far_it_is(
    under_review, root_unit, tpi_reviewer, client_for
):
    services.review_mark(
        cycle=under_review,
        question=question("A.MP.PMN.i.b"),
        layer=Layer.TPI,
        status="diterima",
        by=tpi_reviewer,
    )
    leader = member(root_unit, Role.VIEWER, "pimpinan")
    client = client_for(leader)

    unit_page = client.get(
        reverse("dashboards:unit", args=[under_review.unit.code])
    ).content.decode()
    portfolio = client.get(
        reverse("dashboards:portfolio", args=[root_unit.code]) + f"?year={under_review.year}"
    ).content.decode()

    assert "TPI belum menilai" in unit_page
    assert "sedang dinilai: 1 dari 113 pertanyaan ditinjau" in unit_page
    assert "99,75" not in unit_page  # the TPI's working figure is not shown as its score
    assert "TPI belum menilai" in portfolio
    assert "belum ada penilaian TPI yang final" in portfolio
