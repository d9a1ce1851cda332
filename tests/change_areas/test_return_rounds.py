"""Returning questions for revision and resubmitting them: what the unit may change
meanwhile, whom each step tells, and rounds counted per question."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import services
from change_areas.models import Layer, Notification, QuestionReview, ReviewStatus, Stage
from tests.change_areas.helpers import (
    REASON,
    RETURNED,
    accept_all,
    answer_of,
    fresh,
    mark,
    notified,
    question,
    recipients,
    save_url,
    url,
)


def test_return_needs_a_question_marked_perlu_perbaikan(submitted, tpi_reviewer):
    accept_all(submitted, Layer.TPI, tpi_reviewer)

    with pytest.raises(ValidationError):
        services.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

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
        services.cycle_return(cycle=submitted, layer=Layer.TPI, by=tpi_reviewer)

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
        services.cycle_resubmit(cycle=returned, by=staff)

    assert fresh(returned).stage == Stage.PERBAIKAN


def test_resubmit_marks_the_returned_questions_diperbaiki_and_returns_to_the_tpi(
    returned, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_resubmit(cycle=returned, by=coordinator)

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
    services.cycle_resubmit(cycle=returned, by=coordinator)
    mark(returned, RETURNED, tpi_reviewer, reason="Masih belum ditandatangani")
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
    assert fresh(returned).stage == Stage.PERBAIKAN

    services.cycle_resubmit(cycle=returned, by=coordinator)

    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED, layer="tpi")
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 2)
    assert list(
        returned.events.filter(action__in=["return", "resubmit"]).values_list("action", flat=True)
    ) == ["return", "resubmit", "return", "resubmit"]


# --------------------------------------------------------------------------
# On the pages


def test_the_reviewer_returns_questions_on_the_review_page(submitted, tpi_reviewer, client_for):
    mark(submitted, RETURNED, tpi_reviewer)

    response = client_for(tpi_reviewer).post(
        reverse("change_areas:cycle_return", kwargs={"pk": submitted.pk, "layer": "tpi"}),
        {"note": "Lengkapi SK"},
    )

    assert response.status_code == 302
    stored = fresh(submitted)
    assert stored.stage == Stage.PERBAIKAN
    assert stored.events.get(action="return").note == "Lengkapi SK"


# --------------------------------------------------------------------------
# The unit's pages during revision


def test_during_revision_the_area_page_opens_only_the_returned_question(
    returned, staff, client_for
):
    response = client_for(staff).get(
        reverse("change_areas:area", kwargs={"pk": returned.pk, "area_code": "A.MP"})
    )

    html = response.content.decode()
    block = re.search(r'id="q-A-MP-PMN-i-a"(.*?)id="q-A-MP-PMN-i-b"', html, re.S).group(1)
    assert REASON in block and "Perlu perbaikan" in block
    assert f'action="{save_url(returned, RETURNED)}"' in html
    assert f'action="{save_url(returned, "A.MP.PMN.i.b")}"' not in html
    assert f'action="{save_url(returned, "A.MP.RFM.i.a")}"' not in html
    assert html.count('class="answer-form"') == 1


def test_during_revision_saving_another_question_is_403(returned, staff, client_for):
    client = client_for(staff)

    locked = answer_of(returned, "A.MP.PMN.i.b", Layer.SELF)
    refused = client.post(
        save_url(returned, "A.MP.PMN.i.b"), {"option": "C", "version": locked.version}
    )
    saved = client.post(
        save_url(returned, RETURNED),
        {
            "option": "Ya",
            "note": "SK terlampir",
            "version": answer_of(returned, RETURNED, Layer.SELF).version,
        },
    )

    assert refused.status_code == 403
    assert answer_of(returned, "A.MP.PMN.i.b", Layer.SELF).option == "A"
    assert saved.status_code == 302
    assert answer_of(returned, RETURNED, Layer.SELF).note == "SK terlampir"


def test_the_overview_lists_the_returned_questions_and_offers_the_resubmission(
    returned, coordinator, staff, client_for
):
    html = client_for(coordinator).get(returned.get_absolute_url()).content.decode()
    staff_html = client_for(staff).get(returned.get_absolute_url()).content.decode()

    assert RETURNED in html and REASON in html
    assert f'action="{url("cycle_resubmit", returned)}"' in html
    assert REASON in staff_html
    assert f'action="{url("cycle_resubmit", returned)}"' not in staff_html


def test_the_coordinator_resubmits_on_the_overview(returned, coordinator, client_for):
    response = client_for(coordinator).post(url("cycle_resubmit", returned))

    assert response.status_code == 302
    assert fresh(returned).stage == Stage.EVALUASI_TPI
    review = QuestionReview.objects.get(cycle=returned, question__code=RETURNED)
    assert (review.status, review.revision_count) == (ReviewStatus.REVISED, 1)


def test_staff_get_403_on_resubmitting(returned, staff, client_for):
    response = client_for(staff).post(url("cycle_resubmit", returned))

    assert response.status_code == 403
    assert fresh(returned).stage == Stage.PERBAIKAN
