"""What writes of `change_areas` record beside the history row (`lib.writes.record`): the step
on the cycle's timeline, and the cycle read under its lock."""

from __future__ import annotations

from change_areas.models import Cycle, CycleEvent


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
