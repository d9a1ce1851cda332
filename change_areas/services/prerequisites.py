"""Recording the values of the proposal prerequisites."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from change_areas import selectors
from change_areas.models import (
    Cycle,
    Prerequisite,
    PrerequisiteLevel,
    PrerequisiteRecord,
)
from lib.writes import record
from units import access
from units.access import Perm


@transaction.atomic
def prerequisite_record_save(
    *, cycle: Cycle, prerequisite: Prerequisite, value: str, note: str = "", by=None
) -> PrerequisiteRecord:
    """Record a prerequisite's value for the cycle's year: instansi-level ones on the instansi."""
    owner = (
        selectors.instansi_of(cycle.unit)
        if prerequisite.level == PrerequisiteLevel.INSTANSI
        else cycle.unit
    )
    if by is not None:
        needed = (
            Perm.ADMINISTER
            if prerequisite.level == PrerequisiteLevel.INSTANSI
            else Perm.SUBMIT_SELF
        )
        if not access.can(by, owner, needed):
            access.check(by, cycle.unit, Perm.VIEW)
            raise PermissionDenied(
                _("Syarat tingkat instansi dicatat oleh admin instansi.")
                if prerequisite.level == PrerequisiteLevel.INSTANSI
                else _("Syarat unit dicatat oleh koordinator atau admin unit.")
            )
    value = value.strip()
    if prerequisite.value_type == "grade" and value not in [str(g) for g in prerequisite.grades]:
        raise ValidationError(
            _("Nilai '%(value)s' tidak dikenal; pilih salah satu: %(grades)s")
            % {"value": value, "grades": ", ".join(map(str, prerequisite.grades))}
        )
    if prerequisite.value_type in ("percent", "years"):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise ValidationError(_("Isikan angka.")) from None
        if number < 0 or (prerequisite.value_type == "percent" and number > 100):
            raise ValidationError(_("Angka di luar rentang yang mungkin."))
    if prerequisite.value_type == "boolean" and value not in ("ya", "tidak"):
        raise ValidationError(_("Isikan ya atau tidak."))
    entry = PrerequisiteRecord.objects.filter(
        unit=owner, prerequisite=prerequisite, year=cycle.year
    ).first() or PrerequisiteRecord(unit=owner, prerequisite=prerequisite, year=cycle.year)
    entry.value = value
    entry.note = note
    entry.recorded_by = by
    record(entry, by=by, reason="prerequisite_record_save")
    entry.save()
    return entry
