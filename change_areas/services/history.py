"""What every write of `change_areas` records: who did it and why (django-simple-history),
and the step on the cycle's timeline."""

from __future__ import annotations

from change_areas.models import Cycle, CycleEvent


def record(instance, *, by, reason: str) -> None:
    """Name the person and the reason on the history row the next save writes."""
    if by is not None:
        instance._history_user = by
    instance._change_reason = reason


def event(cycle: Cycle, action: str, *, by, note: str = "", before: str = "") -> CycleEvent:
    """A step on the cycle's timeline (the stage it is in after the step)."""
    return CycleEvent.objects.create(
        cycle=cycle,
        action=action,
        stage_before=before,
        stage_after=cycle.stage,
        note=note,
        actor=by,
    )


def locked(cycle_pk: int) -> Cycle:
    """The cycle read again under a row lock, for a write that must see the latest stage."""
    return Cycle.objects.select_for_update().select_related("unit", "framework").get(pk=cycle_pk)
