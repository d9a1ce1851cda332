"""LKE files: a layer's answers as rows `code, answer, note`, exchanged between installations.

One row per question and one per count input, keyed by the catalog codes
(`A.MP.PMN.i.a`, `A.MP.RFM.i.a.n1`). `answer` is Ya/Tidak, an option letter,
or a number (count inputs, survey indices, percentages). A fourth column,
`uraian`, carries the question text for people and is ignored on import.

Import is all-or-nothing: every row is checked first and the errors are
reported by row number (the header is row 1); only a clean file is written,
in one transaction, with history, and the layer's summary is refreshed once.
Rows that are absent leave their answers as they were.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from change_areas import scoring, selectors, services
from change_areas.forms import AnswerForm
from change_areas.models import Cycle, Question
from lib.imports import capped

COLUMNS = ["code", "answer", "note", "uraian"]


class LkeImportError(Exception):
    """The file is refused whole; `errors` by row (the first MAX_LISTED_ERRORS and a count)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = capped(errors)
        super().__init__("\n".join(self.errors))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV/xlsx injection): a leading ' disarms it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _unsafe_text(text: str) -> str:
    """Undo `_safe_text` when a file comes back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _number_text(value: float | Decimal | int | None) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:.4f}".rstrip("0").rstrip(".")


def export_dataset(cycle: Cycle, layer: str) -> tablib.Dataset:
    """The layer's answers as an LKE dataset. A constant number of queries."""
    spec = selectors.catalog_spec(cycle.framework)
    answers = selectors.layer_answers(cycle, layer)
    texts = dict(Question.objects.filter(framework=cycle.framework).values_list("code", "text"))
    dataset = tablib.Dataset(headers=COLUMNS, title=f"LKE {layer}")
    for question in spec.questions:
        answer = answers.get(question.code)
        text = " ".join((texts.get(question.code) or "").split())
        if question.options:
            value = answer.option if answer else ""
        elif question.inputs:
            computed = (
                scoring.question_value(question, selectors.answer_data(answer)) if answer else None
            )
            value = "" if computed is None else _number_text(round(computed * 100, 2))
        else:
            value = _number_text(answer.number) if answer else ""
        note = _safe_text(answer.note) if answer else ""
        dataset.append([question.code, value, note, _safe_text(text)])
        for spec_input in question.inputs:
            raw = (answer.inputs or {}).get(spec_input.key) if answer else None
            dataset.append([spec_input.code, _number_text(raw), "", _safe_text(spec_input.label)])
    return dataset


# --------------------------------------------------------------------------
# Import: what a file names, merged into what is stored, checked like a typed answer


_COUNT_GROUPED = re.compile(r"^-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_DECIMAL = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class _NotANumber(ValueError):
    pass


def _file_number(value, *, count: bool) -> Decimal:
    """A number from a file cell, read the same whatever the reader's language.

    A spreadsheet's numeric cell is a number. In text, a count may group its
    thousands with dots or commas ("1.234", "1,234") and a value (survey index,
    percentage) has at most one decimal separator, comma or dot ("3,75",
    "3.75"): a file is data exchanged between people and installations, so its
    reading never depends on who uploads it.
    """
    if isinstance(value, bool):
        raise _NotANumber(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise _NotANumber(value)
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if count and _COUNT_GROUPED.match(text):
        return Decimal(re.sub(r"[.,]", "", text))
    if _DECIMAL.match(text):
        return Decimal(text.replace(",", "."))
    raise _NotANumber(value)


def _cell(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class _Named:
    """What a file says about one question: only what it names, and on which rows."""

    question: scoring.QuestionSpec
    row: int | None = None  # the question's own row
    answer: object = None  # its answer cell (a question row always names its answer)
    note: str | None = None  # None: the file does not name the note
    inputs: dict[str, tuple[int, object]] = field(default_factory=dict)  # key -> (row, cell)
    computed: list[tuple[int, str, object]] = field(default_factory=list)  # given computed inputs

    @property
    def first_row(self) -> int:
        rows = [self.row] if self.row else []
        rows += [row for row, _value in self.inputs.values()]
        rows += [row for row, _key, _value in self.computed]
        return min(rows)


@dataclass
class _Reading:
    named: dict[str, _Named] = field(default_factory=dict)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, code, message)

    def error(self, row: int, code: str, message: str) -> None:
        self.errors.append((row, code, message))

    def messages(self) -> list[str]:
        return [
            _("Baris %(row)d (%(code)s): %(message)s")
            % {"row": row, "code": code or "—", "message": message}
            for row, code, message in sorted(self.errors, key=lambda error: error[0])
        ]


def read_rows(
    spec: scoring.CatalogSpec, dataset: tablib.Dataset, *, row_numbers: list[int] | None = None
) -> _Reading:
    """Which question and which input each row names, and what it says; unknown and duplicate
    codes, and option letters a question does not have, are errors by row.

    Errors name the spreadsheet row: the header is row 1 and data starts at row 2,
    unless `row_numbers` gives the row of each dataset row (the official workbook).
    """
    reading = _Reading()
    headers = [str(h or "").strip().lower() for h in dataset.headers or []]
    missing = [name for name in ("code", "answer") if name not in headers]
    if missing:
        raise LkeImportError(
            [_("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    has_note = "note" in headers
    questions = {q.code: q for q in spec.questions}
    inputs = {i.code: (q, i) for q in spec.questions for i in q.inputs}
    seen: dict[str, int] = {}
    for index, values in enumerate(dataset):
        number = row_numbers[index] if row_numbers else index + 2
        row = dict(zip(headers, values, strict=False))
        code = _cell(row, "code")
        answer = row.get("answer")
        answer = answer.strip() if isinstance(answer, str) else answer
        note = _unsafe_text(_cell(row, "note")) if has_note else None
        if not code:
            if answer not in (None, "") or note:
                reading.error(number, "", _("kode kosong."))
            continue
        if code in seen:
            reading.error(
                number, code, _("kode sudah muncul di baris %(row)d.") % {"row": seen[code]}
            )
            continue
        seen[code] = number
        if code in questions:
            question = questions[code]
            item = reading.named.setdefault(code, _Named(question))
            item.row, item.answer, item.note = number, answer, note
            if question.options and answer not in (None, ""):
                key = next((k for k in question.options if k.lower() == str(answer).lower()), None)
                if key is None:
                    reading.error(
                        number,
                        code,
                        _(
                            "jawaban '%(answer)s' tidak sesuai jenisnya; pilih salah satu: %(allowed)s."
                        )
                        % {"answer": answer, "allowed": ", ".join(question.options)},
                    )
                item.answer = key
        elif code in inputs:
            question, spec_input = inputs[code]
            item = reading.named.setdefault(question.code, _Named(question))
            if spec_input.computed_sum:
                if answer not in (None, ""):
                    item.computed.append((number, spec_input.key, answer))
            else:
                item.inputs[spec_input.key] = (number, answer)
        else:
            reading.error(
                number,
                code,
                _("kode tidak dikenal di LKE %(framework)s.") % {"framework": spec.framework},
            )
    if not seen and not reading.errors:
        raise LkeImportError(
            [_("Berkas tidak berisi baris LKE: tidak ada satu pun kode pertanyaan atau isian.")]
        )
    return reading


def _stored_typed(question: scoring.QuestionSpec, answer) -> dict[str, object]:
    """The typed inputs an answer holds now (computed ones are derived again)."""
    if answer is None:
        return {}
    typed = {spec.key for spec in question.typed_inputs}
    return {key: value for key, value in (answer.inputs or {}).items() if key in typed}


def merge(item: _Named, stored, reading: _Reading) -> tuple[scoring.AnswerData, str] | None:
    """The answer the question will hold: what is stored, with what the file names in its place.

    The smallest unit a row names is what changes: an input row changes that
    input and leaves its siblings as stored; a question row changes the answer
    (and the note, when the file has a note column); a blank cell clears what it
    names. Checked by the same form as a typed answer (bounds, limits between
    inputs). Returns None (with errors added to `reading`) when it does not hold.
    """
    question, code = item.question, item.question.code
    data: dict[str, object] = {}
    rows: dict[str, int] = {}
    if question.options:
        data["option"] = item.answer if item.row else (stored.option if stored else "")
        rows["option"] = item.row or item.first_row
    elif question.inputs:
        for key, value in _stored_typed(question, stored).items():
            data[f"input-{key}"] = value
        for key, (row, value) in item.inputs.items():
            rows[f"input-{key}"] = row
            if value in (None, ""):
                data.pop(f"input-{key}", None)
                continue
            try:
                data[f"input-{key}"] = _file_number(value, count=True)
            except _NotANumber:
                reading.error(
                    row, f"{code}.{key}", _("'%(answer)s' bukan angka.") % {"answer": value}
                )
                return None
    elif item.row:
        rows["number"] = item.row
        if item.answer not in (None, ""):
            try:
                data["number"] = _file_number(item.answer, count=False)
            except _NotANumber:
                reading.error(
                    item.row, code, _("'%(answer)s' bukan angka.") % {"answer": item.answer}
                )
                return None
    elif stored is not None and stored.number is not None:
        data["number"] = stored.number
    data["note"] = item.note if item.note is not None else (stored.note if stored else "")
    rows["note"] = item.row or item.first_row
    form = AnswerForm(data, question=question)
    if not form.is_valid():
        for name, messages in form.errors.items():
            row = rows.get(name, item.first_row)
            where = f"{code}.{name[6:]}" if name.startswith("input-") and name in rows else code
            for message in messages:
                reading.error(row, where if row != item.row else code, message)
        return None
    answer = form.answer()
    if question.inputs and not _computed_agree(item, answer, reading):
        return None
    return answer, form.cleaned_data["note"]


def _computed_agree(item: _Named, answer: scoring.AnswerData, reading: _Reading) -> bool:
    """A computed input or a percentage a file gives must be what the counts make."""
    question = item.question
    computed = scoring.computed_inputs(question, answer.inputs)
    fine = True
    for row, key, given in item.computed:
        expected = computed.get(key)
        try:
            value = float(_file_number(given, count=True))
        except _NotANumber:
            reading.error(
                row, f"{question.code}.{key}", _("'%(answer)s' bukan angka.") % {"answer": given}
            )
            fine = False
            continue
        if expected is None:
            reading.error(
                row,
                f"{question.code}.{key}",
                _("dihitung dari isian lain yang belum lengkap; kosongkan."),
            )
            fine = False
        elif abs(expected - value) > scoring.EPSILON:
            reading.error(
                row,
                f"{question.code}.{key}",
                _("%(given)s tidak sama dengan jumlah isiannya (%(expected)s).")
                % {"given": _number_text(value), "expected": _number_text(expected)},
            )
            fine = False
    if item.row and item.answer not in (None, ""):
        text = str(item.answer).strip().rstrip("%") if isinstance(item.answer, str) else item.answer
        try:
            given = float(_file_number(text, count=False))
        except _NotANumber:
            reading.error(
                item.row,
                question.code,
                _("persentase '%(answer)s' bukan angka.") % {"answer": item.answer},
            )
            return False
        value = scoring.question_value(question, answer)
        if value is None or abs(value * 100 - given) > 0.01:
            reading.error(
                item.row,
                question.code,
                _("persentase dihitung dari isian jumlahnya; kosongkan kolom answer."),
            )
            fine = False
    return fine


@transaction.atomic
def import_dataset(
    cycle: Cycle,
    layer: str,
    dataset: tablib.Dataset,
    *,
    by=None,
    row_numbers: list[int] | None = None,
) -> int:
    """Write a clean LKE file into the layer; raise LkeImportError and write nothing otherwise.

    Returns how many answers changed; a file that changes nothing writes nothing.
    """
    spec = selectors.catalog_spec(cycle.framework)
    reading = read_rows(spec, dataset, row_numbers=row_numbers)
    existing = selectors.layer_answers(cycle, layer)
    changed = {}
    for code, item in reading.named.items():
        merged = merge(item, existing.get(code), reading)
        if merged is not None and not _same(existing.get(code), item.question, *merged):
            changed[code] = merged
    if reading.errors:
        raise LkeImportError(reading.messages())
    if not changed:
        return 0
    return services.answers_save_many(
        cycle=cycle, layer=layer, answers=changed, by=by, reason="lke_import", spec=spec
    )


def _same(answer, question: scoring.QuestionSpec, data: scoring.AnswerData, note: str) -> bool:
    """True when the merged answer is what is stored already (nothing to write)."""
    if answer is None:
        return data.option is None and data.number is None and not data.inputs and not note
    stored = {key: float(value) for key, value in (answer.inputs or {}).items()}
    wanted = scoring.computed_inputs(question, data.inputs) if question.inputs else {}
    return (
        (answer.option or None) == data.option
        and (None if answer.number is None else float(answer.number)) == data.number
        and stored == wanted
        and answer.note == note
    )
