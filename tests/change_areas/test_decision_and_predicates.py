"""The TPN's decision and the predicates it awards: decree number and date, the WBK a
WBBM needs, revocation and the two years after it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from change_areas import selectors, services, workflow
from change_areas.models import Cycle, CycleEvent, Decision, Notification, PredicateAward, Stage
from tests.change_areas.helpers import (
    DECREE,
    DECREE_DATE,
    force_stage,
    fresh,
    messages,
    notified,
    recipients,
    url,
)
from tests.factories import CycleFactory, PredicateAwardFactory


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
        services.cycle_decide(
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
    assert (award.route, award.decided_by, award.override_reason) == ("tpn", tpn_reviewer, "")
    event = stored.events.get(action="award")
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
        services.cycle_decide(
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
        services.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=timezone.localdate() + datetime.timedelta(days=5),
            by=tpn_reviewer,
        )

    assert not PredicateAward.objects.exists()


def test_not_awarding_needs_a_note(proposed, tpn_reviewer, coordinator):
    with pytest.raises(ValidationError):
        services.cycle_decide(
            cycle=proposed, decision=Decision.NOT_AWARDED, note="  ", by=tpn_reviewer
        )
    assert fresh(proposed).stage == Stage.EVALUASI_TPN

    services.cycle_decide(
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
        services.cycle_decide(
            cycle=proposed,
            decision=Decision.AWARDED,
            decree_number=DECREE,
            decree_date=DECREE_DATE,
            by=request.getfixturevalue(role),
        )

    assert fresh(proposed).stage == Stage.EVALUASI_TPN
    assert not PredicateAward.objects.exists()


def in_tpn_evaluation(**kwargs) -> Cycle:
    """A cycle with the TPN, its TPN layer answered at its best (as after a proposal)."""
    cycle = CycleFactory(filled=True, stage=Stage.EVALUASI_TPN, **kwargs)
    services.copy_layer(cycle, "self", "tpn", by=None)
    services.cycle_refresh_summary(cycle=cycle, layer="tpn")
    return fresh(cycle)


def test_a_wbbm_award_needs_a_held_wbk(unit, tpn_reviewer, superuser):
    cycle = in_tpn_evaluation(unit=unit, target="wbbm")

    with pytest.raises(ValidationError) as refused:
        services.cycle_decide(
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
    services.cycle_decide(
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
    return services.predicate_revoke(award=award, by=by, **values)


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
    cycle = in_tpn_evaluation(unit=unit)

    with pytest.raises(ValidationError) as refused:
        services.cycle_decide(
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

    services.predicate_award(
        unit=unit,
        predicate="wbk",
        year=2024,
        decree_number="B/1/2025",
        decree_date=datetime.date(2025, 2, 1),
        by=superuser,
    )

    assert PredicateAward.objects.held().filter(unit=unit).count() == 1


def test_a_revocation_fails_bebas_pencabutan_for_the_next_years_cycle(award, superuser, unit):
    following = CycleFactory(unit=unit, year=2026, proposal_closes=datetime.date(2026, 5, 31))

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
    assert (check.days, check.display_value) == (363, "363 hari")  # 2 June 2025 to 31 May 2026
    assert any(
        "Tidak ada pencabutan predikat" in reason
        for reason in workflow.proposal_blockers(fresh(following))
    )


# --------------------------------------------------------------------------
# On the pages


@pytest.fixture
def in_tpn(finalised) -> Cycle:
    """With the TPN, its layer as the TPI left it (as a proposal copies it)."""
    cycle = force_stage(finalised, Stage.EVALUASI_TPN)
    services.copy_layer(cycle, "tpi", "tpn", by=None)
    services.cycle_refresh_summary(cycle=cycle, layer="tpn")
    return fresh(cycle)


def test_the_tpn_records_the_award_on_the_decision_page(in_tpn, tpn_reviewer, client_for):
    client = client_for(tpn_reviewer)
    assert client.get(url("cycle_decide", in_tpn)).status_code == 200

    incomplete = client.post(url("cycle_decide", in_tpn), {"decision": Decision.AWARDED})
    assert incomplete.status_code == 400
    assert "Nomor keputusan wajib diisi" in incomplete.content.decode()
    assert not PredicateAward.objects.exists()

    response = client.post(
        url("cycle_decide", in_tpn),
        {
            "decision": Decision.AWARDED,
            "decree_number": "B/1234/M.RB.06/2026",
            "decree_date": "2026-10-01",
        },
    )

    assert response["Location"] == in_tpn.get_absolute_url()
    award = PredicateAward.objects.get()
    assert (award.unit, award.predicate, award.decree_number) == (
        in_tpn.unit,
        "wbk",
        "B/1234/M.RB.06/2026",
    )
    assert fresh(in_tpn).stage == Stage.KEPUTUSAN


def test_the_decision_page_is_for_tpn_reviewers(in_tpn, tpi_reviewer, client_for):
    assert client_for(tpi_reviewer).get(url("cycle_decide", in_tpn)).status_code == 403


REVOCATION = {
    "revoked_on": "2025-06-02",
    "decree_number": "B/77/M.RB.06/2025",
    "reason": "Pungutan liar",
}


def test_a_superuser_revokes_on_the_predicate_page(award, superuser, unit, client_for):
    client = client_for(superuser)

    response = client.post(reverse("change_areas:predicate_revoke", args=[award.pk]), REVOCATION)

    assert response["Location"] == reverse("change_areas:predicates", args=[unit.code])
    stored = PredicateAward.objects.get(pk=award.pk)
    assert (stored.revoked_on, stored.revocation_reason) == (
        datetime.date(2025, 6, 2),
        "Pungutan liar",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Dicabut Senin, 2 Juni 2025 dengan keputusan B/77/M.RB.06/2025." in html


@pytest.mark.parametrize(
    ("role", "status"), [("coordinator", 403), ("tpn_reviewer", 403), ("outsider", 404)]
)
def test_others_cannot_revoke(award, client_for, request, role, status):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("change_areas:predicate_revoke", args=[award.pk]), REVOCATION
    )

    assert response.status_code == status
    assert PredicateAward.objects.get(pk=award.pk).is_held
