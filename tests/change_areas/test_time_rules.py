"""The rules that count time, each with explicit dates: the two years after a revocation and
the year since pencanangan, counted in days to the proposal date; predicates held on a past
day; the proposal deadline of 31 May and its extension by the campaign owner."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from change_areas import selectors, services, workflow
from change_areas.models import Campaign, Cycle, Stage
from declarations import services as declaration_services
from tests.change_areas.helpers import fresh, meet_prerequisites, messages
from tests.clock import on
from tests.factories import CycleFactory, DeclarationFactory, PredicateAwardFactory
from units.models import Unit

MAY_31 = datetime.date(2026, 5, 31)


def check_of(cycle: Cycle, code: str) -> selectors.PrerequisiteCheck:
    return next(
        check
        for check in selectors.prerequisite_checklist(fresh(cycle))
        if check.prerequisite.code == code
    )


def revoked(unit, on_day: datetime.date):
    return PredicateAwardFactory(
        unit=unit, year=2023, decree_date=datetime.date(2023, 12, 1), revoked_on=on_day
    )


# --------------------------------------------------------------------------
# Two years after a revocation


def test_the_issue_example_revoked_1_september_2024_is_not_two_years_at_the_2026_deadline(unit):
    """1,75 years have passed on 31 May 2026, not "2 tahun" as calendar years would say."""
    revoked(unit, datetime.date(2024, 9, 1))
    cycle = CycleFactory(unit=unit, year=2026, proposal_closes=MAY_31)

    check = check_of(cycle, "bebas-pencabutan")

    assert (check.days, check.since, check.until) == (637, datetime.date(2024, 9, 1), MAY_31)
    assert check.display_value == "1 tahun 272 hari"
    assert check.met is False
    assert (
        check_of(
            CycleFactory(unit=unit, year=2027, proposal_closes=datetime.date(2027, 5, 31)),
            "bebas-pencabutan",
        ).met
        is True
    )


@pytest.mark.parametrize(
    ("revoked_on", "days", "met"),
    [(datetime.date(2024, 6, 1), 729, False), (datetime.date(2024, 5, 31), 730, True)],
)
def test_two_years_are_730_days_as_the_award_check_counts_them(unit, revoked_on, days, met):
    revoked(unit, revoked_on)
    check = check_of(CycleFactory(unit=unit, proposal_closes=MAY_31), "bebas-pencabutan")
    assert (check.days, check.met) == (days, met)


def test_the_award_check_refuses_a_decree_within_730_days_of_the_revocation(unit):
    revoked(unit, datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="dua tahun"):
        services.predicate_award(
            unit=unit,
            predicate="wbk",
            year=2026,
            decree_number="B/1/2026",
            decree_date=datetime.date(2026, 5, 31),  # day 729
            by=None,
        )
    services.predicate_award(
        unit=unit,
        predicate="wbk",
        year=2026,
        decree_number="B/1/2026",
        decree_date=datetime.date(2026, 6, 1),  # day 730
        by=None,
    )


def test_counted_to_the_campaigns_own_deadline_then_to_the_proposal_letter(
    unit, finalised, instansi_admin, sptjm, root_unit
):
    revoked(unit, datetime.date(2024, 6, 10))
    Cycle.objects.filter(pk=finalised.pk).update(proposal_closes=datetime.date(2026, 6, 30))
    meet_prerequisites(finalised)

    assert check_of(finalised, "bebas-pencabutan").days == 750  # to 30 June 2026

    with on(datetime.date(2026, 6, 12)):
        services.proposal_create(
            instansi=root_unit,
            year=2026,
            letter_number="B/45/KL/2026",
            letter_date=datetime.date(2026, 6, 12),
            sptjm=sptjm,
            cycles=[finalised],
            by=instansi_admin,
        )
    assert check_of(finalised, "bebas-pencabutan").days == 732  # to the letter of 12 June


def test_a_revocation_after_the_proposal_date_is_for_the_award_check_not_the_checklist(unit):
    revoked(unit, datetime.date(2025, 6, 2))
    assert (
        check_of(
            CycleFactory(unit=unit, year=2025, proposal_closes=datetime.date(2025, 5, 31)),
            "bebas-pencabutan",
        ).met
        is True
    )
    check = check_of(CycleFactory(unit=unit, year=2026, proposal_closes=MAY_31), "bebas-pencabutan")
    assert (check.days, check.met, check.display_value) == (363, False, "363 hari")


# --------------------------------------------------------------------------
# One year since pencanangan


def declared(unit, day: datetime.date):
    """A pencanangan on `day`, declared by the unit's head and finalised."""
    Unit.objects.filter(pk=unit.pk).update(
        head_name="Siti Nurhaliza, S.ST.", head_nip="198002142003122002", head_position="Kepala"
    )
    declaration = DeclarationFactory(unit=Unit.objects.get(pk=unit.pk), event_date=day)
    return declaration_services.declaration_finalise(declaration=declaration, by=None)


@pytest.mark.parametrize(
    ("event_date", "days", "met"),
    [(datetime.date(2025, 6, 10), 355, False), (datetime.date(2025, 5, 31), 365, True)],
)
def test_building_counts_from_the_pencanangan_not_the_first_cycle(unit, event_date, days, met):
    CycleFactory(unit=unit, year=2024)  # a first cycle long before: not what counts
    declared(unit, event_date)
    check = check_of(CycleFactory(unit=unit, proposal_closes=MAY_31), "lama-membangun")
    assert (check.since, check.days, check.met) == (event_date, days, met)


def test_a_pencanangan_of_the_instansi_above_counts_for_its_units(unit, root_unit):
    declared(root_unit, datetime.date(2024, 1, 15))
    check = check_of(CycleFactory(unit=unit, proposal_closes=MAY_31), "lama-membangun")
    assert (check.days, check.met, check.display_value) == (867, True, "2 tahun 137 hari")


def test_without_a_pencanangan_on_record_the_prerequisite_is_unknown(unit):
    CycleFactory(unit=unit, year=2020)
    check = check_of(CycleFactory(unit=unit, proposal_closes=MAY_31), "lama-membangun")
    assert (check.value, check.met) == (None, None)


def test_a_draft_declaration_is_not_a_pencanangan(unit):
    DeclarationFactory(unit=unit, event_date=datetime.date(2024, 1, 15))
    check = check_of(CycleFactory(unit=unit, proposal_closes=MAY_31), "lama-membangun")
    assert check.met is None


# --------------------------------------------------------------------------
# Predicates held on a past day


def test_held_predicates_on_a_past_day_honour_the_revocation_date(unit):
    revoked(unit, datetime.date(2025, 6, 2))
    assert selectors.held_predicates(unit, datetime.date(2023, 11, 30)) == set()
    assert selectors.held_predicates(unit, datetime.date(2023, 12, 1)) == {"wbk"}
    assert selectors.held_predicates(unit, datetime.date(2025, 6, 1)) == {"wbk"}
    assert selectors.held_predicates(unit, datetime.date(2025, 6, 2)) == set()


# --------------------------------------------------------------------------
# The proposal deadline


def test_a_proposal_after_31_may_is_refused_with_the_date(
    finalised, instansi_admin, sptjm, root_unit
):
    Cycle.objects.filter(pk=finalised.pk).update(proposal_closes=None)  # the regulation's 31 May
    meet_prerequisites(finalised)
    cycle = fresh(finalised)
    assert cycle.proposal_deadline == MAY_31

    with on(datetime.date(2026, 6, 1)), pytest.raises(ValidationError) as refused:
        services.proposal_create(
            instansi=root_unit,
            year=2026,
            letter_number="B/45/KL/2026",
            letter_date=datetime.date(2026, 6, 1),
            sptjm=sptjm,
            cycles=[cycle],
            by=instansi_admin,
        )
    assert "Batas pengusulan ke TPN Minggu, 31 Mei 2026 telah lewat" in messages(refused.value)
    assert fresh(cycle).stage == Stage.PENGUSULAN

    with on(MAY_31):
        assert workflow.proposal_blockers(fresh(cycle)) == []


def test_the_campaign_owner_extends_the_deadline_with_its_basis(
    root_unit, unit, instansi_admin, coordinator
):
    campaign, _created, _skipped = services.campaign_open(
        root=root_unit,
        framework=fresh(CycleFactory(unit=unit, year=2025)).framework,
        year=2026,
        name="ZI 2026",
        fill_opens=datetime.date(2026, 1, 1),
        fill_closes=datetime.date(2026, 3, 31),
        review_opens=datetime.date(2026, 4, 1),
        review_closes=datetime.date(2026, 5, 15),
        by=instansi_admin,
    )
    assert campaign.proposal_closes == MAY_31
    cycle = Cycle.objects.get(campaign=campaign, unit=unit)
    assert cycle.proposal_deadline == MAY_31

    with pytest.raises(Http404):  # a coordinator of a unit below: an outsider on the root
        services.campaign_set_proposal_deadline(
            campaign=campaign,
            proposal_closes=datetime.date(2026, 7, 31),
            basis="Surat TPN",
            by=coordinator,
        )
    with pytest.raises(ValidationError, match="dasar perubahan"):
        services.campaign_set_proposal_deadline(
            campaign=campaign,
            proposal_closes=datetime.date(2026, 7, 31),
            basis=" ",
            by=instansi_admin,
        )
    services.campaign_set_proposal_deadline(
        campaign=campaign,
        proposal_closes=datetime.date(2026, 7, 31),
        basis="Surat Deputi RB Kunwas B/100/2026",
        by=instansi_admin,
    )

    stored = Campaign.objects.get(pk=campaign.pk)
    assert (stored.proposal_closes, stored.proposal_extension) == (
        datetime.date(2026, 7, 31),
        "Surat Deputi RB Kunwas B/100/2026",
    )
    assert stored.history.first().history_change_reason.endswith(
        "Surat Deputi RB Kunwas B/100/2026"
    )
    assert Cycle.objects.get(pk=cycle.pk).proposal_deadline == datetime.date(2026, 7, 31)
    with on(datetime.date(2026, 7, 1)):
        assert workflow.proposal_window_reason(Cycle.objects.get(pk=cycle.pk)) is None
