"""What every service of every app does around a save: name who did it and why in the
history row (django-simple-history), and refuse a field it does not set."""

from __future__ import annotations

from collections.abc import Iterable

# django-simple-history keeps a change reason in 100 characters.
REASON_LENGTH = 100


def record(instance, *, by, reason: str) -> None:
    """Name the actor and the reason on the history row the next save writes.

    `by=None` (the system: a command, the demo, an import run by no one)
    leaves the user to django-simple-history's request middleware, if any.
    A reason longer than the history's column is shortened (PostgreSQL would
    refuse it); the full text belongs on the record itself.
    """
    if by is not None:
        instance._history_user = by
    if len(reason) > REASON_LENGTH:
        reason = reason[: REASON_LENGTH - 1] + "…"
    instance._change_reason = reason


def refuse_unknown(fields: dict, *, allowed: Iterable[str], what: str) -> None:
    """A field a service does not set is the caller's mistake, never silently dropped."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")
