"""Plausible dates: what a date field of ours accepts, declared once.

Every date a person types or imports — a declaration's ceremony, a decree, a
window, a work plan's deadline, a document's validity — falls between
1 January 2000 (before any Zona Integritas: the programme began in 2012) and
ten years from today. Outside that it is a typing accident (1900 for 2019, a
year with five digits), never data: a declaration dated 1900 must not be
finalised as ZI/…/1900/00003 and shown publicly, and a year like 9999 breaks
date arithmetic.

`plausible_date` is a model field validator (so services' `full_clean()`, the
admin and model forms refuse alike); `lib.forms.DateField` uses it too and
tells the browser's date picker the same range.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


@deconstructible(path="lib.dates.PlausibleDate")
class PlausibleDate:
    """Refuse dates before EARLIEST or more than YEARS_AHEAD years from today."""

    def __call__(self, value) -> None:
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            value = value.date()
        if value < EARLIEST:
            raise ValidationError(
                _("Tanggal %(date)s terlalu lampau; yang paling awal %(earliest)s."),
                code="date_too_early",
                params={"date": _shown(value), "earliest": _shown(EARLIEST)},
            )
        if value > latest():
            raise ValidationError(
                _("Tanggal %(date)s terlalu jauh ke depan; yang paling lambat %(latest)s."),
                code="date_too_late",
                params={"date": _shown(value), "latest": _shown(latest())},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PlausibleDate)

    def __hash__(self) -> int:
        return hash(PlausibleDate)


def _shown(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


plausible_date = PlausibleDate()
