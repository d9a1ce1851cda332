"""Saving answers: one at a time from a page, or many at once from an import or the demo."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from change_areas import scoring, selectors, workflow
from change_areas.models import (
    Answer,
    Cycle,
    Layer,
    Predicate,
    PredicateAward,
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


def _locked_cycle(pk: int) -> Cycle:
    """The cycle under a row lock (only its own row), with the predicates its unit holds today
    (`held`, for the scorecard's eligibility) read in the same query."""
    today = timezone.localdate()
    held = {
        f"held_{predicate}": Exists(
            PredicateAward.objects.held().filter(
                unit=OuterRef("unit"), predicate=predicate, decree_date__lte=today
            )
        )
        for predicate in Predicate.values
    }
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("unit", "framework")
        .annotate(**held)
        .get(pk=pk)
    )
    cycle.held = {
        predicate for predicate in Predicate.values if getattr(cycle, f"held_{predicate}")
    }
    return cycle


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
    The answer comes back with `answer.cycle` the cycle as it now stands.

    Nine queries: the cycle locked (with the predicates held), the layer's
    answers locked, the answer and its history (two with the evidence it
    carries), the cycle's summary, its changed area rows, and the tallies above.
    """
    cycle = _locked_cycle(cycle.pk)
    if question.framework_id != cycle.framework_id or not question.is_active:
        raise ValidationError(_("Pertanyaan ini bukan bagian dari LKE siklus ini."))
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[layer])
        editable, reason = workflow.layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)
    spec = selectors.catalog_spec(cycle.framework)
    answers = {
        answer.question.code: answer
        for answer in Answer.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, layer=layer)
        .select_related("question")
    }
    answer = answers.get(question.code)
    if answer is not None and expected_version is not None and answer.version != expected_version:
        raise AnswerConflict(answer)
    if answer is None:
        answer = Answer(cycle=cycle, question=question, layer=layer, version=0)
        answers[question.code] = answer
    answer.cycle = cycle
    _fill_answer(
        answer,
        selectors.catalog_question_specs(cycle.framework)[question.code],
        scoring.AnswerData(option or None, number, inputs or {}),
        note=note.strip(),
        by=by,
    )
    record(answer, by=by, reason="answer_save")
    answer.save()
    card = selectors.scorecard(cycle, layer, spec=spec, answers=answers, held=cycle.held)
    cycle_refresh_summary(cycle=cycle, layer=layer, card=card)
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
