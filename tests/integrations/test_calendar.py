"""A person's private calendar feed: parsed with the `icalendar` library, it lists their
deadlines by role; its secret address can be renewed and closed."""

from __future__ import annotations

import datetime

from django.urls import reverse
from icalendar import Calendar

from change_areas.models import Cycle
from integrations import services
from tests.clock import on
from tests.factories import CycleFactory, WorkPlanItemFactory

TODAY = datetime.date(2026, 2, 10)


def windows(cycle: Cycle) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(
        fill_opens=datetime.date(2026, 1, 5),
        fill_closes=datetime.date(2026, 3, 31),
        review_opens=datetime.date(2026, 4, 1),
        review_closes=datetime.date(2026, 5, 15),
    )
    cycle.refresh_from_db()
    return cycle


def events_of(client, user) -> dict[str, dict]:
    _feed, secret = services.feed_create(user=user, by=user)
    response = client.get(reverse("integrations:calendar_feed", kwargs={"secret": secret}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]).split("@")[0]: {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "url": str(event["URL"]),
        }
        for event in calendar.walk("VEVENT")
    }


def test_the_team_s_feed_lists_the_fill_window_and_open_activities(client, unit, staff):
    cycle = windows(CycleFactory(unit=unit))
    due = WorkPlanItemFactory(cycle=cycle, title="Sosialisasi", due_date=datetime.date(2026, 2, 20))
    WorkPlanItemFactory(cycle=cycle, title="Tanpa tenggat")
    WorkPlanItemFactory(
        cycle=cycle,
        title="Sudah selesai",
        due_date=datetime.date(2026, 2, 1),
        status="selesai",
        percent=100,
    )
    with on(TODAY):
        events = events_of(client, staff)
    assert set(events) == {f"cycle-{cycle.pk}-fill", f"work-plan-item-{due.pk}"}
    fill = events[f"cycle-{cycle.pk}-fill"]
    assert fill["start"] == datetime.date(2026, 1, 5)
    assert fill["end"] == datetime.date(2026, 4, 1)  # DTEND is the day after the last day
    assert "Satker Contoh 2026" in fill["summary"]
    assert fill["url"].endswith(cycle.get_absolute_url())
    activity = events[f"work-plan-item-{due.pk}"]
    assert activity["start"] == datetime.date(2026, 2, 20)
    assert "Sosialisasi" in activity["summary"]


def test_a_reviewer_s_feed_lists_the_review_windows_of_the_subtree(
    client, unit, other_unit, province_tpi_reviewer
):
    mine = windows(CycleFactory(unit=unit))
    theirs = windows(CycleFactory(unit=other_unit))
    with on(TODAY):
        events = events_of(client, province_tpi_reviewer)
    assert set(events) == {f"cycle-{mine.pk}-review", f"cycle-{theirs.pk}-review"}
    assert events[f"cycle-{mine.pk}-review"]["start"] == datetime.date(2026, 4, 1)


def test_decided_cycles_and_other_units_stay_out(client, unit, other_unit, staff, viewer):
    windows(CycleFactory(unit=other_unit))
    decided = windows(CycleFactory(unit=unit, year=2025))
    Cycle.objects.filter(pk=decided.pk).update(stage="keputusan")
    with on(TODAY):
        assert events_of(client, staff) == {}
        assert events_of(client, viewer) == {}  # leadership reads dashboards, has no deadline


def test_a_renewed_or_closed_address_stops_working(client, staff):
    _feed, first = services.feed_create(user=staff, by=staff)
    url = reverse("integrations:calendar_feed", kwargs={"secret": first})
    assert client.get(url).status_code == 200
    _feed, second = services.feed_create(user=staff, by=staff)
    assert client.get(url).status_code == 404
    services.feed_revoke(user=staff, by=staff)
    assert (
        client.get(reverse("integrations:calendar_feed", kwargs={"secret": second})).status_code
        == 404
    )
    assert (
        client.get(
            reverse("integrations:calendar_feed", kwargs={"secret": "zic_guess"})
        ).status_code
        == 404
    )


def test_the_calendar_page_shows_the_address_once_and_the_deadlines(client_for, unit, staff):
    cycle = windows(CycleFactory(unit=unit))
    client = client_for(staff)
    with on(TODAY):
        page = client.post(reverse("integrations:calendar"), {"action": "create"}, follow=True)
        text = page.content.decode()
        assert 'data-testid="feed-url"' in text
        assert f"Pengisian LKE: Satker Contoh {cycle.year}" in text
        again = client.get(reverse("integrations:calendar")).content.decode()
    assert 'data-testid="feed-url"' not in again


def test_the_feed_costs_the_same_queries_for_one_or_many_deadlines(
    client, unit, staff, django_assert_num_queries
):
    cycle = windows(CycleFactory(unit=unit))
    _feed, secret = services.feed_create(user=staff, by=staff)
    url = reverse("integrations:calendar_feed", kwargs={"secret": secret})
    WorkPlanItemFactory(cycle=cycle, due_date=datetime.date(2026, 2, 20))
    with on(TODAY), django_assert_num_queries(5):  # feed, last read, memberships, cycles, items
        client.get(url)
    for day in range(10):
        WorkPlanItemFactory(cycle=cycle, due_date=datetime.date(2026, 3, 1 + day))
    with on(TODAY), django_assert_num_queries(5):  # feed, last read, memberships, cycles, items
        assert len(Calendar.from_ical(client.get(url).content).walk("VEVENT")) == 12
