"""Proposal prerequisites (syarat pengusulan): where values are recorded, how grades and
numbers compare with the minimum of the cycle's target and instansi type, the computed
ones, and who may record what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import selectors, services
from change_areas.models import Cycle, Framework, Prerequisite, PrerequisiteRecord
from tests.factories import CycleFactory, PredicateAwardFactory, UnitFactory, member
from tests.pages import messages_of
from units.models import Role, Unit, UnitKind


@pytest.fixture
def pemda_cycle() -> Cycle:
    regency = UnitFactory(code="PEMKAB", kind=UnitKind.PEMERINTAH_DAERAH)
    opd = UnitFactory(code="PEMKAB-DINKES", kind=UnitKind.OPD, parent=regency)
    return CycleFactory(unit=opd)


def prerequisite(code: str) -> Prerequisite:
    return Prerequisite.objects.get(framework=Framework.objects.current(), code=code)


def check_of(cycle: Cycle, code: str) -> selectors.PrerequisiteCheck:
    checks = {check.prerequisite.code: check for check in selectors.prerequisite_checklist(cycle)}
    return checks[code]


def record(cycle: Cycle, code: str, value: str, by=None) -> PrerequisiteRecord:
    return services.prerequisite_record_save(
        cycle=cycle, prerequisite=prerequisite(code), value=value, by=by
    )


def page_url(cycle: Cycle) -> str:
    return reverse("change_areas:prerequisites", kwargs={"pk": cycle.pk})


# --------------------------------------------------------------------------
# Where values live


def test_instansi_level_value_is_recorded_on_the_root_and_applies_to_all_its_units(
    cycle, root_unit, other_unit, instansi_admin
):
    sibling = CycleFactory(unit=other_unit)

    saved = record(cycle, "predikat-sakip", "A", by=instansi_admin)

    assert saved.unit == root_unit
    assert (saved.year, saved.value, saved.recorded_by) == (2026, "A", instansi_admin)
    for each in (cycle, sibling):
        check = check_of(each, "predikat-sakip")
        assert (check.value, check.required, check.met) == ("A", "B", True)
        assert check.record == saved


def test_instansi_value_of_another_year_does_not_count(cycle, unit, instansi_admin):
    record(cycle, "predikat-sakip", "A", by=instansi_admin)
    next_year = CycleFactory(unit=unit, year=2027)

    check = check_of(next_year, "predikat-sakip")

    assert (check.value, check.met) == (None, None)


def test_unit_level_value_is_recorded_on_the_unit_only(cycle, unit, other_unit, coordinator):
    sibling = CycleFactory(unit=other_unit)

    saved = record(cycle, "tlhp", "100", by=coordinator)

    assert saved.unit == unit
    assert (check_of(cycle, "tlhp").value, check_of(cycle, "tlhp").met) == ("100", True)
    assert (check_of(sibling, "tlhp").value, check_of(sibling, "tlhp").met) == (None, None)


def test_recording_again_updates_the_value_with_history(cycle, coordinator, unit_admin):
    record(cycle, "tlhp", "80", by=coordinator)
    record(cycle, "tlhp", "100", by=unit_admin)

    saved = PrerequisiteRecord.objects.get()
    assert (saved.value, saved.recorded_by) == ("100", unit_admin)
    latest = saved.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (
        unit_admin,
        "prerequisite_record_save",
    )
    assert set(saved.history.values_list("value", flat=True)) == {"80", "100"}


# --------------------------------------------------------------------------
# Comparing with the minimum


def test_grades_compare_best_first(cycle, unit, instansi_admin):
    record(cycle, "predikat-sakip", "A", by=instansi_admin)
    assert check_of(cycle, "predikat-sakip").met is True  # A is better than the WBK minimum B

    record(cycle, "predikat-sakip", "B", by=instansi_admin)
    assert check_of(cycle, "predikat-sakip").met is True  # B meets B

    record(cycle, "predikat-sakip", "CC", by=instansi_admin)
    assert check_of(cycle, "predikat-sakip").met is False


def test_wbbm_asks_for_a_better_grade(unit, instansi_admin):
    cycle = CycleFactory(unit=unit, target="wbbm")

    record(cycle, "predikat-sakip", "B", by=instansi_admin)

    check = check_of(cycle, "predikat-sakip")
    assert (check.value, check.required, check.met) == ("B", "BB", False)
    record(cycle, "predikat-sakip", "BB", by=instansi_admin)
    assert check_of(cycle, "predikat-sakip").met is True


def test_opini_bpk_needs_wtp(cycle, instansi_admin):
    record(cycle, "opini-bpk", "WDP", by=instansi_admin)
    assert (check_of(cycle, "opini-bpk").required, check_of(cycle, "opini-bpk").met) == (
        "WTP",
        False,
    )
    record(cycle, "opini-bpk", "WTP", by=instansi_admin)
    assert check_of(cycle, "opini-bpk").met is True


def test_indeks_rb_minimum_differs_for_pemda_and_kl(cycle, pemda_cycle, instansi_admin):
    regency_admin = member(Unit.objects.get(code="PEMKAB"), Role.UNIT_ADMIN)
    record(cycle, "indeks-rb", "CC", by=instansi_admin)
    record(pemda_cycle, "indeks-rb", "CC", by=regency_admin)

    kl, pemda = check_of(cycle, "indeks-rb"), check_of(pemda_cycle, "indeks-rb")

    assert (kl.required, kl.met) == ("B", False)
    assert (pemda.required, pemda.met) == ("CC", True)


def test_boolean_and_percent_prerequisites(cycle, coordinator):
    record(cycle, "layanan-inti", "ya", by=coordinator)
    record(cycle, "dampak-persepsi", "tidak", by=coordinator)
    record(cycle, "tlhp", "99,5", by=coordinator)
    record(cycle, "lhkpn-lhkasn", "100", by=coordinator)

    assert check_of(cycle, "layanan-inti").met is True
    assert check_of(cycle, "dampak-persepsi").met is False
    assert check_of(cycle, "tlhp").met is False  # 99.5 % < 100 %
    assert check_of(cycle, "lhkpn-lhkasn").met is True


def test_unrecorded_prerequisites_are_unknown_not_failed(cycle):
    check = check_of(cycle, "opini-bpk")

    assert (check.value, check.met, check.record) == (None, None, None)


# --------------------------------------------------------------------------
# Computed prerequisites


def test_unit_never_revoked_meets_the_prerequisite(cycle, unit, other_unit):
    PredicateAwardFactory(unit=unit, decree_date=datetime.date(2024, 12, 10))  # held, not revoked
    PredicateAwardFactory(
        unit=other_unit,
        decree_date=datetime.date(2024, 12, 10),
        revoked_on=datetime.date(2025, 6, 1),
    )

    assert check_of(cycle, "bebas-pencabutan").met is True


# --------------------------------------------------------------------------
# Who may record what, and bad values


def test_coordinator_may_record_unit_level_but_not_instansi_level(cycle, coordinator, client_for):
    client = client_for(coordinator)

    unit_level = client.post(
        page_url(cycle), {"prerequisite": prerequisite("tlhp").pk, "value": "100"}
    )
    instansi_level = client.post(
        page_url(cycle), {"prerequisite": prerequisite("predikat-sakip").pk, "value": "A"}
    )

    assert unit_level.status_code == 302
    assert instansi_level.status_code == 403
    assert list(PrerequisiteRecord.objects.values_list("prerequisite__code", "value")) == [
        ("tlhp", "100")
    ]
    with pytest.raises(PermissionDenied):
        record(cycle, "opini-bpk", "WTP", by=coordinator)


def test_instansi_admin_records_instansi_level_on_the_page(
    cycle, root_unit, instansi_admin, client_for
):
    response = client_for(instansi_admin).post(
        page_url(cycle), {"prerequisite": prerequisite("predikat-sakip").pk, "value": "BB"}
    )

    assert response.status_code == 302
    saved = PrerequisiteRecord.objects.get()
    assert (saved.unit, saved.value, saved.recorded_by) == (root_unit, "BB", instansi_admin)
    assert any("Predikat SAKIP instansi" in text for text in messages_of(response))


@pytest.mark.parametrize("role", ["unit_admin", "coordinator"])
def test_unit_admin_of_a_satker_cannot_record_for_the_whole_instansi(
    cycle, client_for, request, role
):
    person = request.getfixturevalue(role)

    response = client_for(person).post(
        page_url(cycle), {"prerequisite": prerequisite("indeks-rb").pk, "value": "A"}
    )

    assert response.status_code == 403
    assert not PrerequisiteRecord.objects.exists()


@pytest.mark.parametrize("role", ["staff", "viewer", "tpi_reviewer"])
def test_people_who_may_not_record_get_403(cycle, client_for, request, role):
    person = request.getfixturevalue(role)

    response = client_for(person).post(
        page_url(cycle), {"prerequisite": prerequisite("tlhp").pk, "value": "100"}
    )

    assert response.status_code == 403
    assert not PrerequisiteRecord.objects.exists()
    assert client_for(person).get(page_url(cycle)).status_code == 200


def test_outsider_gets_404(cycle, outsider, client_for):
    response = client_for(outsider).post(
        page_url(cycle), {"prerequisite": prerequisite("tlhp").pk, "value": "100"}
    )

    assert response.status_code == 404
    assert not PrerequisiteRecord.objects.exists()


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("sakip-unit", "E", "Nilai 'E' tidak dikenal; pilih salah satu: AA, A, BB, B, CC, C, D"),
        ("tlhp", "abc", "Isikan angka."),
        ("tlhp", "150", "Angka di luar rentang yang mungkin."),
        ("lhkpn-lhkasn", "-5", "Angka di luar rentang yang mungkin."),
        ("layanan-inti", "mungkin", "Isikan ya atau tidak."),
    ],
    ids=["grade-not-in-list", "percent-abc", "percent-150", "percent-negative", "boolean"],
)
def test_bad_values_are_refused(cycle, coordinator, client_for, code, value, message):
    with pytest.raises(ValidationError) as refused:
        record(cycle, code, value, by=coordinator)
    assert message in " ".join(refused.value.messages)

    response = client_for(coordinator).post(
        page_url(cycle), {"prerequisite": prerequisite(code).pk, "value": value}
    )

    assert response.status_code == 400
    assert any(message in text for text in messages_of(response))
    assert not PrerequisiteRecord.objects.exists()


def test_bad_value_leaves_the_recorded_one(cycle, coordinator):
    record(cycle, "tlhp", "90", by=coordinator)

    with pytest.raises(ValidationError):
        record(cycle, "tlhp", "abc", by=coordinator)

    assert PrerequisiteRecord.objects.get().value == "90"


def test_prerequisite_of_another_framework_is_not_found(cycle, catalogs, coordinator, client_for):
    legacy = Prerequisite.objects.filter(framework=catalogs["permenpan-rb-52-2014"]).first()
    assert legacy is not None

    response = client_for(coordinator).post(
        page_url(cycle), {"prerequisite": legacy.pk, "value": "WTP"}
    )

    assert response.status_code == 404
    assert not PrerequisiteRecord.objects.exists()


def test_page_lists_every_prerequisite_with_its_state(cycle, coordinator, client_for):
    record(cycle, "tlhp", "100", by=coordinator)
    record(cycle, "lhkpn-lhkasn", "90", by=coordinator)

    response = client_for(coordinator).get(page_url(cycle))

    html = response.content.decode()
    assert response.status_code == 200
    for check in selectors.prerequisite_checklist(cycle):
        assert check.prerequisite.name in html
    rows = {
        name: html.split(name, 1)[1].split("</tr>", 1)[0]
        for name in (
            "Penyelesaian tindak lanjut hasil pemeriksaan",
            "Kepatuhan penyampaian LHKAN dan LHKPN",
            "Opini BPK atas laporan keuangan",
        )
    }
    assert ">terpenuhi<" in rows["Penyelesaian tindak lanjut hasil pemeriksaan"]
    assert "belum terpenuhi" in rows["Kepatuhan penyampaian LHKAN dan LHKPN"]
    assert "belum dicatat" in rows["Opini BPK atas laporan keuangan"]
