"""The review workflow as services (`change_areas.workflow`): layers side by side, submit,
question-level review, return and resubmit, comments, finalisation, who may touch which
layer, concurrency, pre-assessment, proposal, decision and predicates, the stage history,
and LKE files per layer.
"""

from __future__ import annotations

import csv
import datetime
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from change_areas import selectors, services, workflow
from change_areas.models import (
    Answer,
    Comment,
    Cycle,
    CycleAreaScore,
    CycleEvent,
    Decision,
    Layer,
    Notification,
    PredicateAward,
    Proposal,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    RETURNED,
    accept_all,
    answer_of,
    force_stage,
    fresh,
    mark,
    meet_prerequisites,
    messages,
    notified,
    propose,
    question,
    recipients,
    return_for_revision,
    run,
    sptjm_of,
)
from tests.factories import (
    AnswerFactory,
    CycleFactory,
    PredicateAwardFactory,
    member,
)
from units.models import Role

# --------------------------------------------------------------------------
# 1. Layers side by side


def test_submit_prefills_the_tpi_layer_and_leaves_the_self_rows_untouched(
    filled_cycle, coordinator
):
    before = {
        answer.question_id: (answer.pk, answer.version, answer.updated_at, answer.value)
        for answer in Answer.objects.filter(cycle=filled_cycle, layer=Layer.SELF)
    }

    workflow.cycle_submit(cycle=filled_cycle, by=coordinator)

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
    assert stored.tpi_total == stored.self_total == Decimal("100.0000")


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
    assert stored.tpi_total == Decimal("99.7500")
    assert stored.summary(Layer.SELF)["areas"]["A.MP"]["value"] == 8
    assert stored.summary(Layer.TPI)["areas"]["A.MP"]["value"] == 7.75
    assert stored.summary(Layer.TPI)["indicators"]["A.MP.PMN.i"]["value"] == 0.25
    assert stored.summary(Layer.TPI)["parts"]["A.MP.PMN"]["value"] == 3.75
    assert stored.summary(Layer.TPI)["areas"]["A.TL"] == stored.summary(Layer.SELF)["areas"]["A.TL"]
    area_rows = dict(
        CycleAreaScore.objects.filter(cycle=stored, area_code="A.MP").values_list("layer", "value")
    )
    assert area_rows == {"self": Decimal("8.0000"), "tpi": Decimal("7.7500")}


def test_each_layer_keeps_its_own_eligibility(submitted, tpi_reviewer):
    # IPAK 3,00 of 4 → 17,5 × 0,75 = 13,125 < 15,75: the TPI's figures fail WBK
    services.answer_save(
        cycle=submitted, question=question("B.BBA.a.1"), layer=Layer.TPI, number=3, by=tpi_reviewer
    )

    stored = fresh(submitted)
    assert stored.self_wbk_eligible is True
    assert stored.tpi_wbk_eligible is False
    assert stored.tpi_total == Decimal("95.6250")
    failed = stored.summary(Layer.TPI)["eligibility"]["wbk"]["failed"]
    assert {failure["rule"] for failure in failed} == {"ipak", "bersih-akuntabel"}
    assert stored.summary(Layer.SELF)["eligibility"]["wbk"] == {"eligible": True, "failed": []}


# --------------------------------------------------------------------------
# 2. Submit


@pytest.mark.parametrize("role", ["coordinator", "unit_admin"])
def test_coordinator_and_unit_admin_may_submit(filled_cycle, request, role):
    workflow.cycle_submit(cycle=filled_cycle, by=request.getfixturevalue(role))

    assert fresh(filled_cycle).stage == Stage.EVALUASI_TPI


@pytest.mark.parametrize("role", ["staff", "viewer", "tpi_reviewer", "tpn_reviewer"])
def test_people_without_the_submit_right_may_not_submit(cycle, request, role):
    with pytest.raises(PermissionDenied):
        workflow.cycle_submit(cycle=cycle, by=request.getfixturevalue(role))

    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (Stage.PEMBANGUNAN, None)


def test_outsider_submitting_gets_404(cycle, outsider):
    with pytest.raises(Http404):
        workflow.cycle_submit(cycle=cycle, by=outsider)


def test_submit_with_unanswered_pengungkit_questions_is_refused_with_the_count(
    unit, coordinator, tpi_reviewer
):
    cycle = CycleFactory(
        unit=unit, filled=True, leave_out=("A.MP.PMN.i.a", "A.TL.PMN.i.a", "A.PW.RFM.i.a")
    )
    events = cycle.events.count()

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_submit(cycle=cycle, by=coordinator)

    assert "3 pertanyaan pengungkit" in messages(refused.value)
    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (Stage.PEMBANGUNAN, None)
    assert not Answer.objects.filter(cycle=cycle).exclude(layer=Layer.SELF).exists()
    assert not QuestionReview.objects.filter(cycle=cycle).exists()
    assert not Notification.objects.exists()
    assert cycle.events.count() == events


def test_submit_from_penilaian_mandiri_moves_to_evaluasi_tpi(filled_cycle, coordinator):
    filled_cycle = force_stage(filled_cycle, Stage.PENILAIAN_MANDIRI)

    workflow.cycle_submit(cycle=filled_cycle, by=coordinator)

    event = filled_cycle.events.get(action="submit")
    assert (event.stage_before, event.stage_after) == (Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI)


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (Stage.PENILAIAN_PENDAHULUAN, "Penilaian pendahuluan"),
        (Stage.EVALUASI_TPI, "Evaluasi TPI"),
        (Stage.PERBAIKAN, "Perbaikan oleh unit"),
        (Stage.PENGUSULAN, "Menunggu pengusulan ke TPN"),
        (Stage.EVALUASI_TPN, "Evaluasi TPN"),
        (Stage.KEPUTUSAN, "Keputusan"),
    ],
)
def test_submit_from_a_later_stage_is_refused_naming_the_stage(cycle, coordinator, stage, label):
    cycle = force_stage(cycle, stage)

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_submit(cycle=cycle, by=coordinator)

    assert f"tahap {label}" in messages(refused.value)
    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (stage, None)
    assert not Answer.objects.filter(cycle=cycle, layer=Layer.TPI).exists()


def test_submit_stamps_the_time_opens_a_pending_review_per_question_and_records_the_event(
    filled_cycle, coordinator
):
    started = timezone.now()

    workflow.cycle_submit(cycle=filled_cycle, by=coordinator)

    stored = fresh(filled_cycle)
    assert stored.stage == Stage.EVALUASI_TPI
    assert started <= stored.submitted_at <= timezone.now()
    reviews = QuestionReview.objects.filter(cycle=filled_cycle)
    assert reviews.count() == QUESTION_COUNT
    assert set(reviews.values_list("layer", "status")) == {(Layer.TPI, ReviewStatus.PENDING)}
    assert set(reviews.values_list("question_id", flat=True)) == set(
        Question.objects.filter(framework=filled_cycle.framework, is_active=True).values_list(
            "pk", flat=True
        )
    )
    event = filled_cycle.events.get(action="submit")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.PEMBANGUNAN,
        Stage.EVALUASI_TPI,
        coordinator,
    )
    assert started <= event.created_at <= timezone.now()
    assert stored.history.filter(history_change_reason="submit").get().history_user == coordinator


def test_submit_notifies_the_tpi_reviewers_covering_the_unit_in_app_and_by_mail(
    filled_cycle,
    coordinator,
    tpi_reviewer,
    tpn_reviewer,
    staff,
    province,
    other_unit,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    member(province, Role.TPI_REVIEWER, "tpi-provinsi")
    member(other_unit, Role.TPI_REVIEWER, "tpi-satker-lain")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.cycle_submit(cycle=filled_cycle, by=coordinator)

    assert notified(filled_cycle, "submit") == {"tpi", "tpi-provinsi"}
    assert Notification.objects.count() == 2
    notice = Notification.objects.get(user=tpi_reviewer)
    assert "Satker Contoh" in notice.message and "2026" in notice.message
    assert notice.url == f"/siklus/{filled_cycle.pk}/tinjau/tpi/area/A.MP/"
    assert recipients(mailoutbox) == ["tpi-provinsi@example.go.id", "tpi@example.go.id"]
    assert all("Satker Contoh" in message.subject for message in mailoutbox)
    assert all(notice.url in message.body for message in mailoutbox)


# --------------------------------------------------------------------------
# 3. Question-level review


def test_reviewer_accepts_a_question(submitted, tpi_reviewer):
    review = workflow.review_mark(
        cycle=submitted,
        question=question("A.MP.PMN.i.b"),
        layer=Layer.TPI,
        status=ReviewStatus.ACCEPTED,
        by=tpi_reviewer,
    )

    stored = QuestionReview.objects.get(pk=review.pk)
    assert (stored.status, stored.reviewed_by) == (ReviewStatus.ACCEPTED, tpi_reviewer)
    assert stored.reviewed_at is not None


def test_perlu_perbaikan_is_stored_with_its_reason(submitted, tpi_reviewer):
    mark(submitted, RETURNED, tpi_reviewer, reason="  Lampirkan SK yang ditandatangani  ")

    stored = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED, layer="tpi")
    assert (stored.status, stored.reason) == (
        ReviewStatus.NEEDS_REVISION,
        "Lampirkan SK yang ditandatangani",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_perlu_perbaikan_without_a_reason_is_refused(submitted, tpi_reviewer, reason):
    with pytest.raises(ValidationError) as refused:
        mark(submitted, RETURNED, tpi_reviewer, reason=reason)

    assert "alasan" in messages(refused.value)
    stored = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED, layer="tpi")
    assert stored.status == ReviewStatus.PENDING


def test_unknown_review_status_is_refused(submitted, tpi_reviewer):
    with pytest.raises(ValidationError):
        workflow.review_mark(
            cycle=submitted,
            question=question(RETURNED),
            layer=Layer.TPI,
            status=ReviewStatus.REVISED,
            by=tpi_reviewer,
        )


@pytest.mark.parametrize("role", ["staff", "coordinator", "viewer", "tpn_reviewer"])
def test_only_tpi_reviewers_mark_questions(submitted, request, role):
    with pytest.raises(PermissionDenied):
        mark(submitted, RETURNED, request.getfixturevalue(role))

    assert not QuestionReview.objects.filter(cycle=submitted).exclude(status="menunggu").exists()


@pytest.mark.parametrize("role", ["outsider", "foreign_tpi_reviewer"])
def test_reviewers_and_people_outside_the_scope_get_404_on_marking(submitted, request, role):
    with pytest.raises(Http404):
        mark(submitted, RETURNED, request.getfixturevalue(role))


def test_marks_only_during_evaluasi_tpi(returned, tpi_reviewer):
    with pytest.raises(PermissionDenied):  # the cycle is with the unit (perbaikan)
        mark(returned, "A.MP.PMN.i.b", tpi_reviewer)


def test_marks_before_submission_are_refused(filled_cycle, tpi_reviewer):
    with pytest.raises(PermissionDenied):
        mark(filled_cycle, RETURNED, tpi_reviewer)


@pytest.fixture
def windowed(unit, coordinator, tpi_reviewer) -> Cycle:
    """Submitted, with the TPI's review window in July 2026."""
    cycle = CycleFactory(
        unit=unit,
        filled=True,
        review_opens=datetime.date(2026, 7, 1),
        review_closes=datetime.date(2026, 7, 31),
    )
    workflow.cycle_submit(cycle=cycle, by=coordinator)
    return fresh(cycle)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 6, 15), "baru dibuka pada Rabu, 1 Juli 2026"),
        (datetime.date(2026, 8, 3), "ditutup sejak Jumat, 31 Juli 2026"),
    ],
)
def test_marks_outside_the_review_window_are_refused_with_the_date(
    windowed, tpi_reviewer, today, expected
):
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        with pytest.raises(PermissionDenied) as refused:
            mark(windowed, RETURNED, tpi_reviewer)
        with pytest.raises(PermissionDenied):
            accept_all(windowed, Layer.TPI, tpi_reviewer)

    assert expected in str(refused.value)
    assert not QuestionReview.objects.filter(cycle=windowed).exclude(status="menunggu").exists()


def test_marks_within_the_review_window_are_allowed(windowed, tpi_reviewer):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 7, 31)):
        mark(windowed, RETURNED, tpi_reviewer)

    assert QuestionReview.objects.filter(cycle=windowed, status="perlu_perbaikan").count() == 1


def test_accept_open_accepts_pending_and_revised_questions_of_the_given_areas_only(
    returned, coordinator, tpi_reviewer
):
    workflow.cycle_resubmit(cycle=returned, by=coordinator)  # RETURNED is now diperbaiki
    mark(returned, "A.MP.PMN.i.b", tpi_reviewer)
    QuestionReview.objects.filter(cycle=returned).exclude(
        question__code__in=[RETURNED, "A.MP.PMN.i.b"]
    ).update(status=ReviewStatus.PENDING)

    count = workflow.review_accept_open(
        cycle=returned, layer=Layer.TPI, area_codes=["A.MP"], by=tpi_reviewer
    )

    statuses = dict(
        QuestionReview.objects.filter(cycle=returned).values_list("question__code", "status")
    )
    mp = [code for code in statuses if code.startswith("A.MP.")]
    assert count == len(mp) - 1
    assert statuses[RETURNED] == ReviewStatus.ACCEPTED
    assert statuses["A.MP.PMN.i.b"] == ReviewStatus.NEEDS_REVISION
    assert {statuses[code] for code in mp if code != "A.MP.PMN.i.b"} == {ReviewStatus.ACCEPTED}
    assert {status for code, status in statuses.items() if not code.startswith("A.MP.")} == {
        ReviewStatus.PENDING
    }


# --------------------------------------------------------------------------
# 4. Return for revision and resubmit


def test_return_needs_a_question_marked_perlu_perbaikan(submitted, tpi_reviewer):
    accept_all(submitted, Layer.TPI, tpi_reviewer)

    with pytest.raises(ValidationError):
        workflow.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

    stored = fresh(submitted)
    assert (stored.stage, stored.revision_layer) == (Stage.EVALUASI_TPI, "")
    assert not stored.events.filter(action="return").exists()


def test_return_moves_to_perbaikan_and_tells_the_unit_team_the_codes(
    submitted, tpi_reviewer, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    mark(submitted, RETURNED, tpi_reviewer)
    mark(submitted, "A.PW.PMN.i.a", tpi_reviewer, reason="Dokumen kurang")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

    stored = fresh(submitted)
    assert (stored.stage, stored.revision_layer) == (Stage.PERBAIKAN, Layer.TPI)
    assert notified(stored, "return") == {"coordinator", "staff"}
    for notice in Notification.objects.filter(verb="return"):
        assert RETURNED in notice.message and "A.PW.PMN.i.a" in notice.message
    assert recipients(mailoutbox) == ["coordinator@example.go.id", "staff@example.go.id"]
    assert all(RETURNED in message.body for message in mailoutbox)
    event = stored.events.get(action="return")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.EVALUASI_TPI,
        Stage.PERBAIKAN,
        tpi_reviewer,
    )


def test_during_perbaikan_the_unit_saves_only_the_returned_questions(returned, staff):
    services.answer_save(
        cycle=returned, question=question(RETURNED), option="Ya", note="SK terlampir", by=staff
    )
    assert answer_of(returned, RETURNED, Layer.SELF).note == "SK terlampir"

    with pytest.raises(PermissionDenied) as refused:
        services.answer_save(
            cycle=returned, question=question("A.MP.PMN.i.b"), option="C", by=staff
        )

    assert "terkunci" in str(refused.value)
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.SELF).option == "A"


def test_staff_cannot_resubmit(returned, staff):
    with pytest.raises(PermissionDenied):
        workflow.cycle_resubmit(cycle=returned, by=staff)

    assert fresh(returned).stage == Stage.PERBAIKAN


def test_resubmit_marks_the_returned_questions_diperbaiki_and_returns_to_the_tpi(
    returned, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.cycle_resubmit(cycle=returned, by=coordinator)

    stored = fresh(returned)
    assert (stored.stage, stored.revision_layer) == (Stage.EVALUASI_TPI, "")
    review = QuestionReview.objects.get(cycle=stored, question__code=RETURNED, layer="tpi")
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)
    others = QuestionReview.objects.filter(cycle=stored).exclude(question__code=RETURNED)
    assert set(others.values_list("status", "revision_count")) == {(ReviewStatus.ACCEPTED, 0)}
    assert notified(stored, "resubmit") == {"tpi"}
    assert recipients(mailoutbox) == ["tpi@example.go.id"]
    event = stored.events.get(action="resubmit")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.PERBAIKAN,
        Stage.EVALUASI_TPI,
        coordinator,
    )


def test_a_second_round_counts_two_revisions(returned, coordinator, tpi_reviewer):
    workflow.cycle_resubmit(cycle=returned, by=coordinator)
    mark(returned, RETURNED, tpi_reviewer, reason="Masih belum ditandatangani")
    workflow.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
    assert fresh(returned).stage == Stage.PERBAIKAN

    workflow.cycle_resubmit(cycle=returned, by=coordinator)

    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED, layer="tpi")
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 2)
    assert list(
        returned.events.filter(action__in=["return", "resubmit"]).values_list("action", flat=True)
    ) == ["return", "resubmit", "return", "resubmit"]


# --------------------------------------------------------------------------
# 5. Comment thread


def test_unit_and_tpi_write_on_one_thread_with_their_sides(submitted, staff, tpi_reviewer):
    workflow.comment_add(
        cycle=submitted, question=question(RETURNED), body="SK ada di bukti dukung.", by=staff
    )
    workflow.comment_add(
        cycle=submitted,
        question=question(RETURNED),
        body="SK belum bertanda tangan.",
        by=tpi_reviewer,
    )

    thread = Comment.objects.filter(cycle=submitted, question__code=RETURNED)
    assert [(c.author, c.author_side, c.body) for c in thread] == [
        (staff, Layer.SELF, "SK ada di bukti dukung."),
        (tpi_reviewer, Layer.TPI, "SK belum bertanda tangan."),
    ]


def test_the_other_side_is_notified_of_a_comment(
    submitted, staff, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.comment_add(
            cycle=submitted, question=question(RETURNED), body="Mohon dicek lagi.", by=staff
        )
    assert notified(submitted, "comment") == {"tpi"}
    assert recipients(mailoutbox) == ["tpi@example.go.id"]
    assert RETURNED in mailoutbox[0].subject

    Notification.objects.all().delete()
    workflow.comment_add(
        cycle=submitted, question=question(RETURNED), body="Sudah kami cek.", by=tpi_reviewer
    )
    assert notified(submitted, "comment") == {"staff", "coordinator"}


def test_a_unit_comment_during_pre_assessment_notifies_the_pre_reviewer(
    pre_cycle, coordinator, staff, pre_reviewer, tpi_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)
    Notification.objects.all().delete()

    workflow.comment_add(
        cycle=pre_cycle, question=question(RETURNED), body="Mohon arahan.", by=staff
    )

    assert notified(pre_cycle, "comment") == {"pre"}


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001])
def test_empty_or_too_long_comments_are_refused(submitted, staff, body):
    with pytest.raises(ValidationError):
        workflow.comment_add(cycle=submitted, question=question(RETURNED), body=body, by=staff)

    assert not Comment.objects.exists()


def test_a_comment_of_5000_characters_is_kept_whole(submitted, staff):
    workflow.comment_add(cycle=submitted, question=question(RETURNED), body="x" * 5000, by=staff)

    assert len(Comment.objects.get().body) == 5000


def test_a_viewer_may_not_comment_and_an_outsider_gets_404(submitted, viewer, outsider):
    with pytest.raises(PermissionDenied):
        workflow.comment_add(cycle=submitted, question=question(RETURNED), body="Bagus", by=viewer)
    with pytest.raises(Http404):
        workflow.comment_add(
            cycle=submitted, question=question(RETURNED), body="Bagus", by=outsider
        )

    assert not Comment.objects.exists()


def test_a_question_of_another_framework_cannot_carry_a_comment(submitted, staff, catalogs):
    legacy = Question.objects.filter(framework__code="permenpan-rb-52-2014").first()

    with pytest.raises(ValidationError):
        workflow.comment_add(cycle=submitted, question=legacy, body="Salah LKE", by=staff)


# --------------------------------------------------------------------------
# 6. Finalise


def test_finalise_is_refused_while_questions_are_not_accepted(submitted, tpi_reviewer):
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    mark(submitted, RETURNED, tpi_reviewer)
    QuestionReview.objects.filter(cycle=submitted, question__code="A.TL.PMN.i.a").update(
        status=ReviewStatus.PENDING
    )

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

    assert "2 pertanyaan" in messages(refused.value)
    stored = fresh(submitted)
    assert (stored.stage, stored.tpi_finalised_at) == (Stage.EVALUASI_TPI, None)


def test_finalise_moves_to_pengusulan_and_tells_the_unit_team(
    submitted,
    tpi_reviewer,
    coordinator,
    staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    started = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

    stored = fresh(submitted)
    assert stored.stage == Stage.PENGUSULAN
    assert started <= stored.tpi_finalised_at <= timezone.now()
    assert notified(stored, "finalise") == {"coordinator", "staff"}
    assert "100,00" in Notification.objects.filter(verb="finalise").first().message
    assert recipients(mailoutbox) == ["coordinator@example.go.id", "staff@example.go.id"]
    event = stored.events.get(action="finalise_tpi")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.EVALUASI_TPI,
        Stage.PENGUSULAN,
        tpi_reviewer,
    )


@pytest.mark.parametrize("role", ["tpi_reviewer", "superuser"])
def test_nobody_edits_the_tpi_layer_after_finalisation(finalised, request, role):
    person = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied) as refused:
        services.answer_save(
            cycle=finalised, question=question(RETURNED), layer=Layer.TPI, option="Tidak", by=person
        )
    with pytest.raises(PermissionDenied):
        mark(finalised, RETURNED, person)

    assert "final" in str(refused.value)
    assert answer_of(finalised, RETURNED, Layer.TPI).option == "Ya"


# --------------------------------------------------------------------------
# 7. Who may touch which layer


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
    workflow.cycle_decide(
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
    assert fresh(in_tpn).tpn_total == Decimal("0.2500")  # (1 + 0) / 2 × 0.5, nothing else yet


def test_pre_layer_only_by_pre_reviewers_during_penilaian_pendahuluan(
    pre_cycle, coordinator, pre_reviewer, tpi_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)
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
# 8. Two reviewers on one answer


def test_a_second_reviewer_saving_a_stale_version_conflicts_and_the_first_answer_stays(
    submitted, tpi_reviewer, province
):
    second = member(province, Role.TPI_REVIEWER, "tpi-kedua")
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
            by=second,
            expected_version=seen,
        )

    assert clash.value.current.option == "B"
    stored = answer_of(submitted, "A.MP.PMN.i.b", Layer.TPI)
    assert (stored.option, stored.version, stored.updated_by) == ("B", seen + 1, tpi_reviewer)
    # (1 + 0.5) / 2 × 0.5 = 0.375: the TPI total lost 0.125, the self layer nothing
    assert fresh(submitted).tpi_total == Decimal("99.8750")
    assert fresh(submitted).self_total == Decimal("100.0000")


# --------------------------------------------------------------------------
# 9. Pre-assessment


def test_a_pre_assessment_cycle_goes_to_penilaian_pendahuluan_with_the_pre_layer_prefilled(
    pre_cycle, coordinator, pre_reviewer, tpi_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)

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


def test_the_pre_reviewer_returns_for_revision_and_resubmit_goes_back_to_pre_assessment(
    pre_cycle, coordinator, staff, pre_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)

    returned = return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)
    assert (returned.stage, returned.revision_layer) == (Stage.PERBAIKAN, Layer.PRE)
    assert notified(returned, "return") == {"coordinator", "staff"}
    services.answer_save(cycle=returned, question=question(RETURNED), option="Ya", by=staff)
    with pytest.raises(PermissionDenied):
        services.answer_save(
            cycle=returned, question=question("A.TL.PMN.i.a"), option="B", by=staff
        )

    workflow.cycle_resubmit(cycle=returned, by=coordinator)

    stored = fresh(returned)
    assert (stored.stage, stored.revision_layer) == (Stage.PENILAIAN_PENDAHULUAN, "")
    review = QuestionReview.objects.get(cycle=stored, question__code=RETURNED, layer=Layer.PRE)
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)
    assert notified(stored, "resubmit") == {"pre"}


def test_passing_pre_assessment_needs_every_pre_review_accepted(
    pre_cycle, coordinator, pre_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)
    mark(pre_cycle, RETURNED, pre_reviewer, layer=Layer.PRE)

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_pass_pre_assessment(cycle=pre_cycle, by=pre_reviewer)

    assert f"{QUESTION_COUNT} pertanyaan" in messages(refused.value)
    assert fresh(pre_cycle).stage == Stage.PENILAIAN_PENDAHULUAN


def test_passing_pre_assessment_moves_to_evaluasi_tpi_with_the_tpi_layer_prefilled(
    pre_cycle, coordinator, staff, pre_reviewer, tpi_reviewer
):
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)
    returned = return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)
    services.answer_save(cycle=returned, question=question(RETURNED), option="Tidak", by=staff)
    workflow.cycle_resubmit(cycle=returned, by=coordinator)
    accept_all(returned, Layer.PRE, pre_reviewer)

    workflow.cycle_pass_pre_assessment(cycle=returned, by=pre_reviewer)

    stored = fresh(returned)
    assert stored.stage == Stage.EVALUASI_TPI
    assert stored.pre_passed_at is not None
    tpi = Answer.objects.filter(cycle=stored, layer=Layer.TPI)
    assert tpi.count() == QUESTION_COUNT
    assert answer_of(stored, RETURNED, Layer.TPI).option == "Tidak"  # the unit's revised answer
    assert stored.tpi_total == stored.self_total == Decimal("99.7500")
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
    workflow.cycle_submit(cycle=pre_cycle, by=coordinator)

    with pytest.raises(PermissionDenied):
        workflow.cycle_pass_pre_assessment(cycle=pre_cycle, by=tpi_reviewer)

    assert fresh(pre_cycle).stage == Stage.PENILAIAN_PENDAHULUAN


# --------------------------------------------------------------------------
# 10. Proposal to the TPN


def test_a_final_eligible_cycle_with_every_prerequisite_has_no_blockers(finalised):
    meet_prerequisites(finalised)

    assert workflow.proposal_blockers(fresh(finalised)) == []


def test_blockers_name_failed_thresholds_and_unmet_prerequisites_in_words(submitted, tpi_reviewer):
    AnswerFactory(cycle=submitted, code="B.BBA.a.1", layer=Layer.TPI, number=3, by=tpi_reviewer)
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

    blockers = workflow.proposal_blockers(fresh(submitted))

    text = "\n".join(blockers)
    assert "Survei Persepsi Anti Korupsi" in text
    assert "Birokrasi yang Bersih dan Akuntabel" in text
    assert "Opini BPK atas laporan keuangan (belum dicatat)" in text
    assert "Indeks Reformasi Birokrasi" in text
    assert "Tidak ada pencabutan predikat" not in text  # never revoked: met


def test_blockers_say_the_tpi_evaluation_is_not_final(submitted):
    meet_prerequisites(submitted)

    blockers = workflow.proposal_blockers(fresh(submitted))

    assert len(blockers) == 1
    assert "belum final" in blockers[0] and "Evaluasi TPI" in blockers[0]


def test_proposal_moves_to_evaluasi_tpn_prefills_tpn_from_tpi_and_notifies_the_tpn(
    submitted,
    tpi_reviewer,
    tpn_reviewer,
    instansi_admin,
    sptjm,
    root_unit,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    AnswerFactory(cycle=submitted, code=RETURNED, layer=Layer.TPI, option="Tidak", by=tpi_reviewer)
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
    meet_prerequisites(submitted)

    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(submitted, instansi=root_unit, sptjm=sptjm, by=instansi_admin)

    stored = fresh(submitted)
    assert stored.stage == Stage.EVALUASI_TPN
    assert stored.proposal == proposal
    assert (proposal.instansi, proposal.year, proposal.sptjm, proposal.created_by) == (
        root_unit,
        2026,
        sptjm,
        instansi_admin,
    )
    assert Answer.objects.filter(cycle=stored, layer=Layer.TPN).count() == QUESTION_COUNT
    assert answer_of(stored, RETURNED, Layer.TPN).option == "Tidak"  # from the TPI, not the unit
    assert stored.tpn_total == stored.tpi_total == Decimal("99.7500")
    assert notified(stored, "propose") == {"tpn"}
    assert recipients(mailoutbox) == ["tpn@example.go.id"]
    event = stored.events.get(action="propose")
    assert (event.stage_before, event.stage_after, event.actor, event.note) == (
        Stage.PENGUSULAN,
        Stage.EVALUASI_TPN,
        instansi_admin,
        "B/45/KL/2026",
    )


def test_a_superuser_may_propose(finalised, superuser, sptjm, root_unit):
    meet_prerequisites(finalised)

    propose(finalised, instansi=root_unit, sptjm=sptjm, by=superuser)

    assert fresh(finalised).stage == Stage.EVALUASI_TPN


def test_the_units_own_admin_may_not_propose_for_the_instansi(
    finalised, unit_admin, sptjm, root_unit
):
    meet_prerequisites(finalised)

    with pytest.raises(Http404):  # no role on the instansi
        propose(finalised, instansi=root_unit, sptjm=sptjm, by=unit_admin)

    assert fresh(finalised).stage == Stage.PENGUSULAN
    assert not Proposal.objects.exists()


def test_a_coordinator_on_the_instansi_may_not_propose(finalised, sptjm, root_unit):
    meet_prerequisites(finalised)
    coordinator_on_top = member(root_unit, Role.COORDINATOR, "koordinator-instansi")

    with pytest.raises(PermissionDenied):
        propose(finalised, instansi=root_unit, sptjm=sptjm, by=coordinator_on_top)

    assert fresh(finalised).stage == Stage.PENGUSULAN


def test_a_unit_below_the_instansi_cannot_send_a_proposal(finalised, province):
    meet_prerequisites(finalised)
    admin = member(province, Role.UNIT_ADMIN, "admin-provinsi")

    with pytest.raises(ValidationError):
        propose(finalised, instansi=province, sptjm=sptjm_of(province), by=admin)

    assert fresh(finalised).stage == Stage.PENGUSULAN


def test_proposing_a_cycle_that_is_not_eligible_is_refused_with_its_reasons(
    finalised, instansi_admin, sptjm, root_unit
):
    events = finalised.events.count()

    with pytest.raises(ValidationError) as refused:  # no prerequisite recorded
        propose(finalised, instansi=root_unit, sptjm=sptjm, by=instansi_admin)

    assert "Opini BPK atas laporan keuangan" in messages(refused.value)
    assert "Satker Contoh" in messages(refused.value)
    stored = fresh(finalised)
    assert (stored.stage, stored.proposal) == (Stage.PENGUSULAN, None)
    assert not Proposal.objects.exists()
    assert not Answer.objects.filter(cycle=stored, layer=Layer.TPN).exists()
    assert stored.events.count() == events
    assert not notified(stored, "propose")


def test_an_sptjm_of_another_unit_is_refused(finalised, instansi_admin, root_unit, unit):
    meet_prerequisites(finalised)

    with pytest.raises(ValidationError) as refused:
        propose(finalised, instansi=root_unit, sptjm=sptjm_of(unit), by=instansi_admin)

    assert "SPTJM" in messages(refused.value)
    assert fresh(finalised).stage == Stage.PENGUSULAN
    assert not Proposal.objects.exists()


# --------------------------------------------------------------------------
# 11. Decision and predicates

DECREE = "B/1234/M.RB.06/2026"
DECREE_DATE = datetime.date(2026, 10, 1)


def test_tpn_awards_the_predicate_with_its_decree_and_tells_the_unit(
    proposed,
    tpn_reviewer,
    coordinator,
    staff,
    tpi_reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=tpn_reviewer,
        )

    stored = fresh(proposed)
    assert (stored.stage, stored.decision) == (Stage.KEPUTUSAN, Decision.AWARDED)
    award = PredicateAward.objects.get()
    assert (
        award.unit,
        award.predicate,
        award.year,
        award.decree_number,
        award.decree_date,
        award.cycle,
    ) == (stored.unit, "wbk", 2026, DECREE, DECREE_DATE, stored)
    assert {"coordinator", "staff"} <= notified(stored, "decision")
    assert "tpn" not in notified(stored, "decision")
    assert DECREE in Notification.objects.filter(verb="decision").first().message
    assert {"coordinator@example.go.id", "staff@example.go.id"} <= set(recipients(mailoutbox))
    event = stored.events.get(action="decide")
    assert (event.stage_before, event.stage_after, event.actor) == (
        Stage.EVALUASI_TPN,
        Stage.KEPUTUSAN,
        tpn_reviewer,
    )


@pytest.mark.parametrize(
    ("decree_number", "decree_date"),
    [("", DECREE_DATE), (DECREE, None), ("  ", DECREE_DATE)],
)
def test_awarding_needs_the_decree_number_and_date(
    proposed, tpn_reviewer, decree_number, decree_date
):
    with pytest.raises(ValidationError):
        workflow.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=decree_number,
            decree_date=decree_date,
            by=tpn_reviewer,
        )

    assert fresh(proposed).stage == Stage.EVALUASI_TPN
    assert not PredicateAward.objects.exists()


def test_a_decree_dated_in_the_future_is_refused(proposed, tpn_reviewer):
    with pytest.raises(ValidationError):
        workflow.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=timezone.localdate() + datetime.timedelta(days=5),
            by=tpn_reviewer,
        )

    assert not PredicateAward.objects.exists()


def test_not_awarding_needs_a_note(proposed, tpn_reviewer, coordinator):
    with pytest.raises(ValidationError):
        workflow.cycle_decide(
            cycle=proposed, decision=Decision.NOT_AWARDED, note="  ", by=tpn_reviewer
        )
    assert fresh(proposed).stage == Stage.EVALUASI_TPN

    workflow.cycle_decide(
        cycle=proposed,
        decision=Decision.NOT_AWARDED,
        note="Survei persepsi di bawah ambang.",
        by=tpn_reviewer,
    )

    stored = fresh(proposed)
    assert (stored.stage, stored.decision, stored.decision_note) == (
        Stage.KEPUTUSAN,
        Decision.NOT_AWARDED,
        "Survei persepsi di bawah ambang.",
    )
    assert not PredicateAward.objects.exists()
    assert "coordinator" in notified(stored, "decision")


@pytest.mark.parametrize("role", ["tpi_reviewer", "coordinator", "unit_admin"])
def test_only_tpn_reviewers_decide(proposed, request, role):
    with pytest.raises(PermissionDenied):
        workflow.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=request.getfixturevalue(role),
        )

    assert fresh(proposed).stage == Stage.EVALUASI_TPN
    assert not PredicateAward.objects.exists()


def test_a_wbbm_award_needs_a_held_wbk(unit, tpn_reviewer, superuser):
    cycle = CycleFactory(unit=unit, filled=True, target="wbbm", stage=Stage.EVALUASI_TPN)

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_decide(
            cycle=cycle,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=tpn_reviewer,
        )
    assert "Menuju WBK" in messages(refused.value)
    assert fresh(cycle).stage == Stage.EVALUASI_TPN

    PredicateAwardFactory(
        unit=unit,
        year=2024,
        decree_number="B/1/2024",
        decree_date=datetime.date(2024, 12, 2),
        by=superuser,
    )
    workflow.cycle_decide(
        cycle=cycle,
        decision=Decision.AWARDED,
        decree_number=DECREE,
        decree_date=DECREE_DATE,
        by=tpn_reviewer,
    )

    assert set(PredicateAward.objects.values_list("predicate", flat=True)) == {"wbk", "wbbm"}


@pytest.fixture
def award(unit, superuser) -> PredicateAward:
    """Menuju WBK 2024, awarded for a (decided) cycle of 2024."""
    decided = CycleFactory(unit=unit, year=2024, stage=Stage.KEPUTUSAN)
    return PredicateAwardFactory(
        unit=unit,
        year=2024,
        decree_number="B/1/2024",
        decree_date=datetime.date(2024, 12, 2),
        cycle=decided,
        by=superuser,
    )


def revoke(award, by, **overrides):
    values = {
        "revoked_on": datetime.date(2025, 6, 2),
        "decree_number": "B/77/M.RB.06/2025",
        "reason": "Pegawai terbukti melakukan pungutan liar",
    }
    values.update(overrides)
    return workflow.predicate_revoke(award=award, by=by, **values)


def test_a_superuser_revokes_a_predicate_with_date_decree_and_reason(award, superuser):
    revoke(award, superuser)

    stored = PredicateAward.objects.get(pk=award.pk)
    assert (
        stored.revoked_on,
        stored.revocation_decree,
        stored.revocation_reason,
        stored.revoked_by,
    ) == (
        datetime.date(2025, 6, 2),
        "B/77/M.RB.06/2025",
        "Pegawai terbukti melakukan pungutan liar",
        superuser,
    )
    assert not stored.is_held
    event = CycleEvent.objects.get(cycle=award.cycle, action="revoke")
    assert (event.actor, event.note) == (superuser, "Pegawai terbukti melakukan pungutan liar")


@pytest.mark.parametrize("role", ["coordinator", "unit_admin", "tpn_reviewer", "tpi_reviewer"])
def test_only_superusers_revoke(award, request, role):
    with pytest.raises(PermissionDenied):
        revoke(award, request.getfixturevalue(role))

    assert PredicateAward.objects.get(pk=award.pk).is_held


def test_an_outsider_revoking_gets_404(award, outsider):
    with pytest.raises(Http404):
        revoke(award, outsider)


@pytest.mark.parametrize(
    "overrides",
    [
        {"reason": " "},
        {"decree_number": ""},
        {"revoked_on": datetime.date(2024, 11, 30)},  # before the award
    ],
)
def test_a_revocation_needs_decree_reason_and_a_sensible_date(award, superuser, overrides):
    with pytest.raises(ValidationError):
        revoke(award, superuser, **overrides)

    assert PredicateAward.objects.get(pk=award.pk).is_held


def test_a_revoked_unit_cannot_be_awarded_within_two_years(award, superuser, tpn_reviewer, unit):
    revoke(award, superuser)
    cycle = CycleFactory(unit=unit, stage=Stage.EVALUASI_TPN)

    with pytest.raises(ValidationError) as refused:
        workflow.cycle_decide(
            cycle=cycle,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=tpn_reviewer,
        )

    assert "Senin, 2 Juni 2025" in messages(refused.value)
    assert fresh(cycle).stage == Stage.EVALUASI_TPN
    assert PredicateAward.objects.count() == 1


def test_an_award_more_than_two_years_after_a_revocation_is_allowed(unit, superuser):
    PredicateAwardFactory(
        unit=unit,
        year=2021,
        decree_number="B/9/2021",
        decree_date=datetime.date(2021, 12, 1),
        revoked_on=datetime.date(2023, 1, 10),
        by=superuser,
    )

    workflow.predicate_award(
        unit=unit,
        predicate="wbk",
        year=2024,
        decree_number="B/1/2025",
        decree_date=datetime.date(2025, 2, 1),
        by=superuser,
    )

    assert PredicateAward.objects.held().filter(unit=unit).count() == 1


def test_a_revocation_fails_bebas_pencabutan_for_the_next_years_cycle(award, superuser, unit):
    following = CycleFactory(unit=unit, year=2025)

    def bebas_pencabutan():
        return next(
            check
            for check in selectors.prerequisite_checklist(fresh(following))
            if check.prerequisite.code == "bebas-pencabutan"
        )

    assert bebas_pencabutan().met is True
    revoke(award, superuser)

    check = bebas_pencabutan()
    assert check.met is False
    assert check.value == "0"  # 2 June 2025 to 31 December 2025
    assert any(
        "Tidak ada pencabutan predikat" in reason
        for reason in workflow.proposal_blockers(fresh(following))
    )


# --------------------------------------------------------------------------
# 12. Stages and history


def test_every_transition_records_an_event_with_its_stages_actor_and_time(
    filled_cycle, coordinator, tpi_reviewer, tpn_reviewer, instansi_admin, sptjm, root_unit
):
    started = timezone.now()
    workflow.cycle_submit(cycle=filled_cycle, by=coordinator)
    return_for_revision(filled_cycle, tpi_reviewer)
    workflow.cycle_resubmit(cycle=filled_cycle, by=coordinator)
    accept_all(filled_cycle, Layer.TPI, tpi_reviewer)
    workflow.cycle_finalise_tpi(cycle=filled_cycle, by=tpi_reviewer)
    meet_prerequisites(filled_cycle)
    propose(filled_cycle, instansi=root_unit, sptjm=sptjm, by=instansi_admin)
    workflow.cycle_decide(
        cycle=filled_cycle,
        decision=Decision.AWARDED,
        decree_number=DECREE,
        decree_date=DECREE_DATE,
        by=tpn_reviewer,
    )

    events = list(filled_cycle.events.order_by("created_at", "pk"))
    assert [(e.action, e.stage_before, e.stage_after, e.actor) for e in events] == [
        ("cycle_open", "", Stage.PEMBANGUNAN, None),
        ("submit", Stage.PEMBANGUNAN, Stage.EVALUASI_TPI, coordinator),
        ("return", Stage.EVALUASI_TPI, Stage.PERBAIKAN, tpi_reviewer),
        ("resubmit", Stage.PERBAIKAN, Stage.EVALUASI_TPI, coordinator),
        ("finalise_tpi", Stage.EVALUASI_TPI, Stage.PENGUSULAN, tpi_reviewer),
        ("propose", Stage.PENGUSULAN, Stage.EVALUASI_TPN, instansi_admin),
        ("decide", Stage.EVALUASI_TPN, Stage.KEPUTUSAN, tpn_reviewer),
    ]
    assert all(started <= e.created_at <= timezone.now() for e in events[1:])
    reasons = list(
        fresh(filled_cycle)
        .history.exclude(history_change_reason="cycle_open")
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", "history_user__username", "stage")
    )
    assert reasons == [
        ("submit", "coordinator", Stage.EVALUASI_TPI),
        ("return", "tpi", Stage.PERBAIKAN),
        ("resubmit", "coordinator", Stage.EVALUASI_TPI),
        ("finalise_tpi", "tpi", Stage.PENGUSULAN),
        ("propose", "admin-instansi", Stage.EVALUASI_TPN),
        ("decide", "tpn", Stage.KEPUTUSAN),
    ]


ILLEGAL_FROM_PEMBANGUNAN = {
    "finalise": lambda c, people: workflow.cycle_finalise_tpi(cycle=c, by=people["tpi_reviewer"]),
    "resubmit": lambda c, people: workflow.cycle_resubmit(cycle=c, by=people["coordinator"]),
    "decide": lambda c, people: workflow.cycle_decide(
        cycle=c,
        decision=Decision.AWARDED,
        decree_number=DECREE,
        decree_date=DECREE_DATE,
        by=people["tpn_reviewer"],
    ),
    "return": lambda c, people: workflow.cycle_return(
        cycle=c, layer=Layer.TPI, by=people["tpi_reviewer"]
    ),
    "pass_pre": lambda c, people: workflow.cycle_pass_pre_assessment(
        cycle=c, by=people["pre_reviewer"]
    ),
}


@pytest.mark.parametrize("action", list(ILLEGAL_FROM_PEMBANGUNAN))
def test_illegal_transitions_from_pembangunan_are_refused_and_change_nothing(
    cycle, coordinator, tpi_reviewer, tpn_reviewer, pre_reviewer, action
):
    people = {
        "coordinator": coordinator,
        "tpi_reviewer": tpi_reviewer,
        "tpn_reviewer": tpn_reviewer,
        "pre_reviewer": pre_reviewer,
    }
    events = cycle.events.count()

    with pytest.raises(ValidationError) as refused:
        ILLEGAL_FROM_PEMBANGUNAN[action](cycle, people)

    assert "tahap Pembangunan" in messages(refused.value)
    stored = fresh(cycle)
    assert (stored.stage, stored.tpi_finalised_at, stored.decision) == (
        Stage.PEMBANGUNAN,
        None,
        "",
    )
    assert stored.events.count() == events
    assert not PredicateAward.objects.exists()
    assert not Notification.objects.exists()


def test_resubmit_outside_perbaikan_is_refused(submitted, coordinator):
    with pytest.raises(ValidationError) as refused:
        workflow.cycle_resubmit(cycle=submitted, by=coordinator)

    assert "tahap Evaluasi TPI" in messages(refused.value)
    assert fresh(submitted).stage == Stage.EVALUASI_TPI


def test_deciding_before_evaluasi_tpn_is_refused(finalised, tpn_reviewer):
    with pytest.raises(ValidationError) as refused:
        workflow.cycle_decide(
            cycle=finalised,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=tpn_reviewer,
        )

    assert "Menunggu pengusulan ke TPN" in messages(refused.value)
    assert fresh(finalised).stage == Stage.PENGUSULAN
    assert not PredicateAward.objects.exists()


def test_returning_a_pre_layer_during_the_tpi_evaluation_is_refused(submitted, superuser):
    with pytest.raises(ValidationError):
        workflow.cycle_return(cycle=submitted, layer=Layer.PRE, by=superuser)

    assert fresh(submitted).stage == Stage.EVALUASI_TPI


# --------------------------------------------------------------------------
# 15. LKE files per layer


def test_lke_export_writes_the_tpi_layer(submitted, tpi_reviewer, tmp_path):
    AnswerFactory(
        cycle=submitted,
        code=RETURNED,
        layer=Layer.TPI,
        option="Tidak",
        note="SK tidak ada",
        by=tpi_reviewer,
    )

    run("lke_export", "UNIT", "2026", str(tmp_path / "tpi.csv"), "--layer", "tpi")
    run("lke_export", "UNIT", "2026", str(tmp_path / "self.csv"))

    def rows(name):
        with open(tmp_path / name, encoding="utf-8") as handle:
            return {row["code"]: row for row in csv.DictReader(handle)}

    tpi, own = rows("tpi.csv"), rows("self.csv")
    assert (tpi[RETURNED]["answer"], tpi[RETURNED]["note"]) == ("Tidak", "SK tidak ada")
    assert (own[RETURNED]["answer"], own[RETURNED]["note"]) == ("Ya", "")
    assert tpi["A.MP.PMN.i.b"]["answer"] == own["A.MP.PMN.i.b"]["answer"] == "A"


def test_lke_scorecard_reports_the_tpi_scorecard(submitted, tpi_reviewer):
    AnswerFactory(cycle=submitted, code=RETURNED, layer=Layer.TPI, option="Tidak", by=tpi_reviewer)

    tpi = json.loads(run("lke_scorecard", "UNIT", "2026", "--layer", "tpi", "--json"))
    own = json.loads(run("lke_scorecard", "UNIT", "2026", "--json"))

    assert (tpi["layer"], tpi["total"], tpi["areas"]["A.MP"]) == ("tpi", 99.75, 7.75)
    assert (own["layer"], own["total"], own["areas"]["A.MP"]) == ("self", 100, 8)


def test_lke_import_writes_the_tpi_layer_without_touching_the_self_layer(submitted, tmp_path):
    path = tmp_path / "tpi.csv"
    path.write_text("code,answer,note\nA.MP.PMN.i.b,C,Tidak ada seleksi\n", encoding="utf-8")
    own_before = list(
        Answer.objects.filter(cycle=submitted, layer=Layer.SELF).values_list(
            "pk", "option", "version"
        )
    )

    run("lke_import", "UNIT", "2026", str(path), "--layer", "tpi")

    imported = answer_of(submitted, "A.MP.PMN.i.b", Layer.TPI)
    assert (imported.option, imported.note) == ("C", "Tidak ada seleksi")
    assert (
        list(
            Answer.objects.filter(cycle=submitted, layer=Layer.SELF).values_list(
                "pk", "option", "version"
            )
        )
        == own_before
    )
    stored = fresh(submitted)
    assert (stored.self_total, stored.tpi_total) == (Decimal("100.0000"), Decimal("99.7500"))
