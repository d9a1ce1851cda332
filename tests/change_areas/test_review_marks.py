"""The reviewer's verdict per question (diterima, perlu perbaikan with a reason): who may
mark, in which stage and review window, and accepting what is still open."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from change_areas import services
from change_areas.models import Cycle, Layer, QuestionReview, ReviewStatus
from tests.change_areas.helpers import (
    HTMX,
    REASON,
    RETURNED,
    accept_all,
    fresh,
    mark,
    mark_url,
    messages,
    question,
    review_url,
)
from tests.clock import on
from tests.factories import CycleFactory
from tests.pages import messages_of


def test_reviewer_accepts_a_question(submitted, tpi_reviewer):
    review = services.review_mark(
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
        services.review_mark(
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


def test_marks_go_on_while_the_unit_holds_returned_questions(returned, tpi_reviewer):
    mark(returned, "A.MP.PMN.i.b", tpi_reviewer)  # the review goes on during a round

    assert (
        QuestionReview.objects.get(cycle=returned, question__code="A.MP.PMN.i.b").status
        == ReviewStatus.NEEDS_REVISION
    )


def test_marks_only_during_evaluasi_tpi(finalised, tpi_reviewer):
    with pytest.raises(PermissionDenied):  # the TPI's evaluation is final
        mark(finalised, "A.MP.PMN.i.b", tpi_reviewer)


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
    services.cycle_submit(cycle=cycle, by=coordinator)
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
    with on(today):
        with pytest.raises(PermissionDenied) as refused:
            mark(windowed, RETURNED, tpi_reviewer)
        with pytest.raises(PermissionDenied):
            accept_all(windowed, Layer.TPI, tpi_reviewer)

    assert expected in str(refused.value)
    assert not QuestionReview.objects.filter(cycle=windowed).exclude(status="menunggu").exists()


def test_marks_within_the_review_window_are_allowed(windowed, tpi_reviewer):
    with on(datetime.date(2026, 7, 31)):
        mark(windowed, RETURNED, tpi_reviewer)

    assert QuestionReview.objects.filter(cycle=windowed, status="perlu_perbaikan").count() == 1


def test_accept_open_accepts_pending_and_resubmitted_questions_of_the_given_areas_only(
    returned, coordinator, tpi_reviewer
):
    # RETURNED is back, as it was: tidak diubah
    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)
    mark(returned, "A.MP.PMN.i.b", tpi_reviewer)
    QuestionReview.objects.filter(cycle=returned).exclude(
        question__code__in=[RETURNED, "A.MP.PMN.i.b"]
    ).update(status=ReviewStatus.PENDING)

    count = services.review_accept_open(
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
# On the pages


def test_marking_perlu_perbaikan_without_a_reason_shows_the_error(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "perlu_perbaikan", "reason": " "}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Tuliskan alasan mengapa pertanyaan ini perlu diperbaiki." in response.content.decode()
    review = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED)
    assert review.status == ReviewStatus.PENDING


def test_marking_with_htmx_returns_the_question_with_its_verdict(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(
        mark_url(submitted), {"status": "perlu_perbaikan", "reason": REASON}, headers=HTMX
    )

    html = response.content.decode()
    assert REASON in html and "Perlu perbaikan" in html
    review = QuestionReview.objects.get(cycle=submitted, question__code=RETURNED)
    assert (review.status, review.reason, review.reviewed_by) == (
        ReviewStatus.NEEDS_REVISION,
        REASON,
        tpi_reviewer,
    )


def test_marking_with_the_plain_form_returns_to_the_question(submitted, tpi_reviewer, client_for):
    response = client_for(tpi_reviewer).post(mark_url(submitted), {"status": "diterima"})

    assert response["Location"] == f"{review_url(submitted)}#q-A-MP-PMN-i-a"
    assert QuestionReview.objects.get(cycle=submitted, question__code=RETURNED).status == (
        ReviewStatus.ACCEPTED
    )


def test_accepting_the_open_questions_of_a_page(submitted, tpi_reviewer, client_for):
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).post(
        reverse(
            "change_areas:review_accept_open",
            kwargs={"pk": submitted.pk, "layer": "tpi", "area_code": "A.MP"},
        )
    )

    assert response.status_code == 302
    statuses = dict(
        QuestionReview.objects.filter(cycle=submitted).values_list("question__code", "status")
    )
    mp = {code: status for code, status in statuses.items() if code.startswith("A.MP.")}
    assert mp.pop(RETURNED) == ReviewStatus.NEEDS_REVISION
    assert set(mp.values()) == {ReviewStatus.ACCEPTED}
    assert statuses["A.TL.PMN.i.a"] == ReviewStatus.PENDING
    assert f"{len(mp)} pertanyaan ditandai ditinjau." in messages_of(response)
