"""Reads of `change_areas` that are more than one line: catalogs as plain data,
answers of a layer, scorecards, prerequisite checklists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from change_areas import expressions, scoring
from change_areas.models import (
    OPEN_STATUSES,
    Answer,
    Area,
    Assignment,
    Campaign,
    Comment,
    Component,
    Cycle,
    Framework,
    Indicator,
    Layer,
    MandiriDesignation,
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
    ReturnedQuestion,
    ReviewStatus,
    RoundOutcome,
    ThresholdRule,
    WorkPlanItem,
)
from lib.rounding import shown
from units import access
from units.access import Perm
from units.models import Membership, Unit, UnitKind


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
        weight=float(question.weight),
        number_range=(
            (float(question.number_min or 0), float(question.number_max))
            if question.is_number
            else None
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
    """The active question rows by code, with their indicator (its parent and part), area,
    component, active options and inputs loaded: what a question card and the figures it
    moves show. Kept per catalog revision (4 queries once)."""
    return _per_revision(
        "questions",
        framework,
        lambda framework: {
            question.code: question
            for question in with_spec_relations(
                Question.objects.filter(framework=framework, is_active=True).select_related(
                    "indicator__area__component", "indicator__parent", "indicator__part"
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
        threshold_kinds={
            name: scoring.ThresholdKindSpec(
                kind["subjects"], kind.get("measure", "value"), kind["message"], kind["label"]
            )
            for name, kind in (framework.threshold_kinds or {}).items()
        },
    )


def answer_data(answer: Answer) -> scoring.AnswerData:
    return _answer_data(answer.option, answer.number, answer.inputs)


def _answer_data(option: str, number, inputs: dict | None) -> scoring.AnswerData:
    return scoring.AnswerData(
        option=option or None,
        number=None if number is None else float(number),
        inputs={key: float(value) for key, value in (inputs or {}).items() if value is not None},
    )


def layer_answer_data(cycle: Cycle, layer: str) -> dict[str, scoring.AnswerData]:
    """The layer's answers as the engine reads them, keyed by question code. One query of
    four columns, no model instances: what a scorecard reads."""
    return {
        code: _answer_data(option, number, inputs)
        for code, option, number, inputs in Answer.objects.filter(
            cycle=cycle, layer=layer
        ).values_list("question__code", "option", "number", "inputs")
    }


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


def answer_snapshot(answer: Answer | None) -> dict:
    """The unit's answer as a review round keeps it: the choice or figures, the note and
    the documents attached. Reads `answer.evidence` (prefetched, or one query)."""
    if answer is None:
        return {"option": "", "number": None, "inputs": {}, "note": "", "evidence": []}
    return {
        "option": answer.option or "",
        "number": None if answer.number is None else float(answer.number),
        "inputs": {key: value for key, value in sorted((answer.inputs or {}).items())},
        "note": answer.note or "",
        "evidence": sorted([document.pk, document.title] for document in answer.evidence.all()),
    }


def same_answer(before: dict, after: dict) -> bool:
    """Whether two snapshots say the same (the documents compared by identity). No query."""
    return {**before, "evidence": [pk for pk, _title in before.get("evidence", [])]} == {
        **after,
        "evidence": [pk for pk, _title in after.get("evidence", [])],
    }


def self_snapshots(cycle: Cycle, question_ids) -> dict[int, dict]:
    """The unit's answers to these questions as rounds keep them, by question id. Two queries."""
    ids = list(question_ids)
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            cycle=cycle, layer=Layer.SELF, question_id__in=ids
        ).prefetch_related("evidence")
    }
    return {pk: answer_snapshot(answers.get(pk)) for pk in ids}


def open_round_items(cycle: Cycle, layer: str, question_ids) -> dict[int, ReturnedQuestion]:
    """The returned, not yet resubmitted round items of these questions, by question id. One query."""
    return {
        item.question_id: item
        for item in ReturnedQuestion.objects.filter(
            round__cycle=cycle,
            round__layer=layer,
            outcome=RoundOutcome.OPEN,
            question_id__in=list(question_ids),
        ).select_related("round")
    }


@dataclass
class ReturnedRow:
    review: QuestionReview
    item: ReturnedQuestion | None
    unchanged: bool
    url: str = ""  # the question on its page, filled by the view


def returned_questions(cycle: Cycle, reviews: list[QuestionReview]) -> list[ReturnedRow]:
    """The returned questions the unit holds (`workflow.returned_reviews`), with their round
    and whether the answer is still as returned. Three queries (none without any)."""
    if not reviews:
        return []
    layer = reviews[0].layer
    ids = [review.question_id for review in reviews]
    items = open_round_items(cycle, layer, ids)
    now = self_snapshots(cycle, ids)
    return [
        ReturnedRow(
            review=review,
            item=items.get(review.question_id),
            unchanged=review.question_id in items
            and same_answer(items[review.question_id].before, now[review.question_id]),
        )
        for review in reviews
    ]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def snapshot_changes(before: dict, after: dict | None) -> list[FieldChange]:
    """What changed between two snapshots, field by field, in words. No query."""
    if after is None:
        return []

    def figures(snapshot: dict) -> str:
        if snapshot.get("option"):
            return snapshot["option"]
        if snapshot.get("number") is not None:
            return formats.number_format(snapshot["number"], decimal_pos=2)
        inputs = snapshot.get("inputs") or {}
        return ", ".join(f"{key} = {formats.number_format(value)}" for key, value in inputs.items())

    changes = []
    if figures(before) != figures(after):
        changes.append(FieldChange(_("Jawaban"), figures(before) or "—", figures(after) or "—"))
    if (before.get("note") or "") != (after.get("note") or ""):
        changes.append(
            FieldChange(_("Catatan"), before.get("note") or "—", after.get("note") or "—")
        )
    had = {pk: title for pk, title in before.get("evidence", [])}
    has = {pk: title for pk, title in after.get("evidence", [])}
    if had.keys() != has.keys():
        changes.append(
            FieldChange(
                _("Bukti dukung"),
                "; ".join(sorted(had.values())) or "—",
                "; ".join(sorted(has.values())) or "—",
            )
        )
    return changes


def held_predicates(unit, on: datetime.date | None = None) -> set[str]:
    """Predicates the unit holds on a day: decreed by then and not revoked by then. One query."""
    on = on or timezone.localdate()
    return set(
        PredicateAward.objects.held_on(on).filter(unit=unit).values_list("predicate", flat=True)
    )


# --------------------------------------------------------------------------
# Elapsed time: the rules that count years count days to the proposal date.

DAYS_PER_YEAR = 365  # a year of a time rule, as the award check counts two years as 730 days

# Functions (unit → date or None) that know when a unit declared its Zona Integritas. The
# declarations app, a floor above, registers its own in its AppConfig.ready().
PENCANANGAN_SOURCES: list = []


def register_pencanangan_source(source) -> None:
    if source not in PENCANANGAN_SOURCES:
        PENCANANGAN_SOURCES.append(source)


def pencanangan_date(unit) -> datetime.date | None:
    """The earliest pencanangan of the unit (or of an instansi above it) on record."""
    dates = [day for source in PENCANANGAN_SOURCES if (day := source(unit)) is not None]
    return min(dates) if dates else None


def mandiri_designation(cycle: Cycle) -> MandiriDesignation | None:
    """The Menteri's designation letting the cycle's instansi evaluate Menuju WBK itself in the
    cycle's year, or None. Two queries (one for a root unit)."""
    instansi = instansi_of(cycle.unit)
    for designation in MandiriDesignation.objects.filter(instansi=instansi).order_by(
        "-decree_date"
    ):
        if designation.covers(cycle.year):
            return designation
    return None


def proposal_reference_date(cycle: Cycle) -> datetime.date:
    """The day the time rules are counted to: the proposal letter's date once proposed, else
    the proposal deadline (31 May unless the campaign set another). No query (proposal joined)."""
    if cycle.proposal_id and cycle.proposal is not None:
        return cycle.proposal.letter_date
    return cycle.proposal_deadline


def elapsed(days: int) -> str:
    """Days as people say them: "1 tahun 272 hari", "2 tahun", "45 hari"."""
    years, rest = divmod(max(days, 0), DAYS_PER_YEAR)
    if years and rest:
        return _("%(years)d tahun %(days)d hari") % {"years": years, "days": rest}
    if years:
        return _("%(years)d tahun") % {"years": years}
    return _("%(days)d hari") % {"days": rest}


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
    if answers is None:
        data = layer_answer_data(cycle, layer)
    else:
        data = {code: answer_data(answer) for code, answer in answers.items()}
    return scoring.score(
        spec, data, held_predicates=held if held is not None else held_predicates(cycle.unit)
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
                "failed": [failure_data(f) for f in result.failed],
            }
            for predicate, result in card.eligibility.items()
        },
    }


def failure_data(failure: scoring.FailedRule) -> dict:
    """A failed rule as a summary stores it: its figures, so pages word it in any language."""
    return {
        "rule": failure.rule,
        "kind": failure.kind,
        "label": failure.label,
        "message": failure.message,
        "target": failure.target,
        "name": failure.name,
        "value": None if failure.value is None else round(failure.value, 4),
        "weight": failure.weight,
        "minimum": failure.minimum,
    }


def _number(value: float, decimals: int = 2) -> str:
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def failure_text(failure) -> str:
    """A failed threshold rule in the reader's language, figures formatted for it.

    Takes a stored failure (dict) or a `scoring.FailedRule`. The rule's label and
    the area names are catalog texts (Indonesian by design); the sentence and the
    numbers follow the active language. A kind this function does not know keeps
    the engine's own (Indonesian) message.
    """
    data = failure if isinstance(failure, dict) else failure_data(failure)
    kind, value, minimum = data.get("kind"), data.get("value"), data.get("minimum")
    if kind == "min_total" and value is not None and minimum is not None:
        return _("%(label)s %(value)s di bawah minimal %(minimum)s") % {
            "label": data["label"],
            "value": _number(value),
            "minimum": _number(minimum),
        }
    if kind == "min_node" and value is not None and minimum is not None:
        return _("%(label)s %(value)s dari %(weight)s di bawah minimal %(minimum)s") % {
            "label": data["label"],
            "value": _number(value),
            "weight": _number(data.get("weight") or 0),
            "minimum": _number(minimum),
        }
    if kind == "min_area_share" and value is not None and minimum is not None:
        weight = data.get("weight") or 0
        return _(
            "%(name)s %(value)s dari %(weight)s (%(share)s%%) di bawah minimal %(minimum)s%%"
        ) % {
            "name": data.get("name") or data.get("target"),
            "value": _number(value),
            "weight": _number(weight),
            "share": _number(value / weight * 100 if weight else 0, 1),
            "minimum": _number(minimum * 100, 0),
        }
    if kind == "requires_predicate":
        return _("Belum memiliki predikat %(predicate)s") % {
            "predicate": data.get("name") or data.get("target")
        }
    return data.get("message", "")


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
    days: int | None = None  # a computed time rule: days elapsed to the proposal date
    since: datetime.date | None = None  # …counted from this day (pencanangan, revocation)
    until: datetime.date | None = None  # …to this day

    @property
    def display_value(self) -> str | None:
        if self.days is not None:
            return elapsed(self.days)
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
    until = proposal_reference_date(cycle)
    last_revocation = (
        PredicateAward.objects.filter(unit=unit, revoked_on__isnull=False, revoked_on__lte=until)
        .order_by("-revoked_on")
        .values_list("revoked_on", flat=True)
        .first()
    )
    declared = None
    if any(p.source == PrerequisiteSource.BUILDING_YEARS for p in prerequisites):
        declared = pencanangan_date(unit)
    checks = []
    for prerequisite in prerequisites:
        owner = instansi if prerequisite.level == PrerequisiteLevel.INSTANSI else unit
        record = records.get((owner.pk, prerequisite.pk))
        requirement = (prerequisite.requirement or {}).get(cycle.target, {})
        required = requirement.get(kind, requirement.get("*"))
        value: str | None = record.value if record else None
        check = PrerequisiteCheck(
            prerequisite=prerequisite,
            record=record,
            value=value,
            required=None if required is None else str(required),
            met=_meets(prerequisite, value, required),
        )
        since = {
            PrerequisiteSource.BUILDING_YEARS: declared,
            PrerequisiteSource.REVOCATION_FREE_YEARS: last_revocation,
        }.get(prerequisite.source)
        if value is None and prerequisite.source == PrerequisiteSource.REVOCATION_FREE_YEARS:
            check.computed = True
            if since is None:
                check.value, check.met = NEVER_REVOKED, True
        if value is None and since is not None:
            # Elapsed days to the proposal date, against the years required × 365 days.
            days = (until - since).days
            check.computed, check.days, check.since, check.until = True, days, since, until
            check.value = f"{days / DAYS_PER_YEAR:.4f}"
            check.met = None if required is None else days >= float(required) * DAYS_PER_YEAR
        checks.append(check)
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
    """The layer's scorecard as one JSON-ready object, numbers as the LKE shows them."""
    return {
        "framework": cycle.framework.code,
        "unit": cycle.unit.code,
        "year": cycle.year,
        "layer": layer,
        **card_json(scorecard(cycle, layer)),
    }


def card_json(card: scoring.Scorecard) -> dict:
    """A scorecard's figures rounded by the one rule the verdicts use (lib.rounding.shown),
    so a total shown as 75.0 is never reported ineligible for a minimum of 75. Pure."""

    def rounded(nodes: dict[str, scoring.NodeScore]) -> dict[str, float]:
        return {code: float(shown(node.value)) for code, node in nodes.items()}

    return {
        "total": float(shown(card.total)),
        "components": rounded(card.components),
        "parts": rounded(card.parts),
        "areas": rounded(card.areas),
        "indicators": rounded(card.indicators),
        "completeness": float(shown(card.completeness)),
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
    rounds: list = field(default_factory=list)  # ReturnedQuestion items, first round first

    @property
    def anchor(self) -> str:
        return "q-" + self.question.code.replace(".", "-")

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value is not None

    @property
    def open_item(self):
        """The round item the unit holds now (returned, not resubmitted), or None."""
        return next((item for item in self.rounds if item.outcome == RoundOutcome.OPEN), None)

    @property
    def unchanged_since_return(self) -> bool:
        """Whether the unit's answer is still as it was returned. Needs the answer's evidence
        prefetched (question_views does)."""
        item = self.open_item
        return item is not None and same_answer(item.before, answer_snapshot(self.answer))

    @property
    def agrees(self) -> bool | None:
        """Whether this layer's score equals the compared layer's (the unit's): "sesuai" or
        "dikoreksi"; None when either is unanswered."""
        other = self.counterpart
        if other is None or not self.answered or not other.answered:
            return None
        return self.answer.value == other.answer.value

    @property
    def round_history(self) -> list[dict]:
        """Each round of this question with what changed, for the reviewer. No query."""
        return [
            {"item": item, "changes": snapshot_changes(item.before, item.after)}
            for item in self.rounds
        ]


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
    rounds_layer: str | None = None,
    answers: dict[int, Answer] | None = None,
) -> dict[str, QuestionView]:
    """Questions (options and inputs prefetched) with the layer's answers and evidence.

    2 queries (1 with `answers` given by question id: only their evidence), +1 with
    `review_layer` (the reviews of that layer), +1 with comments, +1 with `rounds_layer`
    (the questions' returns by that layer, in rounds).
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
    if rounds_layer:
        code_of = {q.pk: q.code for q in questions}
        for item in (
            ReturnedQuestion.objects.filter(
                round__cycle=cycle, round__layer=rounds_layer, question__in=ids
            )
            .select_related("round__returned_by", "resubmitted_by")
            .order_by("round__number")
        ):
            views[code_of[item.question_id]].rounds.append(item)
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
    rounds_layer: str | None = None,
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
        cycle,
        questions,
        layer,
        review_layer=review_layer,
        with_comments=with_comments,
        rounds_layer=rounds_layer,
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


# --------------------------------------------------------------------------
# Versions of an LKE: what changed between two, and codes that compare across them


@dataclass
class Difference:
    """One difference between two versions of an LKE, for the comparison page."""

    kind: str  # component, area, part, indicator, question, option, input, threshold, prerequisite
    code: str  # the code in the newer version (the older one's when removed)
    change: str  # "added", "removed", "renamed", "changed"
    field: str = ""
    before: object = None
    after: object = None
    old_code: str = ""


# What each kind of row is compared by (beyond its code), and how it is named.
COMPARED_FIELDS: dict[str, tuple[type, tuple[str, ...]]] = {
    "component": (Component, ("name", "kind", "weight")),
    "area": (Area, ("name", "weight")),
    "part": (Part, ("name", "kind", "weight")),
    "indicator": (Indicator, ("name", "weight")),
    "question": (
        Question,
        ("text", "criterion", "answer_type", "weight", "value_rule", "number_min", "number_max"),
    ),
    "option": (QuestionOption, ("value", "criterion")),
    "input": (QuestionInput, ("label", "computed")),
    "threshold": (ThresholdRule, ("kind", "target", "minimum", "scope", "label")),
    "prerequisite": (Prerequisite, ("name", "value_type", "grades", "requirement")),
}


def comparable_code(framework: Framework, code: str) -> str:
    """The code an item of an older version has in `framework` (its code map; else the same)."""
    mapped = dict(framework.code_map or {})
    if code in mapped:
        return mapped[code]
    for old, new in mapped.items():  # an option "old:A" follows its question
        if code.startswith(old + ":"):
            return new + code[len(old) :]
    return code


def version_differences(old: Framework, new: Framework) -> list[Difference]:
    """Every difference between two versions, row by row, the renamed codes followed through
    `new`'s code map. Texts are compared with their whitespace collapsed. 18 queries."""
    differences = []
    for kind, (model, fields) in COMPARED_FIELDS.items():
        before = _rows(model, old, fields, kind)
        after = _rows(model, new, fields, kind)
        renamed = {
            comparable_code(new, code): code
            for code in before
            if comparable_code(new, code) != code
        }
        before = {comparable_code(new, code): row for code, row in before.items()}
        for code in [c for c in after if c not in before]:
            differences.append(Difference(kind, code, "added"))
        for code in [c for c in before if c not in after]:
            differences.append(Difference(kind, renamed.get(code, code), "removed"))
        for code, row in after.items():
            if code not in before:
                continue
            if code in renamed:
                differences.append(Difference(kind, code, "renamed", old_code=renamed[code]))
            for name in fields:
                if _same(before[code][name], row[name]):
                    continue
                if name == "value_rule" and _same_rule(before[code][name], row[name]):
                    continue  # written differently (a preset spelled out), computes the same
                differences.append(
                    Difference(
                        kind,
                        code,
                        "changed",
                        field=name,
                        before=before[code][name],
                        after=row[name],
                        old_code=renamed.get(code, ""),
                    )
                )
    return differences


def _rows(model, framework: Framework, fields: tuple[str, ...], kind: str) -> dict[str, dict]:
    rows = {}
    for row in model.objects.filter(framework=framework, is_active=True).values(
        "code", *fields, *(["predicate"] if kind == "threshold" else [])
    ):
        code = f"{row['predicate']}:{row['code']}" if kind == "threshold" else row["code"]
        rows[code] = row
    return rows


def _same_rule(a: dict, b: dict) -> bool:
    try:
        return expressions.equivalent(expressions.preset(a or {}), expressions.preset(b or {}))
    except (expressions.ExpressionError, KeyError):
        return False


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    if a is None or b is None:
        return a is b
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b


def coordinators_may_invite(unit) -> bool:
    """Whether a campaign of this year or later, covering the unit, lets its coordinators
    invite new people (`Campaign.coordinators_invite`). One query."""
    return Campaign.objects.filter(
        coordinators_invite=True,
        root__path__in=unit.lineage_paths,
        year__gte=timezone.localdate().year,
    ).exists()


# Who does what: the team, its assignments, who is behind, and one person's tasks

TEAM_ROLES = ("staff", "coordinator", "unit_admin")


def team_members(cycle: Cycle) -> list:
    """The people who work on the unit's programme (roles held on the unit itself), by name.
    One query."""
    memberships = (
        Membership.objects.filter(unit=cycle.unit, role__in=TEAM_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    people: dict[int, object] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def _questions_by_area(framework) -> dict[str, list[int]]:
    by_area: dict[str, list[int]] = {}
    for pk, area in Question.objects.filter(framework=framework, is_active=True).values_list(
        "pk", "indicator__area__code"
    ):
        by_area.setdefault(area, []).append(pk)
    return by_area


@dataclass
class PersonProgress:
    person: object
    areas: list = field(default_factory=list)  # Area assignments
    questions: list = field(default_factory=list)  # Question assignments
    assigned: int = 0  # questions given to the person (through areas or one by one)
    answered: int = 0
    items: int = 0  # open work-plan activities in their charge
    overdue_items: int = 0
    late: int = 0  # assignments past their due date with questions unanswered

    @property
    def unanswered(self) -> int:
        return self.assigned - self.answered

    @property
    def behind(self) -> bool:
        return bool(self.overdue_items or self.late)

    @property
    def has_work(self) -> bool:
        return bool(self.unanswered or self.items)

    @property
    def summary(self) -> str:
        """What is left for the person, in one sentence (for a reminder)."""
        parts = []
        if self.unanswered:
            parts.append(
                _("%(count)d pertanyaan yang ditugaskan belum dijawab") % {"count": self.unanswered}
            )
        if self.overdue_items:
            parts.append(
                _("%(count)d kegiatan rencana kerja melewati tenggat")
                % {"count": self.overdue_items}
            )
        elif self.items:
            parts.append(_("%(count)d kegiatan rencana kerja berjalan") % {"count": self.items})
        return "; ".join(parts) + "."


def team_progress(cycle: Cycle, today: datetime.date | None = None) -> list[PersonProgress]:
    """Each team member with their assignments and how far they are. Five queries."""
    today = today or timezone.localdate()
    rows = {person.pk: PersonProgress(person) for person in team_members(cycle)}
    answered = set(
        Answer.objects.filter(cycle=cycle, layer=Layer.SELF, value__isnull=False).values_list(
            "question_id", flat=True
        )
    )
    by_area = _questions_by_area(cycle.framework)
    for assignment in Assignment.objects.filter(cycle=cycle).select_related(
        "area", "question__indicator__area"
    ):
        row = rows.get(assignment.assignee_id)
        if row is None:
            continue  # no longer on the team
        ids = (
            by_area.get(assignment.area.code, [])
            if assignment.area_id
            else [assignment.question_id]
        )
        (row.areas if assignment.area_id else row.questions).append(assignment)
        done = sum(1 for pk in ids if pk in answered)
        row.assigned += len(ids)
        row.answered += done
        if assignment.due_date and assignment.due_date < today and done < len(ids):
            row.late += 1
    for item in WorkPlanItem.objects.filter(
        cycle=cycle, assignee__isnull=False, status__in=OPEN_STATUSES
    ).only("assignee_id", "due_date", "status"):
        row = rows.get(item.assignee_id)
        if row is None:
            continue
        row.items += 1
        row.overdue_items += item.is_overdue(today)
    return list(rows.values())


@dataclass
class Task:
    kind: str  # "area", "question", "activity", "returned"
    cycle: Cycle
    title: str
    url: str
    due_date: datetime.date | None = None
    done: int = 0
    total: int = 0
    overdue: bool = False


def my_tasks(
    user, *, open_cycles: Q, today: datetime.date | None = None, limit: int = 20
) -> list[Task]:
    """What is given to this person in the cycles `open_cycles` selects (those where the
    unit still has work, `workflow.unit_has_work("cycle__")`): areas and questions (with
    how many are answered), work-plan activities in their charge, and questions
    returned for revision within what they hold. Soonest due first. Five queries."""
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.filter(open_cycles, assignee=user)
        .select_related(
            "cycle__unit", "cycle__framework", "area", "question__indicator__area__component"
        )
        .order_by("due_date", "pk")[:200]
    )
    items = list(
        WorkPlanItem.objects.filter(assignee=user, status__in=OPEN_STATUSES)
        .select_related("cycle__unit", "area")
        .order_by("due_date", "pk")[:100]
    )
    cycles = {assignment.cycle_id: assignment.cycle for assignment in assignments}
    answered: set[tuple[int, int]] = set(
        Answer.objects.filter(
            cycle_id__in=list(cycles), layer=Layer.SELF, value__isnull=False
        ).values_list("cycle_id", "question_id")
    )
    returned: set[tuple[int, int]] = set(
        QuestionReview.objects.filter(
            cycle_id__in=list(cycles), status=ReviewStatus.RETURNED
        ).values_list("cycle_id", "question_id")
    )
    frameworks = {cycle.framework_id for cycle in cycles.values()}
    by_area: dict[tuple[int, str], list[int]] = {}
    for pk, framework_id, area in Question.objects.filter(
        framework_id__in=frameworks, is_active=True
    ).values_list("pk", "framework_id", "indicator__area__code"):
        by_area.setdefault((framework_id, area), []).append(pk)
    tasks = []
    for assignment in assignments:
        cycle = assignment.cycle
        if assignment.area_id:
            ids = by_area.get((cycle.framework_id, assignment.area.code), [])
            title = assignment.area.name
            url = reverse(
                "change_areas:area", kwargs={"pk": cycle.pk, "area_code": assignment.area.code}
            )
        else:
            ids = [assignment.question_id]
            title = f"{assignment.question.code} {assignment.question.text[:80]}"
            area = assignment.question.indicator.area
            url = reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": area.code})
            url += "#q-" + assignment.question.code.replace(".", "-")
        done = sum(1 for pk in ids if (cycle.pk, pk) in answered)
        held = [pk for pk in ids if (cycle.pk, pk) in returned]
        tasks.append(
            Task(
                kind="returned" if held else ("area" if assignment.area_id else "question"),
                cycle=cycle,
                title=title,
                url=url,
                due_date=assignment.due_date,
                done=done,
                total=len(ids),
                overdue=bool(
                    assignment.due_date and assignment.due_date < today and done < len(ids)
                ),
            )
        )
    for item in items:
        tasks.append(
            Task(
                kind="activity",
                cycle=item.cycle,
                title=item.title,
                url=reverse("change_areas:work_plan", kwargs={"pk": item.cycle_id})
                + f"#kegiatan-{item.pk}",
                due_date=item.due_date,
                done=item.percent,
                total=100,
                overdue=item.is_overdue(today),
            )
        )
    tasks = [
        task for task in tasks if task.kind in ("activity", "returned") or task.done < task.total
    ]
    tasks.sort(key=lambda task: (task.due_date is None, task.due_date or today, task.title))
    return tasks[:limit]


def changed_answers(
    cycle: Cycle, layer: str, *, base: str = Layer.SELF, limit: int | None = None
) -> list[dict]:
    """Questions where `layer`'s answer differs from `base`'s (the unit's) or carries a note,
    with the review of that layer. Three queries."""
    own = {a.question_id: a for a in cycle.answers.filter(layer=base)}
    theirs = list(cycle.answers.filter(layer=layer).select_related("question"))
    reviews = {r.question_id: r for r in QuestionReview.objects.filter(cycle=cycle, layer=layer)}
    rows = []
    for answer in sorted(theirs, key=lambda a: (a.question.order, a.question.code)):
        mine = own.get(answer.question_id)
        if mine and mine.value == answer.value and mine.option == answer.option and not answer.note:
            continue
        rows.append(
            {
                "question": answer.question,
                "base": mine,
                "answer": answer,
                "review": reviews.get(answer.question_id),
                "difference": (float(answer.value or 0) - float(mine.value or 0)) if mine else None,
            }
        )
    return rows[:limit] if limit else rows
