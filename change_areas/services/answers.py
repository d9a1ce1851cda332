"""Saving answers: one at a time from a page, or many at once from an import or the demo."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from change_areas import scoring, selectors, workflow
from change_areas.models import (
    Answer,
    Cycle,
    Layer,
    Question,
)
from change_areas.services.cycles import cycle_refresh_summary
from lib.writes import record
from units import access


class AnswerConflict(Exception):
    """Someone else saved the answer after it was loaded; nothing was saved."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        super().__init__(_("Jawaban ini sudah diubah orang lain sejak halaman dibuka."))


def _store_answer(
    *,
    cycle: Cycle,
    question: Question,
    spec: scoring.QuestionSpec,
    layer: str,
    data: scoring.AnswerData,
    note: str,
    by,
    expected_version: int | None,
    reason: str,
) -> Answer:
    answer = (
        Answer.objects.select_for_update()
        .filter(cycle=cycle, question=question, layer=layer)
        .first()
    )
    if answer is not None and expected_version is not None and answer.version != expected_version:
        raise AnswerConflict(answer)
    if answer is None:
        answer = Answer(cycle=cycle, question=question, layer=layer, version=0)
    _fill_answer(answer, spec, data, note=note, by=by)
    record(answer, by=by, reason=reason)
    answer.save()
    return answer


def _fill_answer(
    answer: Answer, spec: scoring.QuestionSpec, data: scoring.AnswerData, *, note: str, by
) -> None:
    """Validate `data` for the question and put it, with its computed value, on the answer."""
    try:
        scoring.validate_answer(spec, data)
    except scoring.AnswerError as error:
        raise ValidationError(str(error)) from None
    inputs = {}
    if spec.inputs:
        typed = {key: value for key, value in data.inputs.items() if value is not None}
        inputs = {key: int(value) for key, value in scoring.computed_inputs(spec, typed).items()}
    value = scoring.question_value(spec, scoring.AnswerData(data.option, data.number, inputs))
    answer.option = data.option or ""
    answer.number = None if data.number is None else Decimal(str(data.number))
    answer.inputs = inputs
    answer.value = None if value is None else Decimal(str(round(value, 4)))
    answer.note = note
    answer.updated_by = by
    answer.version += 1


@transaction.atomic
def answer_save(
    *,
    cycle: Cycle,
    question: Question,
    layer: str = Layer.SELF,
    option: str | None = None,
    number: float | None = None,
    inputs: dict[str, float | None] | None = None,
    note: str = "",
    by=None,
    expected_version: int | None = None,
) -> tuple[Answer, scoring.Scorecard]:
    """Save one answer and store the layer's new scorecard summary on the cycle.

    With `expected_version` (the version the person saw), an answer someone
    else changed in the meantime raises AnswerConflict and nothing is saved.
    """
    cycle = Cycle.objects.select_for_update().select_related("unit", "framework").get(pk=cycle.pk)
    if question.framework_id != cycle.framework_id or not question.is_active:
        raise ValidationError(_("Pertanyaan ini bukan bagian dari LKE siklus ini."))
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[layer])
        editable, reason = workflow.layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)
    answer = _store_answer(
        cycle=cycle,
        question=question,
        spec=selectors.question_spec(question),
        layer=layer,
        data=scoring.AnswerData(option or None, number, inputs or {}),
        note=note.strip(),
        by=by,
        expected_version=expected_version,
        reason="answer_save",
    )
    card = cycle_refresh_summary(cycle=cycle, layer=layer)
    return answer, card


@transaction.atomic
def answers_save_many(
    *,
    cycle: Cycle,
    layer: str,
    answers: dict[str, tuple[scoring.AnswerData, str]],
    by=None,
    reason: str = "answers_save_many",
    spec: scoring.CatalogSpec | None = None,
) -> int:
    """Write many answers of one layer (imports, demo data) and refresh the summary once.

    Answers are validated like single saves; the caller checks permission.
    Returns how many answers were written.
    """
    spec = spec or selectors.catalog_spec(cycle.framework)
    specs = {question.code: question for question in spec.questions}
    questions = {
        q.code: q
        for q in Question.objects.filter(framework=cycle.framework, code__in=list(answers))
    }
    unknown = sorted(code for code in answers if code not in questions or code not in specs)
    if unknown:
        raise ValidationError(
            _("Kode %(code)s tidak ada di LKE siklus ini.") % {"code": ", ".join(unknown)}
        )
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.select_for_update().filter(
            cycle=cycle, layer=layer, question__in=[q.pk for q in questions.values()]
        )
    }
    now = timezone.now()
    created, changed = [], []
    for code, (data, note) in answers.items():
        question = questions[code]
        answer = existing.get(question.pk) or Answer(
            cycle=cycle, question=question, layer=layer, version=0
        )
        _fill_answer(answer, specs[code], data, note=note, by=by)
        answer.updated_at = now
        (changed if answer.pk else created).append(answer)
    # One INSERT and one UPDATE (with their history rows) instead of a round trip per answer.
    bulk_create_with_history(
        created, Answer, batch_size=500, default_user=by, default_change_reason=reason
    )
    bulk_update_with_history(
        changed,
        Answer,
        ["option", "number", "inputs", "value", "note", "updated_by", "version", "updated_at"],
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    cycle_refresh_summary(cycle=cycle, layer=layer, spec=spec)
    return len(answers)
