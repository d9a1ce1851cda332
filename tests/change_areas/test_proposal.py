"""Proposing final cycles to the TPN (pengusulan): what blocks a cycle, who proposes for
the instansi, the SPTJM, and the TPN layer it opens."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from change_areas import services, workflow
from change_areas.models import Answer, Layer, Proposal, Stage
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    RETURNED,
    accept_all,
    answer_of,
    fresh,
    meet_prerequisites,
    messages,
    notified,
    propose,
    recipients,
    sptjm_of,
)
from tests.factories import AnswerFactory, member
from tests.files import upload
from units.models import Role

PROPOSALS = "/pengusulan/?instansi=KL&tahun=2026"


def proposal_form(cycle) -> dict:
    """What the instansi admin posts on the proposals page to propose `cycle`."""
    return {
        "instansi": "KL",
        "year": "2026",
        "letter_number": "B/45/KL/2026",
        "letter_date": "2026-05-20",
        "sptjm": upload("sptjm.pdf"),
        "cycles": [str(cycle.pk)],
    }


def test_a_final_eligible_cycle_with_every_prerequisite_has_no_blockers(finalised):
    meet_prerequisites(finalised)

    assert workflow.proposal_blockers(fresh(finalised)) == []


def test_blockers_name_failed_thresholds_and_unmet_prerequisites_in_words(submitted, tpi_reviewer):
    AnswerFactory(cycle=submitted, code="B.BBA.a.1", layer=Layer.TPI, number=3, by=tpi_reviewer)
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)

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
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
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
    assert stored.summary(Layer.TPN)["total"] == float(stored.tpi_total) == 99.75
    assert stored.tpn_total is None  # the TPN's figures count once it has decided
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
# On the pages


def test_the_instansi_admin_sees_the_final_cycles_with_what_blocks_them(
    finalised, instansi_admin, client_for
):
    response = client_for(instansi_admin).get(PROPOSALS)

    html = response.content.decode()
    assert response.status_code == 200
    assert [cycle.pk for cycle in response.context["candidates"]] == [finalised.pk]
    assert "Opini BPK atas laporan keuangan" in html
    assert "Usulkan ke TPN" not in html  # nothing may be proposed yet


@pytest.mark.parametrize("role", ["unit_admin", "coordinator", "tpi_reviewer"])
def test_people_who_do_not_administer_an_instansi_get_403_on_proposals(
    finalised, client_for, request, role
):
    response = client_for(request.getfixturevalue(role)).get(PROPOSALS)

    assert response.status_code == 403


def test_the_instansi_admin_proposes_with_the_sptjm(
    finalised, instansi_admin, tpn_reviewer, root_unit, client_for
):
    meet_prerequisites(finalised)
    client = client_for(instansi_admin)
    assert "Usulkan ke TPN" in client.get(PROPOSALS).content.decode()

    response = client.post("/pengusulan/", proposal_form(finalised))

    assert response.status_code == 302
    stored = fresh(finalised)
    assert stored.stage == Stage.EVALUASI_TPN
    proposal = Proposal.objects.get()
    assert stored.proposal == proposal
    assert (proposal.letter_number, proposal.sptjm.unit) == ("B/45/KL/2026", root_unit)
    assert Answer.objects.filter(cycle=stored, layer=Layer.TPN).count() == QUESTION_COUNT
    sent = client.get(PROPOSALS).content.decode()
    assert "B/45/KL/2026" in sent and "Satker Contoh" in sent


def test_a_blocked_cycle_cannot_be_posted_for_proposal(finalised, instansi_admin, client_for):
    response = client_for(instansi_admin).post("/pengusulan/", proposal_form(finalised))

    assert response.status_code == 400
    assert fresh(finalised).stage == Stage.PENGUSULAN
    assert not Proposal.objects.exists()
