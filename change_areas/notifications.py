"""Telling the people concerned: an in-app notice and an e-mail for each, and a chat
message on every channel each person chose (`messaging`: Telegram, WhatsApp, … through
Apprise, sent by the task worker with retries).

E-mails go through Django's e-mail backend (the console in development)
after the transaction commits, so a rolled-back step never mails anyone;
chat messages are queued after the commit too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation

from change_areas.models import Cycle, Notification
from lib.pdf import absolute_url
from messaging import services as messaging
from units.models import Membership, Role, User

logger = logging.getLogger(__name__)

UNIT_TEAM = (Role.COORDINATOR, Role.STAFF, Role.UNIT_ADMIN)


def unit_team(cycle: Cycle) -> list[User]:
    """The people who work on the unit's own programme. One query."""
    return _people(Membership.objects.filter(unit=cycle.unit, role__in=UNIT_TEAM))


def submitters(cycle: Cycle) -> list[User]:
    """Who submits the unit's self-assessment: its coordinators (on the unit or above it),
    else the unit's own administrators. One or two queries."""
    people = _people(Membership.objects.on_lineage_of(cycle.unit).filter(role=Role.COORDINATOR))
    return people or _people(Membership.objects.filter(unit=cycle.unit, role=Role.UNIT_ADMIN))


def reviewers(cycle: Cycle, role: Role) -> list[User]:
    """Reviewers of the given role whose scope covers the unit. One query."""
    return _people(Membership.objects.on_lineage_of(cycle.unit).filter(role=role))


def people_of(memberships) -> list[User]:
    """The active people holding the given memberships, each once. One query."""
    return _people(memberships)


def _people(memberships) -> list[User]:
    seen: dict[int, User] = {}
    for membership in memberships.select_related("user").filter(user__is_active=True):
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


def notify(
    users: Iterable[User],
    *,
    verb: str,
    subject: str,
    message: str,
    url: str,
    cycle: Cycle | None = None,
    exclude: User | None = None,
) -> int:
    """Record a notice for each person and mail those with an address. Returns how many."""
    people = [user for user in users if exclude is None or user.pk != exclude.pk]
    if not people:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(user=user, cycle=cycle, verb=verb, message=message, url=url)
            for user in people
        ]
    )
    link = absolute_url(url) if url else settings.ZI_PUBLIC_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        mails = [
            (
                f"[ZI Tracker] {subject}",
                f"Yth. {user.get_full_name() or user.username},\n\n{message}\n\n{link}\n\n— ZI Tracker",
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            for user in people
            if user.email
        ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    messaging.send(people, subject=f"[ZI Tracker] {subject}", message=message, link=link)
    return len(people)


def _send(mails: list[tuple]) -> None:
    """Send after commit; a mail server that is down must not undo or break the step."""
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:  # any SMTP/network failure: the in-app notices stand
        logger.exception("notification e-mails could not be sent (%d)", len(mails))
