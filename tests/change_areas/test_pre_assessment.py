"""The pre-assessment (penilaian pendahuluan) before the TPI: its own layer and
reviewer, its return rounds, and passing it on to the TPI."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from change_areas import services
from change_areas.models import Answer, Layer, QuestionReview, ReviewStatus, Stage
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    RETURNED,
    accept_all,
    answer_of,
    fresh,
    mark,
    messages,
    notified,
    question,
    return_for_revision,
)


def test_a_pre_assessment_cycle_goes_to_penilaian_pendahuluan_with_the_pre_layer_prefilled(
    pre_cycle, coordinator, pre_reviewer, tpi_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)

    stored = fresh(pre_cycle)
    assert stored.stage == Stage.PENILAIAN_PENDAHULUAN
    assert Answer.objects.filter(cycle=stored, layer=Layer.PRE).count() == QUESTION_COUNT
    assert not Answer.objects.filter(cycle=stored, layer=Layer.TPI).exists()
    assert set(QuestionReview.objects.filter(cycle=stored).values_list("layer", flat=True)) == {
        Layer.PRE
    }
    assert notified(stored, "submit") == {"pre"}
    with pytest.raises(PermissionDenied):  # the TPI waits for the pre-assessment
        mark(stored, RETURNED, tpi_reviewer)


def test_the_pre_reviewer_returns_questions_and_the_resubmission_goes_back_to_it(
    pre_cycle, coordinator, staff, pre_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)

    returned = return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)
    assert (returned.stage, returned.revision_layer) == (Stage.PENILAIAN_PENDAHULUAN, Layer.PRE)
    assert notified(returned, "return") == {"coordinator", "staff"}
    services.answer_save(cycle=returned, question=question(RETURNED), option="Ya", by=staff)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=returned, question=question("A.TL.PMN.i.a"), option="B", by=staff
        )

    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)

    stored = fresh(returned)
    assert (stored.stage, stored.revision_layer) == (Stage.PENILAIAN_PENDAHULUAN, "")
    review = QuestionReview.objects.get(cycle=stored, question__code=RETURNED, layer=Layer.PRE)
    assert (review.status, review.revision_count) == (ReviewStatus.UNCHANGED, 1)
    assert notified(stored, "resubmit") == {"pre"}


def test_passing_pre_assessment_needs_every_pre_review_accepted(
    pre_cycle, coordinator, pre_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)
    mark(pre_cycle, RETURNED, pre_reviewer, layer=Layer.PRE)

    with pytest.raises(ValidationError) as refused:
        services.cycle_pass_pre_assessment(cycle=pre_cycle, by=pre_reviewer)

    assert f"{QUESTION_COUNT} pertanyaan" in messages(refused.value)
    assert fresh(pre_cycle).stage == Stage.PENILAIAN_PENDAHULUAN


def test_passing_pre_assessment_moves_to_evaluasi_tpi_with_the_tpi_layer_prefilled(
    pre_cycle, coordinator, staff, pre_reviewer, tpi_reviewer
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)
    returned = return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)
    services.answer_save(cycle=returned, question=question(RETURNED), option="Tidak", by=staff)
    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)
    accept_all(returned, Layer.PRE, pre_reviewer)

    services.cycle_pass_pre_assessment(cycle=returned, by=pre_reviewer)

    stored = fresh(returned)
    assert stored.stage == Stage.EVALUASI_TPI
    assert stored.pre_passed_at is not None
    tpi = Answer.objects.filter(cycle=stored, layer=Layer.TPI)
    assert tpi.count() == QUESTION_COUNT
    assert answer_of(stored, RETURNED, Layer.TPI).option == "Tidak"  # the unit's revised answer
    assert stored.summary(Layer.TPI)["total"] == float(stored.self_total) == 99.75
    tpi_reviews = QuestionReview.objects.filter(cycle=stored, layer=Layer.TPI)
    assert tpi_reviews.count() == QUESTION_COUNT
    assert set(tpi_reviews.values_list("status", flat=True)) == {ReviewStatus.PENDING}
    assert notified(stored, "submit") == {"pre", "tpi"}
    event = stored.events.get(action="pass_pre")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.PENILAIAN_PENDAHULUAN,
        Stage.EVALUASI_TPI,
        pre_reviewer,
    )
    mark(stored, "A.MP.PMN.i.b", tpi_reviewer)  # the TPI reviews now


def test_a_tpi_reviewer_cannot_pass_the_pre_assessment(pre_cycle, coordinator, tpi_reviewer):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)

    with pytest.raises(PermissionDenied):
        services.cycle_pass_pre_assessment(cycle=pre_cycle, by=tpi_reviewer)

    assert fresh(pre_cycle).stage == Stage.PENILAIAN_PENDAHULUAN
