"""The tallies kept per subtree follow every write through the services: after each step of
the workflow, a campaign, a move, a deletion, they equal a rebuild from scratch; calibration
counts only finished layers; units keep their descendant counts; the catalog is cached per
revision."""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import data as benchmark_data
from change_areas import scoring, selectors, services, tallies
from change_areas.models import (
    BranchTally,
    CalibrationTally,
    Cycle,
    Decision,
    Layer,
    QuestionOption,
    Stage,
)
from tests.change_areas.helpers import (
    DECREE,
    DECREE_DATE,
    RETURNED,
    accept_all,
    fresh,
    mark,
    meet_prerequisites,
    propose,
    question,
    return_for_revision,
    sptjm_of,
)
from tests.factories import CycleFactory, UnitFactory
from units import services as unit_services
from units.models import Unit, UnitKind
from zi_tracker.dashboards import selectors as dashboards


def assert_same_as_a_rebuild() -> None:
    before = tallies.kept_state()
    tallies.rebuild()
    after = tallies.kept_state()
    assert before[0] == after[0]
    assert before[1] == after[1]
    assert before[2] == after[2]


def figures_of(unit: Unit, cycle: Cycle) -> dict:
    return tallies.subtree_figures(unit, cycle.framework_id, cycle.year)


def test_the_tallies_follow_a_cycle_through_the_whole_workflow(
    filled_cycle,
    coordinator,
    tpi_reviewer,
    instansi_admin,
    tpn_reviewer,
    root_unit,
    province,
    django_capture_on_commit_callbacks,
):
    assert_same_as_a_rebuild()
    whole = figures_of(root_unit, filled_cycle)
    assert whole["cycles"] == 1 and whole["stages"] == {Stage.PEMBANGUNAN: 1}
    assert whole["self"]["sum"] == tallies.units(fresh(filled_cycle).self_total)

    services.cycle_submit(cycle=filled_cycle, by=coordinator)
    assert_same_as_a_rebuild()
    assert figures_of(province, filled_cycle)["stages"] == {Stage.EVALUASI_TPI: 1}

    services.answer_save(
        cycle=fresh(filled_cycle),
        question=question("A.MP.PMN.i.b"),
        layer=Layer.TPI,
        option="C",
        by=tpi_reviewer,
    )
    assert_same_as_a_rebuild()
    assert not CalibrationTally.objects.exists()  # the TPI's layer is not final yet

    accept_all(fresh(filled_cycle), Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=fresh(filled_cycle), by=tpi_reviewer)
    assert_same_as_a_rebuild()
    pairs = tallies.subtree_pairs(root_unit, filled_cycle.framework_id, 2026, "self-tpi")
    changed = pairs[("q", "A.MP.PMN.i.b")]
    assert changed[0] == 1 and changed[4] == 1  # one pair; the unit scored itself higher

    meet_prerequisites(fresh(filled_cycle))
    propose(fresh(filled_cycle), instansi=root_unit, sptjm=sptjm_of(root_unit), by=instansi_admin)
    assert_same_as_a_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_decide(
            cycle=fresh(filled_cycle),
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=tpn_reviewer,
        )
    assert_same_as_a_rebuild()
    assert figures_of(root_unit, filled_cycle)["stages"] == {Stage.KEPUTUSAN: 1}
    assert tallies.subtree_pairs(root_unit, filled_cycle.framework_id, 2026, "tpi-tpn")


def tpi_share(root: Unit, cycle: Cycle) -> dict:
    """What the kept sums say about the TPI over the subtree: its entry, its area values,
    its calibration pairs with the unit's layer, and the portfolio's TPI average."""
    whole = figures_of(root, cycle)
    summary = dashboards.portfolio_summary(
        root,
        dashboards.PortfolioFilters(year=cycle.year, framework=cycle.framework),
        dashboards.scored_areas(cycle.framework),
    )
    return {
        "tpi": whole.get(Layer.TPI),
        "areas": sorted((whole.get("areas") or {}).get(Layer.TPI, {})),
        "pairs": len(tallies.subtree_pairs(root, cycle.framework_id, cycle.year, "self-tpi")),
        "average": summary.distribution["tpi_average"],
        "wbk": summary.total.wbk_tpi,
    }


def test_a_tpi_layer_enters_the_tallies_exactly_when_it_is_finalised(
    submitted, tpi_reviewer, root_unit
):
    # The TPI layer is prefilled and scored down on one question: a working state only.
    services.answer_save(
        cycle=fresh(submitted),
        question=question("A.MP.PMN.i.a"),
        layer=Layer.TPI,
        option="Tidak",
        by=tpi_reviewer,
    )
    accept_all(fresh(submitted), Layer.TPI, tpi_reviewer)
    working = fresh(submitted)
    assert working.summary(Layer.TPI)["total"] == pytest.approx(99.75)  # kept, not counted
    assert tpi_share(root_unit, working) == {
        "tpi": None, "areas": [], "pairs": 0, "average": None, "wbk": 0,
    }  # fmt: skip
    assert_same_as_a_rebuild()

    services.cycle_finalise_tpi(cycle=working, by=tpi_reviewer)
    final = fresh(submitted)
    after = tpi_share(root_unit, final)
    assert after["tpi"]["n"] == 1
    assert after["tpi"]["sum"] == tallies.units(final.tpi_total) == tallies.units("99.75")
    assert after["areas"] == sorted(final.summary(Layer.TPI)["areas"])
    assert after["pairs"] > 0
    assert after["average"] == pytest.approx(99.75) and after["wbk"] == 1
    assert_same_as_a_rebuild()


def test_the_tallies_equal_a_rebuild_through_a_review_in_rounds(
    submitted, coordinator, tpi_reviewer, root_unit
):
    def check(*, final: bool) -> None:
        assert_same_as_a_rebuild()
        share = tpi_share(root_unit, submitted)
        assert (share["tpi"] is not None) is final
        assert bool(share["pairs"]) is final

    check(final=False)
    # Round 1: one question returned; the unit changes its answer and hands it back.
    return_for_revision(fresh(submitted), tpi_reviewer)
    check(final=False)
    services.answer_save(
        cycle=fresh(submitted),
        question=question(RETURNED),
        option="Tidak",
        by=coordinator,
    )
    check(final=False)
    services.cycle_resubmit(cycle=fresh(submitted), by=coordinator)
    check(final=False)
    # Round 2: returned again, handed back unchanged (confirmed).
    mark(fresh(submitted), RETURNED, tpi_reviewer)
    services.cycle_return(cycle=fresh(submitted), layer=Layer.TPI, by=tpi_reviewer)
    check(final=False)
    services.cycle_resubmit(cycle=fresh(submitted), by=coordinator, confirm_unchanged=True)
    check(final=False)
    # The TPI scores the changed answer, accepts everything and finalises.
    services.answer_save(
        cycle=fresh(submitted),
        question=question(RETURNED),
        layer=Layer.TPI,
        option="Tidak",
        by=tpi_reviewer,
    )
    accept_all(fresh(submitted), Layer.TPI, tpi_reviewer)
    check(final=False)
    services.cycle_finalise_tpi(cycle=fresh(submitted), by=tpi_reviewer)
    check(final=True)
    cycle = fresh(submitted)
    self_sum = figures_of(root_unit, cycle)[Layer.SELF]["sum"]
    assert self_sum == tallies.units(cycle.self_total)  # the unit's changed answer counted


def test_a_campaign_a_move_and_a_deleted_cycle_keep_the_tallies_right(
    root_unit, province, unit, other_unit, framework
):
    second = UnitFactory(code="PROV2", parent=root_unit, kind=UnitKind.INSTANSI_VERTIKAL)
    for number in range(3):
        UnitFactory(code=f"PROV2-{number}", parent=second)
    services.campaign_open(
        root=root_unit,
        framework=framework,
        year=2026,
        name="ZI 2026",
        fill_opens=datetime.date(2026, 2, 1),
        fill_closes=datetime.date(2026, 5, 31),
        review_opens=datetime.date(2026, 6, 1),
        review_closes=datetime.date(2026, 7, 31),
    )
    assert_same_as_a_rebuild()
    cycle = Cycle.objects.get(unit=unit)
    services.answers_save_many(
        cycle=cycle,
        layer=Layer.SELF,
        answers={"A.MP.PMN.i.a": (scoring.AnswerData(option="Ya"), "")},
    )
    assert figures_of(root_unit, cycle)["cycles"] == Cycle.objects.count() == 7

    unit_services.unit_move(unit=unit, new_parent=second)
    assert_same_as_a_rebuild()
    assert figures_of(fresh(cycle).unit, cycle)["cycles"] == 1
    assert figures_of(Unit.objects.get(pk=second.pk), cycle)["cycles"] == 5
    assert figures_of(Unit.objects.get(pk=province.pk), cycle)["cycles"] == 2

    Cycle.objects.filter(unit=other_unit).delete()
    assert_same_as_a_rebuild()
    assert figures_of(Unit.objects.get(pk=province.pk), cycle)["cycles"] == 1


def test_units_keep_their_descendant_and_province_counts_through_every_change(root_unit, province):
    leaf = UnitFactory(code="LEAF", parent=province, province="Aceh")
    UnitFactory(code="LEAF-1", parent=leaf, province="Aceh")
    UnitFactory(code="LEAF-2", parent=leaf, province="Bali")
    other = UnitFactory(code="ELSE", parent=root_unit)

    def counts() -> dict[str, tuple[int, dict]]:
        return {
            code: (below, provinces)
            for code, below, provinces in Unit.objects.values_list(
                "code", "descendant_count", "province_counts"
            )
        }

    def actual() -> dict[str, tuple[int, dict]]:
        result = {}
        for unit in Unit.objects.all():
            subtree = Unit.objects.filter(path__startswith=unit.path)
            provinces = Counter(subtree.exclude(province="").values_list("province", flat=True))
            result[unit.code] = (subtree.count() - 1, dict(provinces))
        return result

    assert counts() == actual() and counts()["KL"][0] == 5
    assert counts()["KL"][1]["Aceh"] == 2 and counts()["KL"][1]["Bali"] == 1
    unit_services.unit_update(unit=Unit.objects.get(code="LEAF-2"), province="Aceh")
    unit_services.unit_update(unit=Unit.objects.get(code="LEAF"), name="Kantor Daun")
    assert counts() == actual() and "Bali" not in counts()["KL"][1]
    unit_services.unit_move(unit=Unit.objects.get(pk=leaf.pk), new_parent=other)
    assert counts() == actual() and counts()["PROV"][0] == 0 and counts()["ELSE"][0] == 3
    assert counts()["ELSE"][1] == {"Aceh": 3, "Papua Barat Daya": 1}
    unit_services.unit_delete(unit=Unit.objects.get(code="LEAF"))
    assert counts() == actual() and counts()["KL"][0] == 2


def test_the_portfolio_offers_the_provinces_of_its_subtree_without_a_query(
    root_unit, province, django_assert_num_queries
):
    UnitFactory(code="LEAF", parent=province, province="Bali")
    root = Unit.objects.get(pk=root_unit.pk)
    with django_assert_num_queries(0):
        offered = dashboards.provinces_in(root)
    assert offered == sorted(
        set(Unit.objects.exclude(province="").values_list("province", flat=True))
    )
    assert "Bali" in offered


def test_calibration_counts_only_layers_that_are_final(submitted, tpi_reviewer, root_unit):
    cycle = fresh(submitted)
    services.answer_save(
        cycle=cycle,
        question=question("A.MP.PMN.i.b"),
        layer=Layer.TPI,
        option="C",
        by=tpi_reviewer,
    )
    # The TPI's layer is only its pre-filled copy and one change: nothing to compare yet.
    assert tallies.subtree_pairs(root_unit, cycle.framework_id, 2026, "self-tpi") == {}

    accept_all(cycle, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=cycle, by=tpi_reviewer)
    pairs = tallies.subtree_pairs(root_unit, cycle.framework_id, 2026, "self-tpi")
    # Every answered question once, compared as the two layers stand at finalisation.
    expected = set(
        cycle.answers.filter(layer=Layer.SELF, value__isnull=False).values_list(
            "question__code", flat=True
        )
    )
    assert {code for kind, code in pairs if kind == "q"} == expected
    assert all(values[0] == 1 for values in pairs.values())
    # The unit's own cycle is read from its answers: the same pairs from the unit itself.
    assert tallies.subtree_pairs(cycle.unit, cycle.framework_id, 2026, "self-tpi") == pairs


def test_the_benchmark_seed_writes_the_tallies_a_rebuild_computes(catalogs):
    benchmark_data.seed(units=60, years=2, log=lambda message: None)
    assert BranchTally.objects.exists() and CalibrationTally.objects.exists()
    assert_same_as_a_rebuild()


def test_the_catalog_is_read_once_per_revision(framework, django_assert_num_queries):
    spec = selectors.catalog_spec(framework)
    with django_assert_num_queries(0):
        assert selectors.catalog_spec(framework) is spec

    option = QuestionOption.objects.get(code="A.MP.PMN.i.a:Ya", framework=framework)
    option.value = "0.5000"
    option.save()  # an admin's edit gives the framework a new revision
    framework.refresh_from_db()
    changed = selectors.catalog_spec(framework)
    assert changed is not spec
    assert next(q for q in changed.questions if q.code == "A.MP.PMN.i.a").options["Ya"] == 0.5


@pytest.mark.parametrize("size", [1, 30])
def test_saving_an_answer_touches_the_same_tally_rows_whatever_the_subtree(
    size, root_unit, province, framework
):
    for number in range(size):
        CycleFactory(unit=UnitFactory(code=f"MANY-{number}", parent=province))
    cycle = CycleFactory(unit=UnitFactory(code="ME", parent=province))
    with CaptureQueriesContext(connection) as captured:
        services.answer_save(cycle=cycle, question=question("A.MP.PMN.i.a"), option="Ya")
    touched = [query["sql"] for query in captured if "branchtally" in query["sql"]]
    assert len(touched) == 2  # the ancestors' rows locked, then one UPDATE


def test_the_command_checks_and_rebuilds_the_tallies(filled_cycle):
    out = io.StringIO()
    call_command("rebuild_tallies", "--check", stdout=out)
    assert "sama dengan hitungan ulang" in out.getvalue()

    BranchTally.objects.update(figures={})  # written past the services
    with pytest.raises(CommandError, match="berbeda dari hitungan ulang"):
        call_command("rebuild_tallies", "--check", stdout=io.StringIO())
    call_command("rebuild_tallies", stdout=out)
    assert "Ringkasan dihitung ulang: " in out.getvalue()
    assert tallies.matches_a_rebuild()


def open_recommendations(root: Unit, year: int, framework) -> tuple[dict, dict]:
    """Open recommendations per portfolio row (by path) as the kept sums say, and as the rows
    themselves say."""
    filters = dashboards.PortfolioFilters(year=year, framework=framework)
    kept = dashboards.portfolio_summary(root, filters, dashboards.scored_areas(framework))
    counted = dashboards.rollup(root, filters)  # what filtered pages read: the rows
    return (
        {row.path: row.open_recommendations for row in kept.rollup if row.open_recommendations},
        {row.path: row.open_recommendations for row in counted if row.open_recommendations},
    )


def test_open_recommendations_are_kept_per_year_and_counted_once_their_layer_is_final(
    submitted, tpi_reviewer, staff, root_unit, province
):
    def recommend(text: str):
        return services.recommendation_add(
            cycle=fresh(submitted), layer=Layer.TPI, text=text, by=tpi_reviewer
        )

    def waiting(year: int = 2026) -> dict:
        kept, counted = open_recommendations(root_unit, year, submitted.framework)
        assert kept == counted
        assert_same_as_a_rebuild()
        return kept

    first, second = recommend("Susun SOP pengaduan."), recommend("Bentuk tim survei.")
    assert fresh(submitted).open_recommendations == {Layer.TPI: 2}
    assert waiting() == {}  # the TPI's layer is not final: nothing counts yet

    accept_all(fresh(submitted), Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=fresh(submitted), by=tpi_reviewer)
    assert waiting() == {province.path: 2}
    assert waiting(2027) == {province.path: 2}  # still open a year later
    assert waiting(2025) == {}  # not yet there the year before

    services.follow_up_report(recommendation=first, note="SOP disusun.", by=staff)
    services.follow_up_verdict(
        recommendation=first, done=False, note="Belum ditetapkan.", by=tpi_reviewer
    )
    assert waiting() == {province.path: 2}  # judged not done: still open
    services.follow_up_report(recommendation=first, note="SOP ditetapkan.", by=staff)
    services.follow_up_verdict(recommendation=first, done=True, by=tpi_reviewer)
    assert waiting() == {province.path: 1}
    assert fresh(submitted).open_recommendations == {Layer.TPI: 1}

    services.recommendation_delete(recommendation=second, by=tpi_reviewer)
    assert waiting() == {}
    assert fresh(submitted).open_recommendations == {}


def test_the_portfolio_reads_open_recommendations_in_the_same_queries_at_any_size(
    submitted, tpi_reviewer, root_unit, django_assert_num_queries
):
    services.recommendation_add(cycle=fresh(submitted), layer=Layer.TPI, text="A", by=tpi_reviewer)
    accept_all(fresh(submitted), Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=fresh(submitted), by=tpi_reviewer)
    filters = dashboards.PortfolioFilters(year=2026, framework=submitted.framework)
    areas = dashboards.scored_areas(submitted.framework)
    root = Unit.objects.get(pk=root_unit.pk)
    with CaptureQueriesContext(connection) as small:
        dashboards.portfolio_summary(root, filters, areas)
    for number in range(20):
        branch = UnitFactory(code=f"CAB{number}", parent=root, kind=UnitKind.INSTANSI_VERTIKAL)
        CycleFactory(unit=branch, filled=True, year=2025 + number % 2)
    root = Unit.objects.get(pk=root_unit.pk)
    with django_assert_num_queries(len(small)):
        summary = dashboards.portfolio_summary(root, filters, areas)
    assert summary.total.open_recommendations == 1
