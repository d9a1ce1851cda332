"""Finalising the TPI's evaluation: only with every question accepted, then the TPI
layer is locked for everyone and the unit is told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from change_areas import services
from change_areas.models import Layer, Notification, QuestionReview, ReviewStatus, Stage
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
    recipients,
    url,
)


def test_finalise_is_refused_while_questions_are_not_accepted(submitted, tpi_reviewer):
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    mark(submitted, RETURNED, tpi_reviewer)
    QuestionReview.objects.filter(cycle=submitted, question__code="A.TL.PMN.i.a").update(
        status=ReviewStatus.PENDING
    )

    with pytest.raises(ValidationError) as refused:
        services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

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
        services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

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
# On the pages


def test_finalising_with_open_questions_is_refused_with_a_message(
    submitted, tpi_reviewer, client_for
):
    response = client_for(tpi_reviewer).post(url("cycle_finalise", submitted), follow=True)

    assert f"Masih ada {QUESTION_COUNT} pertanyaan yang belum ditinjau" in response.content.decode()
    assert fresh(submitted).stage == Stage.EVALUASI_TPI


def test_finalising_on_the_page_lands_on_the_review_page_with_the_results_linked(
    submitted, tpi_reviewer, client_for
):
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    client = client_for(tpi_reviewer)

    response = client.post(url("cycle_finalise", submitted))

    review_page = reverse(
        "change_areas:review", kwargs={"pk": submitted.pk, "layer": "tpi", "area_code": "A.MP"}
    )
    assert response["Location"] == review_page
    assert fresh(submitted).stage == Stage.PENGUSULAN
    page = client.get(review_page).content.decode()
    assert "Penilaian TPI final sejak" in page
    assert url("comparison", submitted) in page
    assert "Penilaian unit sudah diajukan" not in page
