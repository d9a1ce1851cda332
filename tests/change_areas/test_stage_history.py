"""The stages of a cycle: every transition recorded (event and history) with its actor,
and every transition the current stage does not allow refused without a trace."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from change_areas import services
from change_areas.models import Decision, Layer, Notification, PredicateAward, Stage
from tests.change_areas.helpers import (
    DECREE,
    DECREE_DATE,
    accept_all,
    fresh,
    meet_prerequisites,
    messages,
    propose,
    return_for_revision,
)


def test_every_transition_records_an_event_with_its_stages_actor_and_time(
    filled_cycle, coordinator, tpi_reviewer, tpn_reviewer, instansi_admin, sptjm, root_unit
):
    started = timezone.now()
    services.cycle_submit(cycle=filled_cycle, by=coordinator)
    return_for_revision(filled_cycle, tpi_reviewer)
    services.cycle_resubmit(cycle=filled_cycle, by=coordinator, confirm_unchanged=True)
    accept_all(filled_cycle, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=filled_cycle, by=tpi_reviewer)
    meet_prerequisites(filled_cycle)
    propose(filled_cycle, instansi=root_unit, sptjm=sptjm, by=instansi_admin)
    services.cycle_decide(
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
        # a round moves questions, not the cycle
        ("return", Stage.EVALUASI_TPI, Stage.EVALUASI_TPI, tpi_reviewer),
        ("resubmit", Stage.EVALUASI_TPI, Stage.EVALUASI_TPI, coordinator),
        ("finalise_tpi", Stage.EVALUASI_TPI, Stage.PENGUSULAN, tpi_reviewer),
        ("propose", Stage.PENGUSULAN, Stage.EVALUASI_TPN, instansi_admin),
        ("award", Stage.EVALUASI_TPN, Stage.KEPUTUSAN, tpn_reviewer),
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
        ("return", "tpi", Stage.EVALUASI_TPI),
        ("resubmit", "coordinator", Stage.EVALUASI_TPI),
        ("finalise_tpi", "tpi", Stage.PENGUSULAN),
        ("propose", "admin-instansi", Stage.EVALUASI_TPN),
        ("award", "tpn", Stage.KEPUTUSAN),
    ]


ILLEGAL_FROM_PEMBANGUNAN = {
    "finalise": lambda c, people: services.cycle_finalise_tpi(cycle=c, by=people["tpi_reviewer"]),
    "resubmit": lambda c, people: services.cycle_resubmit(cycle=c, by=people["coordinator"]),
    "decide": lambda c, people: services.cycle_decide(
        cycle=c,
        decision=Decision.AWARDED,
        decree_number=DECREE,
        decree_date=DECREE_DATE,
        by=people["tpn_reviewer"],
    ),
    "return": lambda c, people: services.cycle_return(
        cycle=c, layer=Layer.TPI, by=people["tpi_reviewer"]
    ),
    "pass_pre": lambda c, people: services.cycle_pass_pre_assessment(
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


def test_resubmit_without_returned_questions_is_refused(submitted, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.cycle_resubmit(cycle=submitted, by=coordinator)

    assert "Tidak ada pertanyaan yang dikembalikan" in messages(refused.value)
    assert fresh(submitted).stage == Stage.EVALUASI_TPI


def test_deciding_before_evaluasi_tpn_is_refused(finalised, tpn_reviewer):
    with pytest.raises(ValidationError) as refused:
        services.cycle_decide(
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
        services.cycle_return(cycle=submitted, layer=Layer.PRE, by=superuser)

    assert fresh(submitted).stage == Stage.EVALUASI_TPI
