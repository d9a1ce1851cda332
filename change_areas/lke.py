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

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.db import transaction
from django.utils.translation import gettext as _

from change_areas import scoring, selectors, services
from change_areas.models import Cycle, Question

COLUMNS = ["code", "answer", "note", "uraian"]


class LkeImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


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


@dataclass
class _Pending:
    question: scoring.QuestionSpec
    option: str | None = None
    number: float | None = None
    inputs: dict[str, float] = field(default_factory=dict)
    note: str = ""
    given_percent: tuple[int, float] | None = None  # (row, value) of a persen question's own row
    computed_given: list[tuple[int, str, float]] = field(default_factory=list)


_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def _parse_number(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not _NUMBER.match(text):
        return None
    try:
        return float(Decimal(text.replace(",", ".")))
    except InvalidOperation:
        return None


def _cell(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_dataset(
    spec: scoring.CatalogSpec, dataset: tablib.Dataset, *, row_numbers: list[int] | None = None
) -> tuple[dict[str, _Pending], list[str]]:
    """Check every row against the catalog; return the answers to write and the errors.

    Errors name the spreadsheet row: the header is row 1 and data starts at row 2,
    unless `row_numbers` gives the row of each dataset row (the official workbook).
    """
    errors: list[str] = []
    headers = [str(h or "").strip().lower() for h in dataset.headers or []]
    missing = [name for name in ("code", "answer") if name not in headers]
    if missing:
        return {}, [_("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}]
    questions = {q.code: q for q in spec.questions}
    inputs = {i.code: (q, i) for q in spec.questions for i in q.inputs}
    pending: dict[str, _Pending] = {}
    seen: dict[str, int] = {}
    for index, values in enumerate(dataset):
        number = row_numbers[index] if row_numbers else index + 2
        row = dict(zip(headers, values, strict=False))
        code = _cell(row, "code")
        answer = _cell(row, "answer")
        note = _unsafe_text(_cell(row, "note"))

        def error(message: str, row_number: int = number, row_code: str = code) -> None:
            errors.append(
                _("Baris %(row)d (%(code)s): %(message)s")
                % {"row": row_number, "code": row_code or "—", "message": message}
            )

        if not code:
            if answer or note:
                error(_("kode kosong."))
            continue
        if code in seen:
            error(_("kode sudah muncul di baris %(row)d.") % {"row": seen[code]})
            continue
        seen[code] = number
        if code in questions:
            question = questions[code]
            item = pending.setdefault(code, _Pending(question))
            item.note = note
            if question.options:
                if answer:
                    key = next((k for k in question.options if k.lower() == answer.lower()), None)
                    if key is None:
                        error(
                            _(
                                "jawaban '%(answer)s' tidak sesuai jenisnya; pilih salah satu: %(allowed)s."
                            )
                            % {"answer": answer, "allowed": ", ".join(question.options)}
                        )
                    item.option = key
            elif question.inputs:
                if answer:
                    value = _parse_number(answer.rstrip("%"))
                    if value is None:
                        error(_("persentase '%(answer)s' bukan angka.") % {"answer": answer})
                    else:
                        item.given_percent = (number, value)
            elif answer:
                value = _parse_number(answer)
                if value is None:
                    error(_("'%(answer)s' bukan angka.") % {"answer": answer})
                else:
                    try:
                        scoring.validate_answer(question, scoring.AnswerData(number=value))
                    except scoring.AnswerError as problem:
                        error(str(problem))
                    item.number = value
        elif code in inputs:
            question, spec_input = inputs[code]
            item = pending.setdefault(question.code, _Pending(question))
            if not answer:
                continue
            value = _parse_number(answer)
            if value is None:
                error(_("'%(answer)s' bukan angka.") % {"answer": answer})
            elif value < 0:
                error(_("jumlah tidak boleh negatif."))
            elif value != int(value):
                error(_("jumlah harus bilangan bulat."))
            elif spec_input.computed_sum:
                item.computed_given.append((number, spec_input.code, value))
            else:
                item.inputs[spec_input.key] = value
        else:
            error(_("kode tidak dikenal di LKE %(framework)s.") % {"framework": spec.framework})
    for item in pending.values():
        if not item.question.inputs:
            continue
        computed = scoring.computed_inputs(item.question, item.inputs)
        for row_number, code, given in item.computed_given:
            key = code.rsplit(".", 1)[1]
            expected = computed.get(key)
            if expected is None:
                errors.append(
                    _(
                        "Baris %(row)d (%(code)s): dihitung dari isian lain yang belum lengkap; kosongkan."
                    )
                    % {"row": row_number, "code": code}
                )
            elif abs(expected - given) > scoring.EPSILON:
                errors.append(
                    _(
                        "Baris %(row)d (%(code)s): %(given)s tidak sama dengan jumlah isiannya (%(expected)s)."
                    )
                    % {
                        "row": row_number,
                        "code": code,
                        "given": _number_text(given),
                        "expected": _number_text(expected),
                    }
                )
        if item.given_percent is not None:
            row_number, given = item.given_percent
            value = scoring.question_value(item.question, scoring.AnswerData(inputs=item.inputs))
            if value is None or abs(value * 100 - given) > 0.01:
                errors.append(
                    _(
                        "Baris %(row)d (%(code)s): persentase dihitung dari isian jumlahnya; kosongkan kolom answer."
                    )
                    % {"row": row_number, "code": item.question.code}
                )
    return pending, sorted(errors, key=lambda text: int(re.search(r"\d+", text).group()))


@transaction.atomic
def import_dataset(
    cycle: Cycle,
    layer: str,
    dataset: tablib.Dataset,
    *,
    by=None,
    row_numbers: list[int] | None = None,
) -> int:
    """Write a clean LKE file into the layer; raise LkeImportError and write nothing otherwise."""
    spec = selectors.catalog_spec(cycle.framework)
    pending, errors = parse_dataset(spec, dataset, row_numbers=row_numbers)
    if errors:
        raise LkeImportError(errors)
    existing = selectors.layer_answers(cycle, layer)
    changed = {
        code: (scoring.AnswerData(item.option, item.number, item.inputs), item.note)
        for code, item in pending.items()
        if not _same(existing.get(code), item)
    }
    return services.answers_save_many(
        cycle=cycle, layer=layer, answers=changed, by=by, reason="lke_import", spec=spec
    )


def _same(answer, item: _Pending) -> bool:
    """True when the file says what the answer already says (nothing to write)."""
    if answer is None:
        return item.option is None and item.number is None and not item.inputs and not item.note
    typed = {key: value for key, value in (answer.inputs or {}).items()}
    wanted = scoring.computed_inputs(item.question, item.inputs) if item.question.inputs else {}
    return (
        (answer.option or None) == item.option
        and (None if answer.number is None else float(answer.number)) == item.number
        and {k: float(v) for k, v in typed.items()} == wanted
        and answer.note == item.note
    )
