"""No lost updates on drafts edited through forms: optimistic revisions.

A declaration draft, a draft standard and a draft maklumat each carry a
`revision` that their services raise by one on every save. The edit form sends
back the revision the person opened; the service compares it under the row
lock it takes anyway and raises EditConflict when someone saved in between,
so nothing is written. The view then re-opens the form merged (`resolve`):
what the other person changed is taken in, what this person changed is kept,
and the fields both changed are shown side by side for them to choose before
saving again. Answers follow the same idea with `Answer.version`.

Hand-written rather than django-concurrency: that library checks inside
Model.save(), while our writes already go through services that lock and
re-read the row, where the check is one comparison; the merge reads the
opened revision back from django-simple-history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _


class EditConflict(Exception):
    """Someone saved `current` after the person opened it at `expected`; nothing was written."""

    def __init__(self, current: models.Model, expected: int):
        self.current = current
        self.expected = expected
        super().__init__(
            f"{type(current).__name__} {current.pk} is at revision {current.revision}, "
            f"not {expected}"
        )


def check_revision(current: models.Model, expected: int | None) -> None:
    """Raise EditConflict unless `current` (read under lock) is the revision the person saw.

    `expected=None` skips the check (imports and commands act on what is there now).
    """
    if expected is not None and current.revision != expected:
        raise EditConflict(current, expected)


class RevisionField(forms.IntegerField):
    """The hidden form field that carries the revision a form was opened at."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


@dataclass(frozen=True)
class Difference:
    """One field someone else changed: as the person opened it, as saved now, as they typed it."""

    label: str
    before: str | None  # None when the opened revision is not in the history
    saved: str
    yours: str
    mine: bool  # the person changed it too
    both: bool  # ...to something else than what is saved: they must choose


def _display(model_field: models.Field | None, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if model_field is not None and model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal | float):
        return number_format(value)
    if isinstance(value, list | tuple):
        return "; ".join(_display(None, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_display(None, item)}" for key, item in value.items())
    return str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    if isinstance(value, models.Model):
        return value.pk
    if value == "" or value == []:
        return None
    return value


def _same(first: Any, second: Any) -> bool:
    return _comparable(first) == _comparable(second)


def opened_version(clash: EditConflict) -> models.Model | None:
    """The history row of the revision the person opened (one query), if it is there."""
    return (
        clash.current.history.filter(revision=clash.expected)
        .order_by("-history_date", "-history_id")
        .first()
    )


def last_change(current: models.Model) -> tuple[str, datetime.datetime | None]:
    """Who saved `current` last and when, from its history (one query)."""
    record = current.history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return _("orang lain"), None
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else _("orang lain")
    return who, record.history_date


def resolve(form: forms.ModelForm, clash: EditConflict) -> tuple[dict, dict]:
    """Merge the person's input with what was saved since they opened the form.

    Returns the conflict for templates/includes/edit_conflict.html and the
    initial values to re-open the form with: the saved value where only the
    other person changed a field, the person's own value wherever they changed
    it, and the revision just read, so that saving again loses nobody's work
    and overwrites only the fields listed as changed by both.
    """
    current = clash.current
    opened = opened_version(clash)
    initial: dict[str, Any] = dict(form.cleaned_data)
    found = []
    for name in form._meta.fields or ():
        if name not in form.cleaned_data:
            continue
        model_field = current._meta.get_field(name)
        saved, yours = getattr(current, name), form.cleaned_data[name]
        if opened is None:  # what the person started from is unknown: list every difference
            if not _same(saved, yours):
                found.append(
                    Difference(
                        label=str(form.fields[name].label or model_field.verbose_name),
                        before=None,
                        saved=_display(model_field, saved),
                        yours=_display(model_field, yours),
                        mine=True,
                        both=True,
                    )
                )
            continue
        before = getattr(opened, name)
        if _same(before, saved):
            continue  # nobody else touched it: the person's value stands
        mine = not _same(before, yours)
        if not mine:
            initial[name] = saved
        found.append(
            Difference(
                label=str(form.fields[name].label or model_field.verbose_name),
                before=_display(model_field, before),
                saved=_display(model_field, saved),
                yours=_display(model_field, yours),
                mine=mine,
                both=mine and not _same(saved, yours),
            )
        )
    initial["revision"] = current.revision
    who, when = last_change(current)
    conflict = {
        "who": who,
        "when": when,
        "differences": found,
        "known_start": opened is not None,
        "choices": any(difference.both for difference in found),
    }
    return conflict, initial
