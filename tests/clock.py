"""Moving the clock (time-machine): every clock of the process, Django's and the
standard library's, shows the same instant."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone


def noon(day: datetime.date) -> datetime.datetime:
    """Noon of `day` where the app keeps time (TIME_ZONE): `timezone.localdate()` is `day`."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_default_timezone())


def on(day: datetime.date) -> time_machine.travel:
    """The clock stopped at noon of `day`; a context manager (or a decorator)."""
    return time_machine.travel(noon(day), tick=False)
