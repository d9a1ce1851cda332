"""Reads of `change_areas` that are more than one line: catalogs as plain data,
answers of a layer, scorecards, prerequisite checklists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import scoring
from change_areas.models import (
    Answer,
    Area,
    Comment,
    Component,
    Cycle,
    Framework,
    Indicator,
    Layer,
    Part,
    PredicateAward,
    Prerequisite,
    PrerequisiteLevel,
    PrerequisiteRecord,
    PrerequisiteSource,
    Question,
    QuestionInput,
    QuestionOption,
    QuestionReview,
    ThresholdRule,
)
from units import access
from units.access import Perm
from units.models import Unit, UnitKind


def with_spec_relations(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Questions with what `question_spec` reads: indicator, active options and inputs in order."""
    return questions.select_related("indicator").prefetch_related(
        Prefetch("options", QuestionOption.objects.filter(is_active=True).order_by("order")),
        Prefetch("inputs", QuestionInput.objects.filter(is_active=True).order_by("order")),
    )


def question_spec(question: Question) -> scoring.QuestionSpec:
    """One question as plain data for the scoring engine: the one model → spec mapping.

    Reads the question's indicator, options and inputs: no query when they
    were loaded by `with_spec_relations`, one each otherwise.
    """
    options = (
        sorted((o for o in question.options.all() if o.is_active), key=lambda o: o.order)
        if question.has_options
        else []
    )
    inputs = sorted((i for i in question.inputs.all() if i.is_active), key=lambda i: i.order)
    return scoring.QuestionSpec(
        code=question.code,
        indicator=question.indicator.code,
        answer_type=question.answer_type,
        options={o.key: float(o.value) for o in options},
        rule=question.value_rule or {},
        inputs=tuple(
            scoring.InputSpec(i.key, i.code, i.label, tuple((i.computed or {}).get("sum", ())))
            for i in inputs
        ),
    )


# The catalogs as the scoring engine reads them (and the question rows a question card shows),
# per (framework, catalog revision). A write to a catalog row gives the framework a new
# revision (`models.catalog.catalog_changed`), which every process sees with the framework's
# row, so none keeps serving an old catalog. The cached rows are shared: read them, never
# change them.
_CATALOGS: dict[tuple[str, int, object], object] = {}
_CATALOGS_KEPT = 32


def _per_revision(kind: str, framework: Framework, build):
    key = (kind, framework.pk, framework.catalog_revision)
    found = _CATALOGS.get(key)
    if found is None:
        found = build(framework)
        if len(_CATALOGS) >= _CATALOGS_KEPT:
            _CATALOGS.pop(next(iter(_CATALOGS)), None)
        _CATALOGS[key] = found
    return found


def catalog_spec(framework: Framework) -> scoring.CatalogSpec:
    """The framework's active catalog as plain data for the scoring engine.

    Built once per catalog revision and kept in memory: no query when the
    framework's revision was seen before, 7 queries otherwise.
    """
    return _per_revision("spec", framework, _build_catalog_spec)


def catalog_question_specs(framework: Framework) -> dict[str, scoring.QuestionSpec]:
    """The active questions' specs by code (from `catalog_spec`)."""
    return _per_revision(
        "question-specs",
        framework,
        lambda framework: {
            question.code: question for question in catalog_spec(framework).questions
        },
    )


def catalog_questions(framework: Framework) -> dict[str, Question]:
    """The active question rows by code, with their indicator, area, component, active options
    and inputs loaded: what a question card shows. Kept per catalog revision (4 queries once)."""
    return _per_revision(
        "questions",
        framework,
        lambda framework: {
            question.code: question
            for question in with_spec_relations(
                Question.objects.filter(framework=framework, is_active=True).select_related(
                    "indicator__area__component"
                )
            )
        },
    )


def _build_catalog_spec(framework: Framework) -> scoring.CatalogSpec:
    """The framework's active catalog read from the database. 7 queries."""
    active = {"framework": framework, "is_active": True}
    questions = with_spec_relations(Question.objects.filter(**active).order_by("order", "code"))
    return scoring.CatalogSpec(
        framework=framework.code,
        components=tuple(
            scoring.ComponentSpec(c.code, c.name, c.kind, float(c.weight))
            for c in Component.objects.filter(**active).order_by("order")
        ),
        areas=tuple(
            scoring.AreaSpec(a.code, a.name, a.short_name, float(a.weight or 0), a.component.code)
            for a in Area.objects.filter(**active, component__isnull=False)
            .select_related("component")
            .order_by("order")
        ),
        parts=tuple(
            scoring.PartSpec(p.code, p.name, p.kind, float(p.weight), p.area.code)
            for p in Part.objects.filter(**active).select_related("area").order_by("order")
        ),
        indicators=tuple(
            scoring.IndicatorSpec(
                i.code,
                i.name,
                float(i.weight),
                i.area.code,
                i.part.code if i.part else None,
                i.parent.code if i.parent else None,
            )
            for i in Indicator.objects.filter(**active)
            .select_related("area", "part", "parent")
            .order_by("order")
        ),
        questions=tuple(question_spec(q) for q in questions),
        thresholds=tuple(
            scoring.ThresholdSpec(
                t.predicate,
                t.code,
                t.kind,
                t.label,
                t.target,
                None if t.minimum is None else float(t.minimum),
                t.scope,
            )
            for t in ThresholdRule.objects.filter(**active).order_by("predicate", "order")
        ),
    )


def answer_data(answer: Answer) -> scoring.AnswerData:
    return scoring.AnswerData(
        option=answer.option or None,
        number=None if answer.number is None else float(answer.number),
        inputs={
            key: float(value) for key, value in (answer.inputs or {}).items() if value is not None
        },
    )


def layer_answers(cycle: Cycle, layer: str) -> dict[str, Answer]:
    """The layer's answers keyed by question code. One query."""
    answers = Answer.objects.filter(cycle=cycle, layer=layer).select_related("question")
    return {answer.question.code: answer for answer in answers}


def may_read_layer(user, cycle: Cycle, layer: str) -> bool:
    """Whether the person may read a layer's answers and scores: the unit's own layer is
    everyone's who sees the cycle; reviewers' layers are for reviewers and administrators."""
    if layer == Layer.SELF:
        return access.can(user, cycle.unit, Perm.VIEW)
    return any(
        access.can(user, cycle.unit, perm)
        for perm in (Perm.REVIEW_TPI, Perm.REVIEW_TPN, Perm.ADMINISTER)
    )


def layer_answers_with_evidence(cycle: Cycle, layer: str) -> dict[str, Answer]:
    """The layer's answers keyed by question code, with their evidence. Two queries."""
    answers = (
        Answer.objects.filter(cycle=cycle, layer=layer)
        .select_related("question")
        .prefetch_related("evidence")
    )
    return {answer.question.code: answer for answer in answers}


def held_predicates(unit, on: datetime.date | None = None) -> set[str]:
    """Predicates the unit holds (awarded, not revoked) on a day. One query."""
    on = on or timezone.localdate()
    return set(
        PredicateAward.objects.held()
        .filter(unit=unit, decree_date__lte=on)
        .values_list("predicate", flat=True)
    )


def scorecard(
    cycle: Cycle,
    layer: str = Layer.SELF,
    *,
    spec: scoring.CatalogSpec | None = None,
    answers: dict[str, Answer] | None = None,
    held: set[str] | None = None,
) -> scoring.Scorecard:
    """The layer's scorecard, computed now. Two queries (answers, held predicates), none for
    what is given; the catalog is cached per revision."""
    spec = spec or catalog_spec(cycle.framework)
    answers = answers if answers is not None else layer_answers(cycle, layer)
    return scoring.score(
        spec,
        {code: answer_data(answer) for code, answer in answers.items()},
        held_predicates=held_predicates(cycle.unit) if held is None else held,
    )


def summary_of(card: scoring.Scorecard) -> dict:
    """What a cycle stores of a scorecard (JSON), rounded to 4 decimals."""

    def node(n: scoring.NodeScore) -> dict:
        return {
            "name": n.name,
            "value": round(n.value, 4),
            "weight": n.weight,
            "answered": n.answered,
            "questions": n.questions,
        }

    return {
        "total": round(card.total, 4),
        "completeness": round(card.completeness, 4),
        "answered": card.answered,
        "questions": card.question_count,
        "components": {code: node(n) for code, n in card.components.items()},
        "areas": {code: node(n) for code, n in card.areas.items()},
        "parts": {code: node(n) for code, n in card.parts.items()},
        "indicators": {code: node(n) for code, n in card.indicators.items()},
        "eligibility": {
            predicate: {
                "eligible": result.eligible,
                "failed": [
                    {"rule": f.rule, "message": f.message, "target": f.target}
                    for f in result.failed
                ],
            }
            for predicate, result in card.eligibility.items()
        },
    }


# --------------------------------------------------------------------------
# Proposal prerequisites


@dataclass
class PrerequisiteCheck:
    prerequisite: Prerequisite
    record: PrerequisiteRecord | None
    value: str | None  # recorded or computed; None when unknown
    required: str | None  # the minimum for the cycle's target and instansi type
    met: bool | None  # None when unknown
    computed: bool = False

    @property
    def display_value(self) -> str | None:
        return self._display(self.value)

    @property
    def display_required(self) -> str | None:
        return self._display(self.required)

    def _display(self, value: str | None) -> str | None:
        if value is None:
            return None
        kind = self.prerequisite.value_type
        if kind == "boolean":
            return _("ya") if str(value).lower() in ("1", "true", "ya", "yes") else _("tidak")
        if kind == "percent":
            return f"{value}%"
        if kind == "years":
            if (
                self.prerequisite.source == PrerequisiteSource.REVOCATION_FREE_YEARS
                and value == NEVER_REVOKED
            ):
                return _("tidak pernah dicabut")
            return _("%(years)s tahun") % {"years": value}
        return str(value)


NEVER_REVOKED = "99"


def instansi_of(unit):
    """The instansi a unit belongs to: the root of its tree. One query (none for a root)."""
    if unit.depth <= 1:
        return unit
    return Unit.objects.get(path=unit.root_path)


def instansi_type(instansi) -> str:
    return "pemda" if instansi.kind == UnitKind.PEMERINTAH_DAERAH else "kl"


def prerequisite_checklist(cycle: Cycle) -> list[PrerequisiteCheck]:
    """Each proposal prerequisite of the cycle's framework with its value and whether it is met."""
    unit = cycle.unit
    instansi = instansi_of(unit)
    kind = instansi_type(instansi)
    prerequisites = list(
        Prerequisite.objects.filter(framework=cycle.framework, is_active=True).order_by("order")
    )
    records = {
        (record.unit_id, record.prerequisite_id): record
        for record in PrerequisiteRecord.objects.filter(
            Q(unit=unit) | Q(unit=instansi), year=cycle.year, prerequisite__in=prerequisites
        )
    }
    first_year = (
        Cycle.objects.filter(unit=unit).order_by("year").values_list("year", flat=True).first()
    ) or cycle.year
    last_revocation = (
        PredicateAward.objects.filter(unit=unit, revoked_on__isnull=False)
        .order_by("-revoked_on")
        .values_list("revoked_on", flat=True)
        .first()
    )
    checks = []
    for prerequisite in prerequisites:
        owner = instansi if prerequisite.level == PrerequisiteLevel.INSTANSI else unit
        record = records.get((owner.pk, prerequisite.pk))
        requirement = (prerequisite.requirement or {}).get(cycle.target, {})
        required = requirement.get(kind, requirement.get("*"))
        value: str | None = record.value if record else None
        computed = False
        if value is None and prerequisite.source == PrerequisiteSource.BUILDING_YEARS:
            value, computed = str(cycle.year - first_year), True
        elif value is None and prerequisite.source == PrerequisiteSource.REVOCATION_FREE_YEARS:
            computed = True
            value = (
                "99"
                if last_revocation is None
                else str((datetime.date(cycle.year, 12, 31) - last_revocation).days // 365)
            )
        checks.append(
            PrerequisiteCheck(
                prerequisite=prerequisite,
                record=record,
                value=value,
                required=None if required is None else str(required),
                met=_meets(prerequisite, value, required),
                computed=computed,
            )
        )
    return checks


def _meets(prerequisite: Prerequisite, value: str | None, required) -> bool | None:
    if value is None or required is None:
        return None
    kind = prerequisite.value_type
    if kind == "grade":
        grades = [str(g) for g in prerequisite.grades]
        if value not in grades or str(required) not in grades:
            return None
        return grades.index(value) <= grades.index(str(required))  # best first
    if kind == "boolean":
        return (
            value.lower() in ("1", "true", "ya", "yes") if required in (True, "true", 1) else True
        )
    try:
        return float(value.replace(",", ".")) >= float(required)
    except ValueError:
        return None


def scorecard_json(cycle: Cycle, layer: str = Layer.SELF) -> dict:
    """The layer's scorecard as one JSON-ready object, numbers rounded to 2 decimals."""
    card = scorecard(cycle, layer)

    def rounded(nodes: dict[str, scoring.NodeScore]) -> dict[str, float]:
        return {code: round(node.value, 2) for code, node in nodes.items()}

    return {
        "framework": cycle.framework.code,
        "unit": cycle.unit.code,
        "year": cycle.year,
        "layer": layer,
        "total": round(card.total, 2),
        "components": rounded(card.components),
        "parts": rounded(card.parts),
        "areas": rounded(card.areas),
        "indicators": rounded(card.indicators),
        "completeness": round(card.completeness, 2),
        "eligibility": {
            predicate: {
                "eligible": result.eligible,
                "failed": [{"rule": f.rule, "message": f.message} for f in result.failed],
            }
            for predicate, result in card.eligibility.items()
        },
    }


# --------------------------------------------------------------------------
# Pages


@dataclass
class QuestionView:
    question: Question
    answer: Answer | None
    options: list[QuestionOption]
    inputs: list[tuple[QuestionInput, object]]  # each input with its value (or None)
    evidence: list
    percent: float | None = None  # computed percentage of a `persen` question
    review: object | None = None  # the QuestionReview of the reviewing layer, when asked for
    comments: list = field(default_factory=list)
    counterpart: QuestionView | None = None  # the same question in the layer compared with
    editable: bool = True  # False for questions locked while the unit revises others

    @property
    def anchor(self) -> str:
        return "q-" + self.question.code.replace(".", "-")

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value is not None


@dataclass
class IndicatorView:
    indicator: Indicator
    summary: dict
    questions: list[QuestionView]
    children: list[IndicatorView]


@dataclass
class PartView:
    part: Part | None
    summary: dict
    indicators: list[IndicatorView]


def question_views(
    cycle: Cycle,
    questions: list[Question],
    layer: str,
    *,
    review_layer: str | None = None,
    with_comments: bool = False,
    answers: dict[int, Answer] | None = None,
) -> dict[str, QuestionView]:
    """Questions (options and inputs prefetched) with the layer's answers and evidence.

    2 queries (1 with `answers` given by question id: only their evidence), +1 with
    `review_layer` (the reviews of that layer), +1 with comments.
    """
    if answers is not None:
        prefetch_related_objects(list(answers.values()), "evidence")
    else:
        answers = {
            answer.question_id: answer
            for answer in Answer.objects.filter(
                cycle=cycle, layer=layer, question__in=[q.pk for q in questions]
            )
            .select_related("updated_by")
            .prefetch_related("evidence")
        }
    views = {}
    for question in questions:
        answer = answers.get(question.pk)
        values = (answer.inputs or {}) if answer else {}
        inputs = [(item, values.get(item.key)) for item in question.inputs.all()]
        percent = None
        if question.answer_type == "persen" and answer is not None and answer.value is not None:
            percent = float(answer.value) * 100
        views[question.code] = QuestionView(
            question=question,
            answer=answer,
            options=list(question.options.all()),
            inputs=inputs,
            evidence=list(answer.evidence.all()) if answer else [],
            percent=percent,
        )
    ids = [q.pk for q in questions]
    if review_layer:
        code_of = {q.pk: q.code for q in questions}
        for review in QuestionReview.objects.filter(
            cycle=cycle, layer=review_layer, question__in=ids
        ).select_related("reviewed_by"):
            views[code_of[review.question_id]].review = review
    if with_comments:
        code_of = {q.pk: q.code for q in questions}
        for comment in Comment.objects.filter(cycle=cycle, question__in=ids).select_related(
            "author"
        ):
            views[code_of[comment.question_id]].comments.append(comment)
    return views


def _questions_of(framework: Framework, **filters) -> list[Question]:
    return list(
        Question.objects.filter(framework=framework, is_active=True, **filters)
        .select_related("indicator")
        .prefetch_related(
            Prefetch("options", QuestionOption.objects.filter(is_active=True).order_by("order")),
            Prefetch("inputs", QuestionInput.objects.filter(is_active=True).order_by("order")),
        )
        .order_by("order", "code")
    )


def area_sections(
    cycle: Cycle,
    areas: list[Area],
    layer: str = Layer.SELF,
    *,
    compare_layer: str | None = None,
    review_layer: str | None = None,
    with_comments: bool = True,
) -> list[tuple[Area, list[PartView]]]:
    """Everything an area page shows, for one or more areas, in a constant number of queries.

    With `compare_layer` each question also carries that layer's answer
    (`counterpart`), for reviewers who score beside the unit's answer.
    """
    summary = cycle.summary(layer)
    indicators = list(
        Indicator.objects.filter(area__in=areas, is_active=True)
        .select_related("part")
        .order_by("order")
    )
    parts = list(Part.objects.filter(area__in=areas, is_active=True).order_by("order"))
    questions = _questions_of(cycle.framework, indicator__area__in=areas)
    views = question_views(
        cycle, questions, layer, review_layer=review_layer, with_comments=with_comments
    )
    if compare_layer:
        others = question_views(cycle, questions, compare_layer)
        for code, view in views.items():
            view.counterpart = others[code]
    by_indicator: dict[int, list[QuestionView]] = {}
    for question in questions:
        by_indicator.setdefault(question.indicator_id, []).append(views[question.code])
    nodes = summary.get("indicators", {})
    indicator_views = {
        i.pk: IndicatorView(i, nodes.get(i.code, {}), by_indicator.get(i.pk, []), [])
        for i in indicators
    }
    for indicator in indicators:
        if indicator.parent_id and indicator.parent_id in indicator_views:
            indicator_views[indicator.parent_id].children.append(indicator_views[indicator.pk])
    result = []
    for area in areas:
        tops = [
            indicator_views[i.pk] for i in indicators if i.area_id == area.pk and not i.parent_id
        ]
        area_parts = [p for p in parts if p.area_id == area.pk]
        if area_parts:
            part_views = [
                PartView(
                    part,
                    summary.get("parts", {}).get(part.code, {}),
                    [view for view in tops if view.indicator.part_id == part.pk],
                )
                for part in area_parts
            ]
        else:
            part_views = [PartView(None, {}, tops)]
        result.append((area, part_views))
    return result


def first_unanswered(cycle: Cycle, layer: str = Layer.SELF) -> dict[str, str]:
    """For each area code, the code of its first unanswered question. 2 queries."""
    answered = set(
        Answer.objects.filter(cycle=cycle, layer=layer, value__isnull=False).values_list(
            "question_id", flat=True
        )
    )
    first: dict[str, str] = {}
    for pk, code, area_code in (
        Question.objects.filter(framework=cycle.framework, is_active=True)
        .order_by("order", "code")
        .values_list("pk", "code", "indicator__area__code")
    ):
        if pk not in answered and area_code not in first:
            first[area_code] = code
    return first
