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
from django.forms.models import model_to_dict
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.errors import BadInput


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


MISSING_REVISION = gettext_lazy(
    "Formulir ini tidak membawa versi data yang dibuka, sehingga tidak disimpan: "
    "penyimpanan tanpa versi dapat menimpa perubahan orang lain. "
    "Muat ulang halaman, lalu simpan lagi."
)


def posted_revision(data, name: str = "revision") -> int:
    """The revision (or answer version) a form sent back; BadInput (400) when missing or garbled.

    Our pages always send it, so a post without it is not a person's mistake
    to show beside a field: it is refused whole, before anything is written,
    rather than saved without the lost-update check.
    """
    value = data.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise BadInput(MISSING_REVISION)
    return int(text)


class RevisionField(forms.IntegerField):
    """The hidden form field that carries the revision a form was opened at.

    Required on every edit form: missing or garbled, the whole request is
    refused with a 400 (`posted_revision`), never saved without the check.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def clean(self, value):
        return posted_revision({"revision": value})


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


UNKNOWN = object()  # what the person opened is not known (not in the history, not sent)


def three_way(label: str, *, before, saved, yours, same, show) -> tuple[Difference | None, bool]:
    """One value as the person opened it, as saved now and as they typed it.

    Returns the difference to list (None when nobody else changed it, so the
    person's value stands) and whether the form should take the saved value
    (only the other person changed it). Changed by both: the person's value
    stays in the form, marked. With `before` UNKNOWN every difference counts
    as changed by both.
    """
    if before is UNKNOWN:
        if same(saved, yours):
            return None, False
        return Difference(label, None, show(saved), show(yours), True, True), False
    if same(before, saved):
        return None, False
    mine = not same(before, yours)
    both = mine and not same(saved, yours)
    return Difference(label, show(before), show(saved), show(yours), mine, both), not mine


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
        difference, take_saved = three_way(
            str(form.fields[name].label or model_field.verbose_name),
            before=UNKNOWN if opened is None else getattr(opened, name),
            saved=getattr(current, name),
            yours=form.cleaned_data[name],
            same=_same,
            show=lambda value, field=model_field: _display(field, value),
        )
        if take_saved:
            initial[name] = getattr(current, name)
        if difference is not None:
            found.append(difference)
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


# Rows edited in a formset (a declaration's declarants and witnesses) and a set
# of chosen records (its declaring units) merge the same way, one level up: a
# row or a member that only the other person added, changed or removed is taken
# from what is saved; the person's own additions, changes and removals are kept.
# What the person opened comes from the form itself: the row fields render their
# opened value as a hidden "initial-" input (Django's show_hidden_initial), and
# the form that chooses the set sends its opened members back in a hidden field
# (`opened_units` on the declaration form), so no history needs to be read.


def show_opened_values(form: forms.BaseForm) -> None:
    """Make every field but files send back the value the form was opened with."""
    for field in form.fields.values():
        if not isinstance(field, forms.FileField):
            field.show_hidden_initial = True


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def resolve_members(
    *, opened: list[int] | None, saved: list[Any], yours: list[Any], label: str
) -> tuple[Difference | None, list[Any]]:
    """Merge a chosen set: the saved members, plus the person's additions, less their removals.

    `saved` and `yours` are model instances; `opened` is the primary keys the
    form was opened with (None when the form did not send them). Returns the
    difference to list (None when nobody else changed the set) and the merged
    members in saved order, the person's additions after them.
    """
    saved_ids = [member.pk for member in saved]
    your_ids = [member.pk for member in yours]
    names = {member.pk: str(member) for member in [*saved, *yours]}

    def shown(ids) -> str:
        return "; ".join(names.get(pk, str(pk)) for pk in ids) or "—"

    if opened is None:
        merged = list(yours)
        if set(saved_ids) == set(your_ids):
            return None, merged
        return Difference(label, None, shown(saved_ids), shown(your_ids), True, True), merged
    added = [member for member in yours if member.pk not in opened]
    removed = {pk for pk in opened if pk not in your_ids}
    merged = [member for member in saved if member.pk not in removed]
    merged += [member for member in added if member.pk not in saved_ids]
    if set(saved_ids) == set(opened):
        return None, merged
    mine = bool(added or removed)
    return (
        Difference(label, shown(opened), shown(saved_ids), shown(your_ids), mine, False),
        merged,
    )


def resolve_rows(
    formset: forms.BaseModelFormSet, *, saved: list[models.Model], noun: str, blank: int = 1
) -> tuple[list[Difference], dict[str, Any]]:
    """Merge the rows a person posted with the rows saved since they opened the page.

    `formset` is bound to the person's POST (it need not be valid: a row the
    other person deleted is matched by its id, not looked up); its forms must
    have been given `show_opened_values`. `saved` is the rows as they are now.
    Returns the differences to list and the data to bind the re-opened formset
    to: every saved row, with the person's changes and deletions applied field
    by field, then the person's new rows, then `blank` empty rows.
    """
    names = [
        name
        for name, field in formset.empty_form.fields.items()
        if not isinstance(field, forms.FileField)
        and name not in ("id", "DELETE", "ORDER", formset.fk.name)
    ]
    sample = formset.empty_form.fields
    labels = {name: str(sample[name].label or name) for name in names}
    choices: dict[str, dict[str, str]] = {}
    for name in names:
        if isinstance(sample[name], forms.ChoiceField):
            choices[name] = {_text(key): str(label) for key, label in sample[name].choices}

    def shown(name: str, value: str) -> str:
        return choices.get(name, {}).get(value, value) or "—"

    described = [name for name in names if not isinstance(sample[name], forms.IntegerField)]

    def summary(values: dict[str, str]) -> str:
        """A row in a cell: its names and choices, not its sort order."""
        return ", ".join(shown(name, values[name]) for name in described if values.get(name)) or "—"

    def who(values: dict[str, str]) -> str:
        return f"{noun} {values.get('name') or ''}".strip()

    posted: dict[str, tuple[dict, dict | None, bool, bool]] = {}
    new_rows: list[dict[str, str]] = []
    for form in formset.forms:
        yours = {name: _text(form[name].value()) for name in names}
        deleted = bool(formset.can_delete and form["DELETE"].value())
        uploaded = any(form.add_prefix(name) in form.files for name in form.fields)
        key = _text(form[formset.model._meta.pk.name].value())
        if not key:
            if form.has_changed() and not deleted:
                new_rows.append(yours)
            continue
        opened = {}
        for name in names:
            raw = (
                form.fields[name]
                .hidden_widget()
                .value_from_datadict(form.data, form.files, form.add_initial_prefix(name))
            )
            opened[name] = None if raw is None else _text(raw)
        posted[key] = (yours, opened, deleted, uploaded)

    found: list[Difference] = []
    rows: list[tuple[str, dict[str, str], dict[str, str], bool]] = []
    for row in saved:
        key = str(row.pk)
        now = {name: _text(value) for name, value in model_to_dict(row, names).items()}
        if key not in posted:  # added by the other person
            found.append(Difference(who(now), "—", summary(now), "—", False, False))
            rows.append((key, now, now, False))
            continue
        yours, opened, deleted, uploaded = posted.pop(key)
        if deleted:
            changed = any(opened[name] not in (None, now[name]) for name in names)
            if changed:
                found.append(
                    Difference(who(now), summary(opened), summary(now), _("(dihapus)"), True, True)
                )
            rows.append((key, now, now, True))
            continue
        merged = dict(yours)
        for name in names:
            difference, take_saved = three_way(
                f"{who(now)}: {labels[name]}",
                before=UNKNOWN if opened[name] is None else opened[name],
                saved=now[name],
                yours=yours[name],
                same=str.__eq__,
                show=lambda value, name=name: shown(name, value),
            )
            if take_saved:
                merged[name] = now[name]
            if difference is not None:
                found.append(difference)
        if uploaded:
            found.append(
                Difference(
                    f"{who(merged)}: {_('berkas')}",
                    None,
                    "—",
                    _("berkas yang Anda pilih belum tersimpan: pilih lagi"),
                    True,
                    True,
                )
            )
        rows.append((key, merged, now, False))
    for yours, opened, deleted, _uploaded in posted.values():  # deleted by the other person
        if deleted:
            continue
        if any(opened[name] not in (None, yours[name]) for name in names):
            found.append(
                Difference(who(yours), summary(opened), _("(dihapus)"), summary(yours), True, True)
            )
            new_rows.append(yours)
        else:
            found.append(Difference(who(yours), summary(opened), _("(dihapus)"), "—", False, False))

    prefix = formset.prefix
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + len(new_rows) + blank),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    pk_name = formset.model._meta.pk.name
    # The "initial-" values are what the re-opened page counts as opened: the
    # saved row, and nothing for a new one, so saving again writes the merge.
    for index, (key, values, now, deleted) in enumerate(rows):
        data[f"{prefix}-{index}-{pk_name}"] = key
        if deleted:
            data[f"{prefix}-{index}-DELETE"] = "on"
        for name, value in values.items():
            data[f"{prefix}-{index}-{name}"] = value
            data[f"initial-{prefix}-{index}-{name}"] = now[name]
    for index, values in enumerate(new_rows, start=len(rows)):
        for name, value in values.items():
            data[f"{prefix}-{index}-{name}"] = value
            data[f"initial-{prefix}-{index}-{name}"] = ""
    return found, data
