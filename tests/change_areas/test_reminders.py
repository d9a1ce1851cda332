"""Notifications and the daily reminders: what `send_reminders` sends to whom, once a day;
e-mails only after the step commits and never breaking it; the notices on the home page
and on /notifikasi/."""

from __future__ import annotations

import datetime
import smtplib
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from change_areas import notifications, services
from change_areas.models import Cycle, Layer, Notification, ReminderLog, Stage, WorkPlanStatus
from tests.change_areas.helpers import force_stage, fresh, recipients, run
from tests.clock import on
from tests.factories import CycleFactory, WorkPlanItemFactory, member
from units.models import Role

TODAY = datetime.date(2026, 12, 28)  # a Monday


@pytest.fixture(autouse=True)
def today():
    """Every test runs on TODAY; a test may move the clock with `on(day)`."""
    with on(TODAY):
        yield TODAY


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


def remind(*args: str) -> str:
    return run("send_reminders", *args)


@pytest.fixture
def team(staff, coordinator, unit_admin, viewer, tpi_reviewer) -> list[str]:
    """The unit's people: the team (staff, coordinator, unit admin), a viewer, a reviewer."""
    return ["coordinator@example.go.id", "staff@example.go.id", "unitadmin@example.go.id"]


def filling(unit, closes: datetime.date, *, year: int = 2026) -> Cycle:
    return CycleFactory(unit=unit, year=year, fill_opens=days(-60), fill_closes=closes)


# --------------------------------------------------------------------------
# Filling windows


def test_a_fill_window_closing_within_the_horizon_reminds_the_unit_team(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = filling(unit, days(3))

    with django_capture_on_commit_callbacks(execute=True):
        output = remind("--days", "7")

    assert recipients(mailoutbox) == team
    message = mailoutbox[0]
    assert (
        message.subject
        == "[ZI Tracker] Pengisian LKE Satker Contoh ditutup Kamis, 31 Desember 2026"
    )
    assert "3 hari lagi" in message.body
    assert f"{settings.ZI_PUBLIC_BASE_URL}/siklus/{cycle.pk}/" in message.body
    reminded = Notification.objects.filter(verb="reminder", cycle=cycle)
    assert sorted(reminded.values_list("user__username", flat=True)) == [
        "coordinator",
        "staff",
        "unitadmin",
    ]
    assert set(ReminderLog.objects.values_list("key", "day")) == {
        (f"fill-closes:{cycle.pk}", TODAY)
    }
    assert ReminderLog.objects.count() == 3
    assert "Pengingat terkirim: 3" in output


@pytest.mark.parametrize(("closes_in", "horizon"), [(0, "7"), (7, "7"), (1, "1")])
def test_the_horizon_includes_its_first_and_last_day(
    unit, team, mailoutbox, django_capture_on_commit_callbacks, closes_in, horizon
):
    filling(unit, days(closes_in))

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", horizon)

    assert recipients(mailoutbox) == team


@pytest.mark.parametrize(("closes_in", "horizon"), [(8, "7"), (3, "2"), (-1, "7"), (30, None)])
def test_windows_beyond_the_horizon_or_already_closed_are_not_reminded(
    unit, team, mailoutbox, django_capture_on_commit_callbacks, closes_in, horizon
):
    filling(unit, days(closes_in))

    with django_capture_on_commit_callbacks(execute=True):
        output = remind(*(["--days", horizon] if horizon else []))

    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert not ReminderLog.objects.exists()
    assert "Pengingat terkirim: 0" in output


@pytest.mark.parametrize("stage", [Stage.EVALUASI_TPI, Stage.PENGUSULAN, Stage.KEPUTUSAN])
def test_cycles_past_the_self_assessment_get_no_fill_reminder(
    unit, team, mailoutbox, django_capture_on_commit_callbacks, stage
):
    force_stage(filling(unit, days(3)), stage)

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_only_cycles_in_the_horizon_are_reminded_among_several(
    unit, other_unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    soon = filling(unit, days(2))
    filling(unit, days(20), year=2025)
    filling(other_unit, days(-2))

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert set(ReminderLog.objects.values_list("key", flat=True)) == {f"fill-closes:{soon.pk}"}
    assert recipients(mailoutbox) == team


# --------------------------------------------------------------------------
# Review windows


def reviewing(
    unit, closes: datetime.date, stage: str = Stage.EVALUASI_TPI, *, year: int = 2026
) -> Cycle:
    return CycleFactory(
        unit=unit, year=year, review_opens=days(-30), review_closes=closes, stage=stage
    )


def test_a_review_window_closing_reminds_the_tpi_reviewers_covering_the_unit(
    unit, province_tpi_reviewer, team, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = reviewing(unit, days(2))

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == ["tpi-provinsi@example.go.id", "tpi@example.go.id"]
    message = mailoutbox[0]
    assert (
        message.subject == "[ZI Tracker] Penilaian TPI Satker Contoh ditutup Rabu, 30 Desember 2026"
    )
    assert "2 hari lagi" in message.body
    assert f"/siklus/{cycle.pk}/tinjau/tpi/area/A.MP/" in message.body
    assert set(ReminderLog.objects.values_list("key", flat=True)) == {f"review-closes:{cycle.pk}"}


def test_a_review_window_closing_while_the_unit_holds_returned_questions_reminds_the_reviewers(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    revising = reviewing(unit, days(5), stage=Stage.EVALUASI_TPI)
    Cycle.objects.filter(pk=revising.pk).update(revision_layer=Layer.TPI)  # a round is open

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == ["tpi@example.go.id"]


@pytest.mark.parametrize("stage", [Stage.PEMBANGUNAN, Stage.PENGUSULAN, Stage.EVALUASI_TPN])
def test_cycles_outside_the_tpi_evaluation_get_no_review_reminder(
    unit, team, mailoutbox, django_capture_on_commit_callbacks, stage
):
    reviewing(unit, days(2), stage=stage)

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_review_window_beyond_the_horizon_is_not_reminded(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    reviewing(unit, days(9))

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert mailoutbox == []


# --------------------------------------------------------------------------
# Overdue work plans


def item(cycle: Cycle, title: str, due: datetime.date, status=WorkPlanStatus.PLANNED):
    return WorkPlanItemFactory(cycle=cycle, title=title, due_date=due, status=status)


def test_overdue_work_plan_items_remind_the_unit_team(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit)
    item(cycle, "Sosialisasi pakta integritas", days(-1))
    item(cycle, "Survei internal", days(-10), status=WorkPlanStatus.IN_PROGRESS)
    item(cycle, "SK tim kerja", days(-5), status=WorkPlanStatus.DONE)
    item(cycle, "Rapat evaluasi", days(-5), status=WorkPlanStatus.CANCELLED)
    item(cycle, "Lokakarya", TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == team
    message = mailoutbox[0]
    assert message.subject == "[ZI Tracker] 2 kegiatan rencana kerja Satker Contoh terlambat"
    assert "Sosialisasi pakta integritas (tenggat Minggu, 27 Desember 2026)" in message.body
    assert "Survei internal" in message.body
    for title in ("SK tim kerja", "Rapat evaluasi", "Lokakarya"):
        assert title not in message.body
    assert f"/siklus/{cycle.pk}/rencana-kerja/" in message.body
    assert set(ReminderLog.objects.values_list("key", flat=True)) == {f"overdue:{cycle.pk}"}


def test_a_work_plan_without_overdue_items_sends_nothing(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit)
    item(cycle, "Lokakarya", days(4))

    with django_capture_on_commit_callbacks(execute=True):
        remind()

    assert mailoutbox == []


# --------------------------------------------------------------------------
# Once a day


@pytest.fixture
def due_everything(unit, team) -> Cycle:
    """A filling window and an overdue item (2026), a review window (2025), all due now."""
    cycle = filling(unit, days(3))
    item(cycle, "Sosialisasi", days(-1))
    reviewing(unit, days(2), year=2025)
    return cycle


def test_running_twice_the_same_day_sends_nothing_new(
    due_everything, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")
    sent = len(mailoutbox)
    logs, notices = ReminderLog.objects.count(), Notification.objects.count()
    assert sent == 7  # 3 fill + 3 overdue to the team, 1 review to the reviewer

    with django_capture_on_commit_callbacks(execute=True):
        output = remind("--days", "7")

    assert len(mailoutbox) == sent
    assert (ReminderLog.objects.count(), Notification.objects.count()) == (logs, notices)
    assert "Pengingat terkirim: 0" in output


def test_the_next_day_it_reminds_again(
    due_everything, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")
    first = recipients(mailoutbox)
    mailoutbox.clear()

    with on(days(1)), django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == first
    assert sorted(set(ReminderLog.objects.values_list("day", flat=True))) == [TODAY, days(1)]


def test_a_reminder_logged_yesterday_does_not_hold_back_todays(
    unit, team, staff, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = filling(unit, days(3))
    ReminderLog.objects.create(user=staff, key=f"fill-closes:{cycle.pk}", day=days(-1))
    ReminderLog.objects.create(user=staff, key="fill-closes:0", day=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == team


def test_a_person_already_reminded_today_is_skipped_but_the_others_are_not(
    unit, team, staff, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = filling(unit, days(3))
    ReminderLog.objects.create(user=staff, key=f"fill-closes:{cycle.pk}", day=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        remind("--days", "7")

    assert recipients(mailoutbox) == ["coordinator@example.go.id", "unitadmin@example.go.id"]


# --------------------------------------------------------------------------
# E-mails: after commit, never breaking the step


def test_a_mail_server_that_fails_does_not_break_a_transition(
    unit, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit, filled=True)
    failing = mock.patch.object(
        notifications, "send_mass_mail", side_effect=smtplib.SMTPException("server down")
    )

    with failing as sender, django_capture_on_commit_callbacks(execute=True):
        services.cycle_submit(cycle=cycle, by=coordinator)

    assert sender.called
    assert fresh(cycle).stage == Stage.EVALUASI_TPI
    assert Notification.objects.filter(user=tpi_reviewer, verb="submit").exists()
    assert mailoutbox == []


def test_a_mail_server_that_fails_does_not_break_the_reminders(
    unit, team, mailoutbox, django_capture_on_commit_callbacks
):
    filling(unit, days(3))

    with (
        mock.patch.object(notifications, "send_mass_mail", side_effect=ConnectionRefusedError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        output = remind("--days", "7")

    assert "Pengingat terkirim: 3" in output
    assert Notification.objects.filter(verb="reminder").count() == 3
    assert mailoutbox == []


def test_a_step_that_is_rolled_back_mails_nobody(
    unit, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit, filled=True)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.cycle_submit(cycle=cycle, by=coordinator)
        raise RuntimeError("a later step failed")

    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert fresh(cycle).stage == Stage.PEMBANGUNAN


def test_mails_wait_for_the_commit(
    unit, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit, filled=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cycle_submit(cycle=cycle, by=coordinator)
        assert mailoutbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert recipients(mailoutbox) == ["tpi@example.go.id"]


def test_people_without_an_address_get_the_notice_only_and_inactive_people_nothing(
    unit,
    coordinator,
    tpi_reviewer,
    province,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    no_mail = member(province, Role.TPI_REVIEWER, "tpi-tanpa-surel")
    no_mail.email = ""
    no_mail.save()
    gone = member(province, Role.TPI_REVIEWER, "tpi-pensiun")
    gone.is_active = False
    gone.save()
    cycle = CycleFactory(unit=unit, filled=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_submit(cycle=cycle, by=coordinator)

    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"tpi", "tpi-tanpa-surel"}
    assert recipients(mailoutbox) == ["tpi@example.go.id"]


def test_the_mail_greets_the_person_and_links_the_page(
    unit, coordinator, tpi_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(unit=unit, filled=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_submit(cycle=cycle, by=coordinator)

    message = mailoutbox[0]
    assert message.subject == "[ZI Tracker] LKE Satker Contoh siap dinilai"
    assert message.body.startswith(f"Yth. {tpi_reviewer.get_full_name()},")
    assert f"{settings.ZI_PUBLIC_BASE_URL}/siklus/{cycle.pk}/tinjau/tpi/area/A.MP/" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


# --------------------------------------------------------------------------
# Notices in the application


@pytest.fixture
def notices(unit, coordinator, tpi_reviewer, staff) -> Cycle:
    """The TPI reviewer is told of a submission; the staff member has a read notice."""
    cycle = CycleFactory(unit=unit, filled=True)
    services.cycle_submit(cycle=cycle, by=coordinator)
    Notification.objects.create(
        user=staff, cycle=cycle, verb="comment", message="Sudah dibaca", read_at=timezone.now()
    )
    return cycle


def test_the_home_page_lists_the_unread_notices(notices, tpi_reviewer, staff, client_for):
    reviewer_home = client_for(tpi_reviewer).get(reverse("home")).content.decode()
    staff_home = client_for(staff).get(reverse("home")).content.decode()

    assert "Satker Contoh mengajukan penilaian unit 2026 untuk dinilai." in reviewer_home
    assert f'href="/siklus/{notices.pk}/tinjau/tpi/area/A.MP/"' in reviewer_home
    assert "Sudah dibaca" not in staff_home
    assert "mengajukan penilaian unit" not in staff_home


def test_the_notification_page_marks_every_notice_read(notices, tpi_reviewer, staff, client_for):
    client = client_for(tpi_reviewer)
    page = client.get(reverse("change_areas:notifications")).content.decode()
    assert "Satker Contoh mengajukan penilaian unit 2026 untuk dinilai." in page

    response = client.post(reverse("change_areas:notifications"))

    assert response.status_code == 302
    assert not Notification.objects.filter(user=tpi_reviewer, read_at__isnull=True).exists()
    home = client.get(reverse("home")).content.decode()
    assert "mengajukan penilaian unit" not in home
    listed = client.get(reverse("change_areas:notifications")).content.decode()
    assert "Satker Contoh mengajukan penilaian unit 2026 untuk dinilai." in listed
    assert Notification.objects.filter(user=staff).get().message == "Sudah dibaca"


def test_the_notification_page_shows_only_ones_own_notices(notices, staff, client_for):
    page = client_for(staff).get(reverse("change_areas:notifications")).content.decode()

    assert "Sudah dibaca" in page
    assert "mengajukan penilaian unit" not in page


def test_marking_read_leaves_other_peoples_notices_unread(notices, staff, tpi_reviewer, client_for):
    client_for(staff).post(reverse("change_areas:notifications"))

    assert Notification.objects.filter(user=tpi_reviewer, read_at__isnull=True).count() == 1
