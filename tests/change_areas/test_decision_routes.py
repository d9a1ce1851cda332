"""Who sets a predicate, on what evaluation: the TPN's award checked against the TPN layer
(an override needs a consideration, shown publicly), evaluasi mandiri by a designated
instansi (PermenPAN-RB 5/2024), the head of the agency under 52/2014; and the page that
lists the differences between two LKE versions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from change_areas import services, workflow
from change_areas.models import (
    Answer,
    Cycle,
    Decision,
    DecisionRoute,
    Framework,
    Layer,
    MandiriDesignation,
    PredicateAward,
    Stage,
)
from tests.change_areas.helpers import (
    DECREE,
    DECREE_DATE,
    fresh,
    meet_prerequisites,
    messages,
    url,
)
from tests.factories import AnswerFactory, CycleFactory, member
from units.models import Role

REASON = "Hasil evaluasi lapangan menunjukkan perbaikan sesudah survei; panel menyetujui."


def award(cycle, by, **extra):
    return services.cycle_decide(
        cycle=cycle,
        decision=Decision.AWARDED,
        decree_number=DECREE,
        decree_date=DECREE_DATE,
        by=by,
        **extra,
    )


@pytest.fixture
def failing_tpn(proposed, tpn_reviewer):
    """The TPN's own survey puts IPAK at 3,00: the TPN layer fails Menuju WBK."""
    AnswerFactory(cycle=proposed, code="B.BBA.a.1", layer=Layer.TPN, number=3, by=tpn_reviewer)
    return fresh(proposed)


def test_an_award_the_tpn_layer_does_not_support_is_refused_with_its_reasons(
    failing_tpn, tpn_reviewer
):
    with pytest.raises(ValidationError) as refused:
        award(failing_tpn, tpn_reviewer)

    text = messages(refused.value)
    assert (
        "Survei Persepsi Anti Korupsi (indeks 3,60) 13,13 dari 17,50 di bawah minimal 15,75" in text
    )
    assert "pertimbangan" in text
    assert fresh(failing_tpn).stage == Stage.EVALUASI_TPN
    assert not PredicateAward.objects.exists()


def test_an_override_with_its_consideration_is_kept_and_shown_publicly(
    failing_tpn, tpn_reviewer, client
):
    award(failing_tpn, tpn_reviewer, override_reason=REASON)

    stored = PredicateAward.objects.get()
    assert (stored.override_reason, stored.with_consideration, stored.decided_by) == (
        REASON,
        True,
        tpn_reviewer,
    )
    assert REASON in stored.history.first().history_change_reason
    event = fresh(failing_tpn).events.get(action="award")
    assert REASON in event.note
    page = client.get(reverse("public:unit", kwargs={"code": failing_tpn.unit.code}))
    assert "ditetapkan dengan pertimbangan" in page.content.decode()


def test_a_consideration_is_not_recorded_when_the_tpn_layer_meets_every_rule(
    proposed, tpn_reviewer
):
    award(proposed, tpn_reviewer, override_reason="tidak perlu")
    assert PredicateAward.objects.get().override_reason == ""


def test_the_decision_page_asks_for_the_consideration(failing_tpn, tpn_reviewer, client_for):
    client = client_for(tpn_reviewer)
    page = client.get(url("cycle_decide", failing_tpn)).content.decode()
    assert "Lapis TPN belum memenuhi semua nilai ambang" in page

    refused = client.post(
        url("cycle_decide", failing_tpn),
        {"decision": Decision.AWARDED, "decree_number": DECREE, "decree_date": "2026-10-01"},
    )
    assert refused.status_code == 400
    assert not PredicateAward.objects.exists()

    done = client.post(
        url("cycle_decide", failing_tpn),
        {
            "decision": Decision.AWARDED,
            "decree_number": DECREE,
            "decree_date": "2026-10-01",
            "override_reason": REASON,
        },
    )
    assert done.status_code == 302
    assert PredicateAward.objects.get().override_reason == REASON


# --------------------------------------------------------------------------
# Evaluasi mandiri (5/2024) and the head of the agency (52/2014)


@pytest.fixture
def evaluator(root_unit):
    """The instansi's own evaluation team."""
    return member(root_unit, Role.INSTANSI_EVALUATOR, "tim-mandiri")


def designate(instansi, **extra):
    values = {
        "instansi": instansi,
        "decree_number": "B/12/M.PANRB/2025",
        "decree_date": datetime.date(2025, 3, 3),
        "valid_from": 2025,
        "by": None,
    }
    values.update(extra)
    return services.mandiri_designation_add(**values)


def set_wbk(cycle, by):
    return services.cycle_set_wbk_by_instansi(
        cycle=cycle, decree_number="KEP/7/KL/2026", decree_date=datetime.date(2026, 6, 2), by=by
    )


def test_an_instansi_not_designated_may_not_set_wbk(finalised, evaluator):
    meet_prerequisites(finalised)
    with pytest.raises(ValidationError, match="belum ditetapkan Menteri"):
        set_wbk(finalised, evaluator)
    assert not PredicateAward.objects.exists()


def test_a_designated_instansis_evaluation_team_sets_wbk_recorded_apart_from_the_tpn(
    finalised, evaluator, root_unit
):
    meet_prerequisites(finalised)
    designate(root_unit)

    assert "set_by_instansi" in workflow.allowed(fresh(finalised), evaluator)
    set_wbk(finalised, evaluator)

    stored = fresh(finalised)
    assert (stored.stage, stored.decision) == (Stage.KEPUTUSAN, Decision.AWARDED)
    granted = PredicateAward.objects.get()
    assert (granted.route, granted.decided_by, granted.predicate) == (
        DecisionRoute.MANDIRI,
        evaluator,
        "wbk",
    )
    assert "B/12/M.PANRB/2025" in granted.basis
    assert stored.events.get(action="set_by_instansi").actor == evaluator


def test_mandiri_is_for_menuju_wbk_only_and_needs_the_tpi_layer_to_meet_the_rules(
    unit, evaluator, root_unit, tpi_reviewer
):
    designate(root_unit)
    wbbm = CycleFactory(unit=unit, filled=True, target="wbbm", stage=Stage.PENGUSULAN)
    with pytest.raises(ValidationError, match="hanya dapat menetapkan Menuju WBK"):
        set_wbk(wbbm, evaluator)
    weak = CycleFactory(unit=unit, year=2027, filled=True, stage=Stage.PENGUSULAN)
    services.copy_layer(weak, Layer.SELF, Layer.TPI, by=None)
    Answer.objects.filter(cycle=weak, layer=Layer.TPI, question__code="B.BBA.a.1").update(number=3)
    services.cycle_refresh_summary(cycle=weak, layer=Layer.TPI)
    with pytest.raises(ValidationError, match="Survei Persepsi Anti Korupsi"):
        set_wbk(fresh(weak), evaluator)


def test_a_designation_outside_its_years_does_not_count(finalised, evaluator, root_unit):
    meet_prerequisites(finalised)
    designate(root_unit, valid_from=2024, valid_until=2025)
    with pytest.raises(ValidationError, match="belum ditetapkan Menteri"):
        set_wbk(finalised, evaluator)


def test_only_the_instansis_evaluation_team_sets_wbk(
    finalised, root_unit, coordinator, instansi_admin
):
    meet_prerequisites(finalised)
    designate(root_unit)
    with pytest.raises(Http404):  # no role on the instansi at all, as for a proposal
        set_wbk(finalised, coordinator)
    with pytest.raises(PermissionDenied):  # the instansi's admin is not its evaluation team
        set_wbk(finalised, instansi_admin)


def test_under_52_2014_the_head_of_the_agency_sets_wbk(unit, evaluator):
    cycle = CycleFactory(
        unit=unit,
        year=2019,
        framework=Framework.objects.get(code="permenpan-rb-52-2014"),
        filled=True,
        stage=Stage.PENGUSULAN,
    )
    services.copy_layer(cycle, Layer.SELF, Layer.TPI, by=None)
    services.cycle_refresh_summary(cycle=cycle, layer=Layer.TPI)
    meet_prerequisites(cycle)

    set_wbk(fresh(cycle), evaluator)

    assert PredicateAward.objects.get().route == DecisionRoute.PIMPINAN


def test_only_national_admins_record_designations(root_unit, instansi_admin, superuser):
    with pytest.raises(PermissionDenied):
        designate(root_unit, by=instansi_admin)
    designate(root_unit, by=superuser)
    assert MandiriDesignation.objects.get().recorded_by == superuser


def test_the_evaluation_team_sets_wbk_in_the_browser(finalised, evaluator, root_unit, client_for):
    meet_prerequisites(finalised)
    designate(root_unit)
    client = client_for(evaluator)
    overview = client.get(fresh(finalised).get_absolute_url()).content.decode()
    assert reverse("change_areas:instansi_wbk", kwargs={"pk": finalised.pk}) in overview

    response = client.post(
        reverse("change_areas:instansi_wbk", kwargs={"pk": finalised.pk}),
        {"decree_number": "KEP/7/KL/2026", "decree_date": "2026-06-02"},
    )

    assert response.status_code == 302
    assert Cycle.objects.get(pk=finalised.pk).decision == Decision.AWARDED


# --------------------------------------------------------------------------
# Versions side by side


def test_the_version_page_lists_every_difference_following_renamed_codes(
    catalogs, viewer, client_for
):
    response = client_for(viewer).get(
        reverse(
            "change_areas:version_compare",
            kwargs={"old": "permenpan-rb-90-2021", "new": "permenpan-rb-90-2021-lke-2026"},
        )
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "23 perbedaan" in html
    assert "A.PW.RFM.iii.NONLHKPN" in html and "dahulu A.PW.RFM.iii.LHKASN" in html
    assert "Whistle-Blowing System telah diterapkan" in html
    assert "SE Menteri PANRB No. 2 Tahun 2023" in html
    assert "value_rule" not in html  # the rules are written as expressions but compute the same
