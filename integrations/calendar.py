"""A person's deadlines as an iCalendar (ICS) feed for Google Calendar or Outlook.

What a person must do by when, from their roles (a role on a unit covers its
subtree, as everywhere):

- the unit's team (staff, coordinator, unit administrator): the fill window of
  each open cycle of their units, and the due dates of the work-plan items of
  those cycles;
- pre-assessors and TPI reviewers: the review window of each open cycle of the
  units they review.

Each source is one function in `SOURCES` returning events; follow-up items of
the TPI's and TPN's recommendations are not in ZI Tracker yet — when they come,
their due dates are one more function added to `SOURCES`, and the feed carries
them with no other change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from change_areas.models import Cycle, Stage, WorkPlanItem, WorkPlanStatus
from lib.pdf import absolute_url
from units import access
from units.models import Role, Unit

TEAM_ROLES = frozenset({Role.STAFF, Role.COORDINATOR, Role.UNIT_ADMIN})
REVIEW_ROLES = frozenset({Role.PRE_REVIEWER, Role.TPI_REVIEWER})
FINISHED = (Stage.KEPUTUSAN,)
LIMIT = 500  # events per source: a national reviewer's feed stays a feed


@dataclass(frozen=True)
class Deadline:
    uid: str
    title: str
    start: datetime.date
    end: datetime.date  # inclusive
    url: str
    description: str = ""


def _units_with(user, roles: frozenset[Role]):
    paths = [m.unit.path for m in access.memberships_of(user) if m.role in roles]
    return Unit.objects.within_paths(paths) if paths else Unit.objects.none()


def _open_cycles(user, roles: frozenset[Role], today: datetime.date):
    return (
        Cycle.objects.filter(unit__in=_units_with(user, roles), year__gte=today.year - 1)
        .exclude(stage__in=FINISHED)
        .select_related("unit")
        .order_by("year", "unit__path")
    )


def fill_windows(user, today: datetime.date) -> list[Deadline]:
    return [
        Deadline(
            uid=f"cycle-{cycle.pk}-fill",
            title=_("Pengisian LKE: %(unit)s %(year)s")
            % {"unit": cycle.unit.name, "year": cycle.year},
            start=cycle.fill_opens or cycle.fill_closes,
            end=cycle.fill_closes,
            url=absolute_url(cycle.get_absolute_url()),
            description=_("Batas akhir penilaian unit dan pengajuan ke TPI."),
        )
        for cycle in _open_cycles(user, TEAM_ROLES, today).filter(fill_closes__isnull=False)[:LIMIT]
    ]


def review_windows(user, today: datetime.date) -> list[Deadline]:
    return [
        Deadline(
            uid=f"cycle-{cycle.pk}-review",
            title=_("Penilaian TPI: %(unit)s %(year)s")
            % {"unit": cycle.unit.name, "year": cycle.year},
            start=cycle.review_opens or cycle.review_closes,
            end=cycle.review_closes,
            url=absolute_url(cycle.get_absolute_url()),
            description=_("Batas akhir penilaian dan finalisasi lapis TPI."),
        )
        for cycle in _open_cycles(user, REVIEW_ROLES, today).filter(review_closes__isnull=False)[
            :LIMIT
        ]
    ]


def work_plan_items(user, today: datetime.date) -> list[Deadline]:
    items = (
        WorkPlanItem.objects.filter(
            cycle__in=_open_cycles(user, TEAM_ROLES, today), due_date__isnull=False
        )
        .exclude(status=WorkPlanStatus.DONE)
        .select_related("cycle__unit", "area")
        .order_by("due_date", "pk")[:LIMIT]
    )
    return [
        Deadline(
            uid=f"work-plan-item-{item.pk}",
            title=_("Kegiatan: %(title)s (%(unit)s)")
            % {"title": item.title, "unit": item.cycle.unit.name},
            start=item.due_date,
            end=item.due_date,
            url=absolute_url(reverse("change_areas:work_plan", kwargs={"pk": item.cycle_id})),
            description=_("%(area)s · kemajuan %(percent)s%% · penanggung jawab: %(who)s")
            % {
                "area": item.area.name,
                "percent": item.percent,
                "who": item.person_in_charge or "—",
            },
        )
        for item in items
    ]


# Where deadlines come from; follow-up items of recommendations join here when they exist.
SOURCES: list[Callable[..., list[Deadline]]] = [fill_windows, review_windows, work_plan_items]


def deadlines(user, today: datetime.date) -> list[Deadline]:
    found = [deadline for source in SOURCES for deadline in source(user, today)]
    return sorted(found, key=lambda d: (d.end, d.uid))


def feed(user, today: datetime.date, *, host: str) -> bytes:
    """The ICS document: one all-day event per deadline, spanning its window."""
    calendar = Calendar()
    calendar.add("prodid", "-//ZI Tracker//Tenggat//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname",
        _("ZI Tracker: tenggat %(name)s") % {"name": user.get_full_name() or user.username},
    )
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    stamp = datetime.datetime.now(datetime.UTC)
    for deadline in deadlines(user, today):
        event = Event()
        event.add("uid", f"{deadline.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", deadline.title)
        event.add("dtstart", deadline.start)
        event.add("dtend", deadline.end + datetime.timedelta(days=1))  # DTEND is exclusive
        event.add("url", deadline.url)
        event.add("description", f"{deadline.description}\n{deadline.url}".strip())
        calendar.add_component(event)
    return calendar.to_ical()
