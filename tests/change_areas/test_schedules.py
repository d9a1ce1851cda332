"""Schedules run by the campaign's owners: windows edited in the app, one unit's window moved
with a reason, "submit early, review early", and pages that say when a window opens and who
can open it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from change_areas import services, workflow
from change_areas.models import Campaign, Cycle, CycleEvent, Layer, Notification, Stage
from tests.change_areas.helpers import fresh
from tests.clock import on
from tests.factories import member
from units.models import Role

JAN, APR, MAY = datetime.date(2026, 1, 5), datetime.date(2026, 4, 1), datetime.date(2026, 5, 31)


@pytest.fixture
def campaign(framework, province, unit, other_unit) -> Campaign:
    campaign, _created, _skipped = services.campaign_open(
        root=province,
        framework=framework,
        year=2026,
        name="ZI 2026",
        fill_opens=JAN,
        fill_closes=datetime.date(2026, 3, 31),
        review_opens=APR,
        review_closes=MAY,
    )
    return campaign


@pytest.fixture
def province_admin(province):
    return member(province, Role.UNIT_ADMIN, "admin-provinsi")


def cycle_of(unit) -> Cycle:
    return Cycle.objects.select_related("unit", "campaign__root").get(unit=unit, year=2026)


def schedule(campaign, **changes) -> dict:
    values = {name: getattr(campaign, name) for name in services.WINDOW_FIELDS}
    values.update(name=campaign.name, early_review=campaign.early_review, coordinators_invite=False)
    values.update(changes)
    return {
        key: ("" if value is None else value) for key, value in values.items() if value is not False
    }


def test_the_owner_moves_the_campaign_windows_and_every_unit_follows_but_one_extended(
    campaign, province_admin, unit, other_unit, staff, client_for
):
    services.cycle_window_change(
        cycle=cycle_of(other_unit),
        window="fill",
        opens=JAN,
        closes=datetime.date(2026, 4, 15),
        reason="Gempa di Sorong",
        by=province_admin,
    )
    response = client_for(province_admin).post(
        reverse("change_areas:campaign_schedule", kwargs={"pk": campaign.pk}),
        schedule(
            campaign, fill_closes="2026-04-10", tpn_opens="2026-07-01", tpn_closes="2026-10-31"
        ),
    )

    assert response.status_code == 302
    mine, extended = cycle_of(unit), cycle_of(other_unit)
    assert mine.fill_closes == datetime.date(2026, 4, 10)
    assert mine.tpn_opens == datetime.date(2026, 7, 1)
    assert extended.fill_closes == datetime.date(2026, 4, 15)  # its own extension stays
    assert extended.tpn_opens == datetime.date(2026, 7, 1)
    assert CycleEvent.objects.filter(cycle=mine, action="window_change").exists()
    assert Notification.objects.filter(user=staff, verb="window_change").exists()
    assert mine.history.first().history_change_reason == "campaign_update"


def test_a_units_window_is_extended_with_a_reason_recorded_and_announced(
    campaign, province_admin, unit, staff, tpi_reviewer
):
    cycle = cycle_of(unit)
    with pytest.raises(ValidationError):
        services.cycle_window_change(
            cycle=cycle, window="review", opens=APR, closes=MAY, reason=" ", by=province_admin
        )

    services.cycle_window_change(
        cycle=cycle,
        window="review",
        opens=APR,
        closes=datetime.date(2026, 6, 30),
        reason="Tim TPI bertugas di lapangan",
        by=province_admin,
    )

    cycle = fresh(cycle)
    assert cycle.review_closes == datetime.date(2026, 6, 30)
    event = CycleEvent.objects.get(cycle=cycle, action="window_change")
    assert "Tim TPI bertugas di lapangan" in event.note and "30 Juni 2026" in event.note
    told = set(
        Notification.objects.filter(verb="window_change").values_list("user__username", flat=True)
    )
    assert {"staff", "tpi"} <= told
    assert "Tim TPI bertugas" in cycle.history.first().history_change_reason


def test_only_the_campaign_owner_moves_a_units_window(campaign, unit, unit_admin, outsider):
    cycle = cycle_of(unit)
    values = dict(window="fill", opens=JAN, closes=MAY, reason="x")
    with pytest.raises(Http404):  # a unit admin below the campaign's root does not own it
        services.cycle_window_change(cycle=cycle, by=unit_admin, **values)
    with pytest.raises(Http404):
        services.cycle_window_change(cycle=cycle, by=outsider, **values)


def test_the_page_refuses_a_unit_admin_below_the_root_with_403(
    campaign, unit, unit_admin, client_for
):
    response = client_for(unit_admin).post(
        reverse("change_areas:cycle_window", kwargs={"pk": cycle_of(unit).pk}),
        {"window": "fill", "opens": "2026-01-01", "closes": "2026-06-01", "reason": "x"},
    )
    assert response.status_code == 403


def test_review_waits_for_its_window_and_says_when_and_who_can_open_it(
    campaign, unit, coordinator, tpi_reviewer, client_for
):
    Cycle.objects.filter(unit=unit).update(stage=Stage.EVALUASI_TPI, submitted_at=timezone.now())
    cycle = cycle_of(unit)
    with on(datetime.date(2026, 3, 2)):
        editable, reason = workflow.layer_edit_state(cycle, Layer.TPI, tpi_reviewer)
        queue = client_for(tpi_reviewer).get(reverse("change_areas:review_queue"))
    assert not editable
    assert "Penilaian TPI baru dibuka pada Rabu, 1 April 2026." in reason
    assert "Admin Kantor Wilayah Contoh atau admin nasional dapat mengubah jadwal ini." in reason
    page = queue.content.decode()
    assert "dibuka Rabu, 1 April 2026" in page and "Kantor Wilayah Contoh" in page


def test_submit_early_review_early_opens_the_tpi_layer_at_submission(
    campaign, unit, tpi_reviewer, province_admin
):
    Cycle.objects.filter(unit=unit).update(stage=Stage.EVALUASI_TPI, submitted_at=timezone.now())
    with on(datetime.date(2026, 3, 2)):
        services.campaign_update(campaign=campaign, early_review=True, by=province_admin)
        cycle = cycle_of(unit)
        editable, _reason = workflow.layer_edit_state(cycle, Layer.TPI, tpi_reviewer)
    assert cycle.early_review and editable
    # A cycle not yet submitted still waits: the option opens review only after submission.
    waiting = cycle_of(unit)
    waiting.submitted_at = None
    assert workflow.window_opens(waiting, Layer.TPI) == APR


def test_the_owner_sees_the_schedule_form_and_others_see_who_owns_it(
    campaign, unit, province_admin, staff, client_for
):
    owner_page = client_for(province_admin).get(campaign.get_absolute_url()).content.decode()
    assert "Ubah jadwal dan pilihan kampanye" in owner_page
    assert 'name="early_review"' in owner_page
    cycle_page = client_for(staff).get(cycle_of(unit).get_absolute_url()).content.decode()
    assert (
        "Admin Kantor Wilayah Contoh atau admin nasional dapat mengubah jadwal ini." in cycle_page
    )
    assert "Ubah jadwal unit ini" not in cycle_page


def test_a_refused_schedule_changes_nothing(campaign, province_admin):
    with pytest.raises(ValidationError):
        services.campaign_update(
            campaign=campaign, review_closes=datetime.date(2026, 3, 1), by=province_admin
        )
    with pytest.raises(PermissionDenied):
        services.campaign_update(
            campaign=campaign,
            early_review=True,
            by=member(campaign.root, Role.COORDINATOR, "koordinator-provinsi"),
        )
    campaign.refresh_from_db()
    assert campaign.review_closes == MAY and not campaign.early_review


def test_year_selects_show_years_without_a_thousands_separator(unit, client_for, superuser):
    page = client_for(superuser).get(reverse("change_areas:campaign_list")).content.decode()
    year = datetime.date.today().year
    assert f">{year}</option>" in page
    assert f"{str(year)[0]}.{str(year)[1:]}" not in page
