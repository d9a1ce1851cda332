"""Submitting the self-assessment to the TPI: who may, when, what it checks, what it
opens and records, and whom it tells."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from change_areas import services
from change_areas.models import (
    Answer,
    Layer,
    Notification,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    force_stage,
    fresh,
    messages,
    notified,
    recipients,
    url,
)
from tests.factories import CycleFactory, member
from tests.pages import messages_of
from units.models import Role


@pytest.mark.parametrize("role", ["coordinator", "unit_admin"])
def test_coordinator_and_unit_admin_may_submit(filled_cycle, request, role):
    services.cycle_submit(cycle=filled_cycle, by=request.getfixturevalue(role))

    assert fresh(filled_cycle).stage == Stage.EVALUASI_TPI


@pytest.mark.parametrize("role", ["staff", "viewer", "tpi_reviewer", "tpn_reviewer"])
def test_people_without_the_submit_right_may_not_submit(cycle, request, role):
    with pytest.raises(PermissionDenied):
        services.cycle_submit(cycle=cycle, by=request.getfixturevalue(role))

    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (Stage.PEMBANGUNAN, None)


def test_outsider_submitting_gets_404(cycle, outsider):
    with pytest.raises(Http404):
        services.cycle_submit(cycle=cycle, by=outsider)


def test_submit_with_unanswered_pengungkit_questions_is_refused_with_the_count(
    unit, coordinator, tpi_reviewer
):
    cycle = CycleFactory(
        unit=unit, filled=True, leave_out=("A.MP.PMN.i.a", "A.TL.PMN.i.a", "A.PW.RFM.i.a")
    )
    events = cycle.events.count()

    with pytest.raises(ValidationError) as refused:
        services.cycle_submit(cycle=cycle, by=coordinator)

    assert "3 pertanyaan pengungkit" in messages(refused.value)
    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (Stage.PEMBANGUNAN, None)
    assert not Answer.objects.filter(cycle=cycle).exclude(layer=Layer.SELF).exists()
    assert not QuestionReview.objects.filter(cycle=cycle).exists()
    assert not Notification.objects.exists()
    assert cycle.events.count() == events


def test_submit_from_penilaian_mandiri_moves_to_evaluasi_tpi(filled_cycle, coordinator):
    filled_cycle = force_stage(filled_cycle, Stage.PENILAIAN_MANDIRI)

    services.cycle_submit(cycle=filled_cycle, by=coordinator)

    event = filled_cycle.events.get(action="submit")
    assert (event.stage_before, event.stage_after) == (Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI)


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (Stage.PENILAIAN_PENDAHULUAN, "Penilaian pendahuluan"),
        (Stage.EVALUASI_TPI, "Evaluasi TPI"),
        (Stage.PENGUSULAN, "Menunggu pengusulan ke TPN"),
        (Stage.EVALUASI_TPN, "Evaluasi TPN"),
        (Stage.KEPUTUSAN, "Keputusan"),
    ],
)
def test_submit_from_a_later_stage_is_refused_naming_the_stage(cycle, coordinator, stage, label):
    cycle = force_stage(cycle, stage)

    with pytest.raises(ValidationError) as refused:
        services.cycle_submit(cycle=cycle, by=coordinator)

    assert f"tahap {label}" in messages(refused.value)
    stored = fresh(cycle)
    assert (stored.stage, stored.submitted_at) == (stage, None)
    assert not Answer.objects.filter(cycle=cycle, layer=Layer.TPI).exists()


def test_submit_stamps_the_time_opens_a_pending_review_per_question_and_records_the_event(
    filled_cycle, coordinator
):
    started = timezone.now()

    services.cycle_submit(cycle=filled_cycle, by=coordinator)

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
    province_tpi_reviewer,
    other_unit,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    member(other_unit, Role.TPI_REVIEWER, "tpi-satker-lain")

    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_submit(cycle=filled_cycle, by=coordinator)

    assert notified(filled_cycle, "submit") == {"tpi", "tpi-provinsi"}
    assert Notification.objects.count() == 2
    notice = Notification.objects.get(user=tpi_reviewer)
    assert "Satker Contoh" in notice.message and "2026" in notice.message
    assert notice.url == f"/siklus/{filled_cycle.pk}/tinjau/tpi/area/A.MP/"
    assert recipients(mailoutbox) == ["tpi-provinsi@example.go.id", "tpi@example.go.id"]
    assert all("Satker Contoh" in message.subject for message in mailoutbox)
    assert all(notice.url in message.body for message in mailoutbox)


# --------------------------------------------------------------------------
# On the pages


def test_the_coordinator_submits_on_the_overview(unit, coordinator, tpi_reviewer, client_for):
    cycle = CycleFactory(unit=unit, filled=True)

    response = client_for(coordinator).post(url("cycle_submit", cycle))

    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    assert fresh(cycle).stage == Stage.EVALUASI_TPI
    assert "Penilaian unit diajukan untuk dinilai." in messages_of(response)


def test_an_incomplete_self_assessment_is_not_submitted_and_the_page_says_why(
    unit, coordinator, client_for
):
    cycle = CycleFactory(unit=unit, filled=True, leave_out=("A.MP.PMN.i.a",))

    response = client_for(coordinator).post(url("cycle_submit", cycle), follow=True)

    assert "Masih ada 1 pertanyaan pengungkit yang belum dijawab" in response.content.decode()
    assert fresh(cycle).stage == Stage.PEMBANGUNAN


def test_staff_get_403_on_submitting(unit, staff, client_for):
    cycle = CycleFactory(unit=unit)

    response = client_for(staff).post(url("cycle_submit", cycle))

    assert response.status_code == 403
    assert fresh(cycle).stage == Stage.PEMBANGUNAN
