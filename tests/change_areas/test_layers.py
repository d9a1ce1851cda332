"""The answer layers side by side (self, pre-assessment, TPI, TPN): each kept whole and
scored on its own, who may write which layer and when, and two reviewers on one answer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from change_areas import services
from change_areas.models import Answer, CycleAreaScore, Decision, Layer, Stage
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    RETURNED,
    accept_all,
    answer_of,
    force_stage,
    fresh,
    question,
)

# --------------------------------------------------------------------------
# Layers side by side


def test_submit_prefills_the_tpi_layer_and_leaves_the_self_rows_untouched(
    filled_cycle, coordinator
):
    before = {
        answer.question_id: (answer.pk, answer.version, answer.updated_at, answer.value)
        for answer in Answer.objects.filter(cycle=filled_cycle, layer=Layer.SELF)
    }

    services.cycle_submit(cycle=filled_cycle, by=coordinator)

    own = Answer.objects.filter(cycle=filled_cycle, layer=Layer.SELF)
    assert {
        answer.question_id: (answer.pk, answer.version, answer.updated_at, answer.value)
        for answer in own
    } == before
    tpi = {
        answer.question_id: answer
        for answer in Answer.objects.filter(cycle=filled_cycle, layer="tpi")
    }
    assert len(tpi) == len(before) == QUESTION_COUNT
    assert not {answer.pk for answer in tpi.values()} & {row[0] for row in before.values()}
    for answer in own:
        copy = tpi[answer.question_id]
        assert (copy.option, copy.number, copy.inputs, copy.value) == (
            answer.option,
            answer.number,
            answer.inputs,
            answer.value,
        )
    stored = fresh(filled_cycle)
    assert stored.summary(Layer.TPI)["total"] == float(stored.self_total) == 100
    assert stored.tpi_total is None  # the copy is no TPI judgement: nothing counts before final


def test_tpi_change_never_changes_the_self_layer_and_the_layers_differ_exactly(
    submitted, tpi_reviewer
):
    services.answer_save(
        cycle=submitted,
        question=question(RETURNED),
        layer=Layer.TPI,
        option="Tidak",
        note="SK tim tidak ditemukan",
        by=tpi_reviewer,
    )

    stored = fresh(submitted)
    assert answer_of(stored, RETURNED, Layer.SELF).option == "Ya"
    assert answer_of(stored, RETURNED, Layer.TPI).option == "Tidak"
    # A.MP.PMN.i weighs 0.5 over two questions: (0 + 1) / 2 × 0.5 = 0.25 instead of 0.5
    assert stored.self_total == Decimal("100.0000")
    assert stored.summary(Layer.TPI)["total"] == 99.75
    assert stored.summary(Layer.SELF)["areas"]["A.MP"]["value"] == 8
    assert stored.summary(Layer.TPI)["areas"]["A.MP"]["value"] == 7.75
    assert stored.summary(Layer.TPI)["indicators"]["A.MP.PMN.i"]["value"] == 0.25
    assert stored.summary(Layer.TPI)["parts"]["A.MP.PMN"]["value"] == 3.75
    assert stored.summary(Layer.TPI)["areas"]["A.TL"] == stored.summary(Layer.SELF)["areas"]["A.TL"]
    area_rows = dict(
        CycleAreaScore.objects.filter(cycle=stored, area_code="A.MP").values_list("layer", "value")
    )
    assert area_rows == {"self": Decimal("8.0000")}  # the TPI's rows wait for its final word

    accept_all(stored, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=stored, by=tpi_reviewer)

    final = fresh(stored)
    assert final.tpi_total == Decimal("99.7500")
    area_rows = dict(
        CycleAreaScore.objects.filter(cycle=final, area_code="A.MP").values_list("layer", "value")
    )
    assert area_rows == {"self": Decimal("8.0000"), "tpi": Decimal("7.7500")}


def test_each_layer_keeps_its_own_eligibility(submitted, tpi_reviewer):
    # IPAK 3,00 of 4 → 17,5 × 0,75 = 13,125 < 15,75: the TPI's figures fail WBK
    services.answer_save(
        cycle=submitted, question=question("B.BBA.a.1"), layer=Layer.TPI, number=3, by=tpi_reviewer
    )

    stored = fresh(submitted)
    assert stored.self_wbk_eligible is True
    assert stored.summary(Layer.TPI)["eligibility"]["wbk"]["eligible"] is False
    assert stored.summary(Layer.TPI)["total"] == 95.625
    assert stored.tpi_wbk_eligible is None and stored.tpi_total is None  # not final yet
    failed = stored.summary(Layer.TPI)["eligibility"]["wbk"]["failed"]
    assert {failure["rule"] for failure in failed} == {"ipak", "bersih-akuntabel"}
    assert stored.summary(Layer.SELF)["eligibility"]["wbk"] == {"eligible": True, "failed": []}


# --------------------------------------------------------------------------
# Who may touch which layer


def test_staff_cannot_save_the_tpi_layer(submitted, staff):
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=submitted, question=question(RETURNED), layer=Layer.TPI, option="Tidak", by=staff
        )

    assert answer_of(submitted, RETURNED, Layer.TPI).option == "Ya"


def test_the_unit_cannot_change_its_answers_once_submitted(submitted, staff, coordinator):
    for person in (staff, coordinator):
        with pytest.raises(PermissionDenied):
            services.answer_save(
                cycle=submitted, question=question(RETURNED), option="Tidak", by=person
            )

    assert answer_of(submitted, RETURNED, Layer.SELF).option == "Ya"


def test_the_tpn_layer_is_locked_once_decided(proposed, tpn_reviewer):
    services.cycle_decide(
        cycle=proposed,
        decision=Decision.NOT_AWARDED,
        note="Survei persepsi di bawah ambang.",
        by=tpn_reviewer,
    )

    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=proposed,
            question=question(RETURNED),
            layer=Layer.TPN,
            option="Tidak",
            by=tpn_reviewer,
        )

    assert answer_of(proposed, RETURNED, Layer.TPN).option == "Ya"


def test_tpi_reviewer_cannot_save_the_units_answers(submitted, tpi_reviewer):
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=submitted, question=question(RETURNED), option="Tidak", by=tpi_reviewer
        )

    assert answer_of(submitted, RETURNED, Layer.SELF).option == "Ya"


def test_tpi_reviewer_of_another_province_gets_404_on_saving(submitted, foreign_tpi_reviewer):
    with pytest.raises(Http404):
        services.answer_save(
            cycle=submitted,
            question=question(RETURNED),
            layer=Layer.TPI,
            option="Tidak",
            by=foreign_tpi_reviewer,
        )


def test_tpn_layer_only_by_tpn_reviewers_during_evaluasi_tpn(submitted, tpn_reviewer, tpi_reviewer):
    code = question(RETURNED)
    with pytest.raises(PermissionDenied):  # the TPI is still evaluating
        services.answer_save(
            cycle=submitted, question=code, layer=Layer.TPN, option="Tidak", by=tpn_reviewer
        )

    in_tpn = force_stage(submitted, Stage.EVALUASI_TPN)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=in_tpn, question=code, layer=Layer.TPN, option="Tidak", by=tpi_reviewer
        )
    services.answer_save(cycle=in_tpn, question=code, layer=Layer.TPN, option="Ya", by=tpn_reviewer)

    assert answer_of(in_tpn, RETURNED, Layer.TPN).option == "Ya"
    # (1 + 0) / 2 × 0.5, nothing else yet: the TPN's working figure, counted once decided
    assert fresh(in_tpn).summary(Layer.TPN)["total"] == 0.25
    assert fresh(in_tpn).tpn_total is None


def test_pre_layer_only_by_pre_reviewers_during_penilaian_pendahuluan(
    pre_cycle, coordinator, pre_reviewer, tpi_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=pre_cycle,
            question=question(RETURNED),
            layer=Layer.PRE,
            option="Tidak",
            by=tpi_reviewer,
        )
    services.answer_save(
        cycle=pre_cycle,
        question=question(RETURNED),
        layer=Layer.PRE,
        option="Tidak",
        by=pre_reviewer,
    )
    assert answer_of(pre_cycle, RETURNED, Layer.PRE).option == "Tidak"

    in_tpi = force_stage(pre_cycle, Stage.EVALUASI_TPI)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=in_tpi,
            question=question(RETURNED),
            layer=Layer.PRE,
            option="Ya",
            by=pre_reviewer,
        )


# --------------------------------------------------------------------------
# Two reviewers on one answer


def test_a_second_reviewer_saving_a_stale_version_conflicts_and_the_first_answer_stays(
    submitted, tpi_reviewer, second_reviewer
):
    code = question("A.MP.PMN.i.b")
    seen = answer_of(submitted, "A.MP.PMN.i.b", Layer.TPI).version  # both load version N

    services.answer_save(
        cycle=submitted,
        question=code,
        layer=Layer.TPI,
        option="B",
        by=tpi_reviewer,
        expected_version=seen,
    )
    with pytest.raises(services.AnswerConflict) as clash:
        services.answer_save(
            cycle=submitted,
            question=code,
            layer=Layer.TPI,
            option="C",
            by=second_reviewer,
            expected_version=seen,
        )

    assert clash.value.current.option == "B"
    stored = answer_of(submitted, "A.MP.PMN.i.b", Layer.TPI)
    assert (stored.option, stored.version, stored.updated_by) == ("B", seen + 1, tpi_reviewer)
    # (1 + 0.5) / 2 × 0.5 = 0.375: the TPI total lost 0.125, the self layer nothing
    assert fresh(submitted).summary(Layer.TPI)["total"] == 99.875
    assert fresh(submitted).self_total == Decimal("100.0000")
