"""The scoring engine: catalog + answers → scorecard, as a pure function.

No ORM and no I/O: `score()` takes plain data (built from the database by
`change_areas.selectors.catalog_spec`) and returns plain data, so it is
tested in microseconds and gives the same result wherever it runs.

The rules (PermenPAN-RB 90/2021 Lampiran II–III, DESIGN §4):

- an option answer takes its option's value (Ya/Tidak 1/0; A–C 1/0,5/0;
  A–D 1/0,67/0,33/0; A–E 1/0,75/0,5/0,25/0 — all from the catalog);
- a percentage question is computed from its count inputs by its rule, an
  expression over the inputs (`change_areas.expressions`); a number answer
  (a percentage 0–100, a survey index 0–4, any range a catalog declares) is
  placed on 0..1 by its range;
- an indicator is the mean of its question values × its weight (weighted by
  the questions' own weights where a catalog gives them); an indicator with
  sub-indicators is the sum of theirs; parts, areas, components and the total
  are sums; an unanswered question counts 0 and lowers completeness;
- each threshold rule of each predicate is checked by its kind (declared as
  data: what it measures, on which parts of the tree, and its sentence) and
  every failed rule is reported with its figures, in Indonesian.

Values are kept unrounded. A rule compares, and its sentence prints, the
figure as the LKE shows it (`lib.rounding.shown`: two decimals, half up), so
a verdict never contradicts the number it displays (docs/scoring.md).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from change_areas import expressions
from lib.rounding import shown, shown_percent

# Floating-point noise allowed where two computed figures are compared for equality.
EPSILON = 1e-9

# Number answers whose range need not be declared: value = (answer − min) ÷ (max − min).
NUMBER_RANGES: dict[str, tuple[float, float]] = {"persentase": (0, 100), "nilai_0_4": (0, 4)}


# --------------------------------------------------------------------------
# Catalog and answers, as plain data


@dataclass(frozen=True)
class InputSpec:
    key: str
    code: str
    label: str
    computed_sum: tuple[str, ...] = ()  # keys this input is the sum of


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    indicator: str
    answer_type: str
    options: Mapping[str, float] = field(default_factory=dict)
    rule: Mapping = field(default_factory=dict)
    inputs: tuple[InputSpec, ...] = ()
    weight: float = 1.0  # within its indicator (the mean is weighted by these)
    number_range: tuple[float, float] | None = None  # a number answer's (min, max)

    @property
    def typed_inputs(self) -> tuple[InputSpec, ...]:
        """Inputs people type (not computed from others)."""
        return tuple(i for i in self.inputs if not i.computed_sum)

    @property
    def range(self) -> tuple[float, float] | None:
        """The (min, max) of a number answer; None for options and count inputs."""
        if self.options or self.inputs:
            return None
        return self.number_range or NUMBER_RANGES.get(self.answer_type)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    weight: float
    area: str
    part: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class PartSpec:
    code: str
    name: str
    kind: str
    weight: float
    area: str


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    short_name: str
    weight: float
    component: str


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    name: str
    kind: str
    weight: float


@dataclass(frozen=True)
class ThresholdSpec:
    predicate: str
    code: str
    kind: str
    label: str
    target: str = ""
    minimum: float | None = None
    scope: str = ""


@dataclass(frozen=True)
class ThresholdKindSpec:
    """What a kind of threshold rule measures, on which parts of the tree, and its sentence.

    `subjects`: `total` (the total), `target` (the component, area, part or
    indicator the rule names), `areas` (every area of the target component —
    or each of its parts when the rule's scope is `part`), `parts` (every
    part of the target), `indicators` (every top-level indicator under the
    target) or `predicate` (a predicate the unit must hold).
    `measure`: `value` (compared with the minimum) or `share` (value ÷ weight,
    compared as a percentage with the minimum written as a fraction).
    `message`: the sentence of a failure; placeholders {label} {name} {value}
    {weight} {share} {minimum} {predicate}.
    """

    subjects: str
    measure: str = "value"
    message: str = ""
    label: str = ""


SUBJECTS = ("total", "target", "areas", "parts", "indicators", "predicate")
MEASURES = ("value", "share")

# The kinds every catalog has; a catalog may declare more (`threshold_kinds:`).
BUILTIN_THRESHOLD_KINDS: dict[str, ThresholdKindSpec] = {
    "min_total": ThresholdKindSpec(
        "total", "value", "{label} {value} di bawah minimal {minimum}", "Nilai total minimal"
    ),
    "min_node": ThresholdKindSpec(
        "target",
        "value",
        "{label} {value} dari {weight} di bawah minimal {minimum}",
        "Nilai minimal komponen/area/indikator",
    ),
    "min_area_share": ThresholdKindSpec(
        "areas",
        "share",
        "{name} {value} dari {weight} ({share}) di bawah minimal {minimum}",
        "Persentase minimal setiap area",
    ),
    "requires_predicate": ThresholdKindSpec(
        "predicate", "value", "Belum memiliki predikat {predicate}", "Predikat yang harus dimiliki"
    ),
}


@dataclass(frozen=True)
class CatalogSpec:
    framework: str
    components: tuple[ComponentSpec, ...]
    areas: tuple[AreaSpec, ...]
    parts: tuple[PartSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    questions: tuple[QuestionSpec, ...]
    thresholds: tuple[ThresholdSpec, ...] = ()
    predicates: tuple[str, ...] = ("wbk", "wbbm")
    threshold_kinds: Mapping[str, ThresholdKindSpec] = field(default_factory=dict)

    def threshold_kind(self, kind: str) -> ThresholdKindSpec | None:
        return self.threshold_kinds.get(kind) or BUILTIN_THRESHOLD_KINDS.get(kind)


@dataclass(frozen=True)
class AnswerData:
    """One question's answer: an option key, a number, or count inputs."""

    option: str | None = None
    number: float | None = None
    inputs: Mapping[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Results


@dataclass
class NodeScore:
    code: str
    name: str
    weight: float
    value: float = 0.0
    answered: int = 0
    questions: int = 0

    @property
    def share(self) -> float:
        """The value as a fraction of the weight (0..1)."""
        return self.value / self.weight if self.weight else 0.0

    @property
    def completeness(self) -> float:
        return self.answered / self.questions if self.questions else 1.0


@dataclass(frozen=True)
class FailedRule:
    """A threshold rule not met, with its figures: `message` in Indonesian for documents;
    pages word it in the reader's language from the figures (`selectors.failure_text`).

    `shortfall` is how many points the measured figure still lacks (None when better
    answers cannot meet the rule, such as a predicate the unit must already hold): the
    gap planner plans toward every failed rule by it.
    """

    rule: str
    kind: str
    label: str
    message: str
    target: str = ""
    value: float | None = None
    weight: float | None = None
    minimum: float | None = None
    name: str = ""  # what was measured: the area (or area — part) or node name
    shortfall: float | None = None


@dataclass
class Eligibility:
    predicate: str
    eligible: bool
    failed: list[FailedRule]


@dataclass
class Scorecard:
    framework: str
    total: float
    components: dict[str, NodeScore]
    areas: dict[str, NodeScore]
    parts: dict[str, NodeScore]
    indicators: dict[str, NodeScore]
    questions: dict[str, float | None]
    answered: int
    question_count: int
    eligibility: dict[str, Eligibility]

    @property
    def completeness(self) -> float:
        return self.answered / self.question_count if self.question_count else 0.0

    def node(self, code: str) -> NodeScore | None:
        return self.components.get(code) or self.areas.get(code) or self.indicators.get(code)


# --------------------------------------------------------------------------
# Question values


class AnswerError(ValueError):
    """An answer that does not fit its question (raised only by `validate_answer`)."""


def computed_inputs(question: QuestionSpec, typed: Mapping[str, float]) -> dict[str, float]:
    """All inputs of a percentage question, the computed ones derived from the typed ones."""
    values = {key: float(value) for key, value in typed.items()}
    for spec in question.inputs:
        if spec.computed_sum:
            parts = [values.get(key) for key in spec.computed_sum]
            if all(part is not None for part in parts):
                values[spec.key] = float(sum(parts))
            else:
                values.pop(spec.key, None)
    return values


def question_value(question: QuestionSpec, answer: AnswerData | None) -> float | None:
    """The question's value 0..1, or None when it is not (fully) answered."""
    if answer is None:
        return None
    if question.options:
        if not answer.option or answer.option not in question.options:
            return None
        return float(question.options[answer.option])
    if question.inputs:
        if any(
            spec.key not in answer.inputs or answer.inputs[spec.key] is None
            for spec in question.typed_inputs
        ):
            return None
        return rule_value(question.rule, computed_inputs(question, answer.inputs))
    bounds = question.range
    if bounds is None or answer.number is None:
        return None
    low, high = bounds
    return _unit_interval((float(answer.number) - low) / (high - low))


def rule_value(rule: Mapping, values: Mapping[str, float]) -> float | None:
    """A percentage rule's value for these inputs, within 0..1.

    A division by zero gives the rule's `if_division_by_zero` (0 unless the
    catalog says otherwise: nothing can be credited where the workbook's
    formula would divide by zero). A rule that cannot be computed at all (an
    admin's edit naming an input that does not exist) leaves the question
    unanswered rather than failing the page.
    """
    try:
        return _unit_interval(expressions.evaluate(expressions.preset(rule), values))
    except expressions.ExpressionError as error:
        if str(error) == "division by zero":
            return _unit_interval(float(rule.get("if_division_by_zero", 0)))
        return None
    except (KeyError, TypeError, ValueError):
        return None


def input_samples(
    question: QuestionSpec, counts: tuple[int, ...] = (0, 5, 10, 20, 30)
) -> list[tuple[float, dict[str, float]]]:
    """Typed inputs of a percentage question with the value each gives, for demo data and tests.

    Every combination of `counts` over the typed inputs (a handful of inputs: at
    most a few hundred combinations), so any rule — not only the shipped
    presets — finds inputs that reach any of its values.
    """
    keys = [spec.key for spec in question.typed_inputs]
    samples = []
    for combination in itertools.product(counts, repeat=len(keys)):
        typed = dict(zip(keys, map(float, combination), strict=True))
        value = rule_value(question.rule, computed_inputs(question, typed))
        if value is not None:
            samples.append((value, typed))
    return samples


def best_answer(question: QuestionSpec) -> AnswerData:
    """An answer with the question's best value (for counts: the largest such inputs)."""
    if question.options:
        return AnswerData(option=max(question.options, key=question.options.get))
    if question.range:
        return AnswerData(number=question.range[1])
    _value, typed = max(input_samples(question), key=lambda s: (s[0], sum(s[1].values())))
    return AnswerData(inputs=typed)


def _unit_interval(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def validate_answer(question: QuestionSpec, answer: AnswerData) -> None:
    """Raise AnswerError (in Indonesian) when the answer cannot belong to the question.

    An empty answer is valid (it means "not answered yet").
    """
    if question.options:
        if answer.option and answer.option not in question.options:
            allowed = ", ".join(question.options)
            raise AnswerError(
                f"Jawaban '{answer.option}' tidak tersedia; pilih salah satu: {allowed}."
            )
        return
    if question.inputs:
        known = {spec.key: spec for spec in question.inputs}
        for key, value in answer.inputs.items():
            if key not in known:
                raise AnswerError(f"Isian '{key}' tidak dikenal.")
            if value is None:
                continue
            if float(value) < 0:
                raise AnswerError(f"{known[key].label}: jumlah tidak boleh negatif.")
            if float(value) != int(float(value)):
                raise AnswerError(f"{known[key].label}: jumlah harus bilangan bulat.")
            if known[key].computed_sum:
                expected = computed_inputs(question, answer.inputs).get(key)
                if expected is not None and abs(expected - float(value)) > EPSILON:
                    raise AnswerError(
                        f"{known[key].label} dihitung dari isian lain ({_id(expected, 0)}), "
                        f"bukan {_id(float(value), 0)}."
                    )
        return
    bounds = question.range
    if bounds is not None and answer.number is not None:
        low, high = bounds
        if not low <= float(answer.number) <= high:
            if question.answer_type == "persentase":
                raise AnswerError("Persentase harus antara 0 dan 100.")
            if question.answer_type == "nilai_0_4":
                raise AnswerError("Nilai survei harus antara 0 dan 4.")
            raise AnswerError(f"Nilai harus antara {_plain(low)} dan {_plain(high)}.")


def _plain(value: float) -> str:
    return _id(value, 0) if float(value).is_integer() else _id(value, 2)


# --------------------------------------------------------------------------
# The scorecard


def score(
    catalog: CatalogSpec,
    answers: Mapping[str, AnswerData],
    *,
    held_predicates: frozenset[str] | set[str] = frozenset(),
) -> Scorecard:
    """Compute the scorecard of one layer's answers. Pure."""
    components = {c.code: NodeScore(c.code, c.name, c.weight) for c in catalog.components}
    areas = {a.code: NodeScore(a.code, a.name, a.weight) for a in catalog.areas}
    parts = {p.code: NodeScore(p.code, p.name, p.weight) for p in catalog.parts}
    indicators = {i.code: NodeScore(i.code, i.name, i.weight) for i in catalog.indicators}
    area_of = {a.code: a for a in catalog.areas}
    indicator_of = {i.code: i for i in catalog.indicators}

    values: dict[str, float | None] = {}
    by_indicator: dict[str, list[tuple[float, float]]] = {}  # (weight, value) of its questions
    for question in catalog.questions:
        value = question_value(question, answers.get(question.code))
        values[question.code] = value
        by_indicator.setdefault(question.indicator, []).append((question.weight, value or 0.0))
        # counts go up the tree: indicator (and its parent), part, area, component
        spec = indicator_of[question.indicator]
        chain = [indicators[spec.code]]
        if spec.parent:
            chain.append(indicators[spec.parent])
        if spec.part:
            chain.append(parts[spec.part])
        chain.append(areas[spec.area])
        chain.append(components[area_of[spec.area].component])
        for node in chain:
            node.questions += 1
            node.answered += value is not None

    # Leaves first: indicators with questions, then parents as sums of their children.
    for spec in catalog.indicators:
        scores = by_indicator.get(spec.code)
        total_weight = sum(weight for weight, _value in scores or ())
        if total_weight:
            mean = sum(weight * value for weight, value in scores) / total_weight
            indicators[spec.code].value = mean * spec.weight
    for spec in catalog.indicators:
        if spec.parent:
            indicators[spec.parent].value += indicators[spec.code].value
    for spec in catalog.indicators:
        if spec.parent:
            continue  # already inside its parent
        value = indicators[spec.code].value
        if spec.part:
            parts[spec.part].value += value
        areas[spec.area].value += value
    for area in catalog.areas:
        components[area.component].value += areas[area.code].value
    total = sum(node.value for node in components.values())

    card = Scorecard(
        framework=catalog.framework,
        total=total,
        components=components,
        areas=areas,
        parts=parts,
        indicators=indicators,
        questions=values,
        answered=sum(v is not None for v in values.values()),
        question_count=len(values),
        eligibility={},
    )
    for predicate in catalog.predicates:
        rules = [rule for rule in catalog.thresholds if rule.predicate == predicate]
        failed = [
            failure for rule in rules for failure in _check(rule, card, catalog, held_predicates)
        ]
        card.eligibility[predicate] = Eligibility(
            predicate, eligible=not failed and bool(rules), failed=failed
        )
    return card


PREDICATE_NAMES = {"wbk": "Menuju WBK", "wbbm": "Menuju WBBM"}


def meets(value: float, minimum: float) -> bool:
    """Whether a value meets a minimum, as the LKE shows both (two decimals, half up)."""
    return shown(value) >= shown(minimum)


def share_meets(value: float, weight: float, minimum: float) -> bool:
    """Whether value ÷ weight reaches a minimum share (a fraction), compared as shown: 0,00 %."""
    return bool(weight) and shown_percent(value, weight) >= shown(minimum * 100)


def _check(
    rule: ThresholdSpec, card: Scorecard, catalog: CatalogSpec, held: frozenset[str] | set[str]
) -> list[FailedRule]:
    kind = catalog.threshold_kind(rule.kind)
    if kind is None:
        return [FailedRule(rule.code, rule.kind, rule.label, f"Aturan {rule.kind!r} tidak dikenal")]
    minimum = rule.minimum if rule.minimum is not None else 0.0
    if kind.subjects == "predicate":
        if rule.target in held:
            return []
        name = PREDICATE_NAMES.get(rule.target, rule.target)
        return [
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                _sentence(kind, rule, predicate=name),
                target=rule.target,
                name=name,
            )
        ]
    subjects = _subjects(kind, rule, card, catalog)
    if subjects is None:
        return [
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                f"{rule.label}: {rule.target} tidak ada di katalog",
            )
        ]
    failures = []
    for node, name in subjects:
        if kind.measure == "share":
            passed = share_meets(node.value, node.weight, minimum)
        else:
            passed = meets(node.value, minimum)
        if passed:
            continue
        failures.append(
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                _sentence(kind, rule, node=node, name=name, minimum=minimum),
                target="" if kind.subjects == "total" else node.code,
                value=node.value,
                weight=node.weight,
                minimum=minimum,
                name=name,
                shortfall=_shortfall(kind, node, minimum),
            )
        )
    return failures


def _shortfall(kind: ThresholdKindSpec, node: NodeScore, minimum: float) -> float | None:
    """The points the node still lacks to meet the rule (None: no answer can close it)."""
    if kind.measure == "share":
        return minimum * node.weight - node.value if node.weight else None
    return minimum - node.value


def _subjects(
    kind: ThresholdKindSpec, rule: ThresholdSpec, card: Scorecard, catalog: CatalogSpec
) -> list[tuple[NodeScore, str]] | None:
    """The nodes a rule of this kind measures, each with the name its sentence uses."""
    if kind.subjects == "total":
        weight = sum(c.weight for c in catalog.components)
        return [(NodeScore("total", rule.label, weight, value=card.total), rule.label)]
    if kind.subjects == "target":
        node = card.node(rule.target) or card.parts.get(rule.target)
        return None if node is None else [(node, node.name)]
    if kind.subjects in ("areas", "parts"):
        if rule.target not in card.components:
            return None
        subjects = []
        for area in catalog.areas:
            if area.component != rule.target:
                continue
            parts = [part for part in catalog.parts if part.area == area.code]
            if (kind.subjects == "parts" or rule.scope == "part") and parts:
                subjects += [(card.parts[p.code], f"{area.name} — {p.name}") for p in parts]
            else:
                subjects.append((card.areas[area.code], area.name))
        return subjects
    if kind.subjects == "indicators":
        within = _within(rule.target, catalog)
        if within is None:
            return None
        return [
            (card.indicators[i.code], i.name)
            for i in catalog.indicators
            if not i.parent and within(i)
        ]
    return None


def _within(target: str, catalog: CatalogSpec):
    """A test for the top-level indicators under a component, area, part or indicator."""
    area_component = {a.code: a.component for a in catalog.areas}
    if target in {c.code for c in catalog.components}:
        return lambda i: area_component.get(i.area) == target
    if target in area_component:
        return lambda i: i.area == target
    if target in {p.code for p in catalog.parts}:
        return lambda i: i.part == target
    if target in {i.code for i in catalog.indicators}:
        return lambda i: i.code == target
    return None


class _Figures(dict):
    """Placeholders of a sentence; one the catalog misspelt stays visible as {name}."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _sentence(
    kind: ThresholdKindSpec,
    rule: ThresholdSpec,
    *,
    node: NodeScore | None = None,
    name: str = "",
    minimum: float = 0.0,
    predicate: str = "",
) -> str:
    figures = _Figures(label=rule.label, name=name or rule.label, predicate=predicate)
    if node is not None:
        figures.update(
            value=_decimal(shown(node.value)),
            weight=_decimal(shown(node.weight)),
            share=f"{_decimal(shown_percent(node.value, node.weight))}%",
            minimum=(
                f"{_trimmed(shown(minimum * 100))}%"
                if kind.measure == "share"
                else _decimal(shown(minimum))
            ),
        )
    return (kind.message or "{label}").format_map(figures)


def _decimal(value: Decimal) -> str:
    """A shown (already rounded) figure the Indonesian way: 1.234,56."""
    return _id(float(value), -value.as_tuple().exponent)


def _trimmed(value: Decimal) -> str:
    """60 rather than 60,00; 62,5 rather than 62,50."""
    text = _decimal(value)
    return text.rstrip("0").rstrip(",") if "," in text else text


@dataclass(frozen=True)
class RuleCheck:
    """One threshold rule judged: its failures (none when met) and the figure it measured —
    the total, the node's value, or the lowest share of the areas (0..1); None for a rule
    that measures no figure (a predicate held)."""

    rule: ThresholdSpec
    failures: tuple[FailedRule, ...]
    figure: float | None

    @property
    def met(self) -> bool:
        return not self.failures


def rule_checks(
    catalog: CatalogSpec,
    card: Scorecard,
    predicate: str,
    *,
    held_predicates: frozenset[str] | set[str] = frozenset(),
) -> list[RuleCheck]:
    """Every threshold rule of the predicate with its verdict: the report's "rule by rule". Pure."""
    checks = []
    for rule in catalog.thresholds:
        if rule.predicate != predicate:
            continue
        checks.append(
            RuleCheck(
                rule,
                tuple(_check(rule, card, catalog, held_predicates)),
                _figure(rule, card, catalog),
            )
        )
    return checks


def _figure(rule: ThresholdSpec, card: Scorecard, catalog: CatalogSpec) -> float | None:
    """The figure a rule measures: the value of its one subject, or the lowest value (or
    share, 0..1) of its subjects; None for a predicate rule or a target the catalog lacks."""
    kind = catalog.threshold_kind(rule.kind)
    if kind is None or kind.subjects == "predicate":
        return None
    subjects = _subjects(kind, rule, card, catalog)
    if not subjects:
        return None
    if kind.measure == "share":
        return min(node.share for node, _name in subjects)
    return min(node.value for node, _name in subjects)


def _id(value: float, decimals: int = 2) -> str:
    """A number the Indonesian way: 1.234,56."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


format_number = _id


# --------------------------------------------------------------------------
# What to improve


@dataclass(frozen=True)
class Gap:
    question: str
    indicator: str
    area: str
    current: float  # the question's value now (0 when unanswered)
    points: float  # what the total gains when the question reaches its best value


def gaps(catalog: CatalogSpec, card: Scorecard) -> list[Gap]:
    """Questions ordered by the points the total would gain if each reached its best value.

    A question's share of its indicator is its weight ÷ the weights of the
    indicator's questions (1 ÷ n when the catalog gives none), so raising it
    from v to its best b adds (b − v) × indicator weight × that share.
    """
    weights: dict[str, float] = {}
    for question in catalog.questions:
        weights[question.indicator] = weights.get(question.indicator, 0.0) + question.weight
    weight_of = {i.code: i.weight for i in catalog.indicators}
    area_of = {i.code: i.area for i in catalog.indicators}
    result = []
    for question in catalog.questions:
        current = card.questions.get(question.code) or 0.0
        best = max(question.options.values()) if question.options else 1.0
        points = (
            (best - current)
            * weight_of[question.indicator]
            * question.weight
            / weights[question.indicator]
        )
        if points > EPSILON:
            result.append(
                Gap(question.code, question.indicator, area_of[question.indicator], current, points)
            )
    return sorted(result, key=lambda gap: (-gap.points, gap.question))


# --------------------------------------------------------------------------
# Toward a predicate: which questions to improve, in which order


@dataclass(frozen=True)
class PlanStep:
    question: str
    indicator: str
    area: str
    current: float  # the question's value now (0 when unanswered)
    best: float  # the value it reaches at its best answer
    points: float  # what the total gains
    rules: tuple[str, ...]  # the failing rules (codes) this step brings closer


@dataclass
class Plan:
    """The gap planner's answer for one predicate: the rules failing now (as the eligibility
    check reports them), the questions to raise to their best in order, whether every
    rule is met after them, and the rules better answers cannot meet."""

    predicate: str
    failed: list[FailedRule]
    steps: list[PlanStep]
    remaining: list[FailedRule]  # failing after every step: not reachable by answers

    @property
    def eligible_now(self) -> bool:
        return not self.failed

    @property
    def reaches(self) -> bool:
        return not self.remaining


def _chains(catalog: CatalogSpec) -> dict[str, tuple[float, list[str], str, str]]:
    """Per question: its share of its indicator's weight (its weight ÷ the weights of the
    indicator's questions, as `score` weighs them), the nodes its value flows into
    (indicator, parent, part, area, component; as "kind:code"), and its indicator and area."""
    weights: dict[str, float] = {}
    for question in catalog.questions:
        weights[question.indicator] = weights.get(question.indicator, 0.0) + question.weight
    indicator_of = {i.code: i for i in catalog.indicators}
    component_of = {a.code: a.component for a in catalog.areas}
    chains = {}
    for question in catalog.questions:
        spec = indicator_of[question.indicator]
        top = indicator_of[spec.parent] if spec.parent else spec
        nodes = [f"indicators:{spec.code}"]
        if spec.parent:
            nodes.append(f"indicators:{spec.parent}")
        if top.part:
            nodes.append(f"parts:{top.part}")
        nodes += [f"areas:{top.area}", f"components:{component_of[top.area]}"]
        chains[question.code] = (
            spec.weight * question.weight / weights[question.indicator]
            if weights[question.indicator]
            else 0.0,
            nodes,
            spec.code,
            top.area,
        )
    return chains


def _working_copy(card: Scorecard) -> Scorecard:
    """The card with nodes of its own, to move figures on without touching the original."""

    def copied(nodes: dict[str, NodeScore]) -> dict[str, NodeScore]:
        return {code: NodeScore(**vars(node)) for code, node in nodes.items()}

    return Scorecard(
        framework=card.framework,
        total=card.total,
        components=copied(card.components),
        areas=copied(card.areas),
        parts=copied(card.parts),
        indicators=copied(card.indicators),
        questions=dict(card.questions),
        answered=card.answered,
        question_count=card.question_count,
        eligibility={},
    )


def _failures(
    catalog: CatalogSpec, card: Scorecard, predicate: str, held: frozenset[str] | set[str]
) -> list[FailedRule]:
    return [
        failure
        for rule in catalog.thresholds
        if rule.predicate == predicate
        for failure in _check(rule, card, catalog, held)
    ]


def _deficit(failures: list[FailedRule]) -> float:
    return sum(f.shortfall for f in failures if f.shortfall is not None and f.shortfall > 0)


def plan(
    catalog: CatalogSpec,
    card: Scorecard,
    predicate: str,
    *,
    held_predicates: frozenset[str] | set[str] = frozenset(),
) -> Plan:
    """Which questions to raise to their best answer, in order, until every rule of the
    predicate holds — every rule, not only the total: each step is the one that most
    reduces what the failing rules still lack (their `shortfall`), judged by the same
    threshold check as the eligibility itself, so the plan follows whatever rules the
    catalog holds. Ties go to the step adding more points. Pure.

    Rules whose shortfall answers cannot close (None) stay in `remaining`.
    """
    failed = (
        card.eligibility[predicate].failed
        if predicate in card.eligibility
        else (_failures(catalog, card, predicate, held_predicates))
    )
    if not failed:
        return Plan(predicate, [], [], [])
    chains = _chains(catalog)
    working = _working_copy(card)
    groups = {
        "indicators": working.indicators,
        "parts": working.parts,
        "areas": working.areas,
        "components": working.components,
    }

    def shift(code: str, delta: float) -> None:
        for node in chains[code][1]:
            kind, key = node.split(":", 1)
            groups[kind][key].value += delta
        working.total += delta

    best_of = {q.code: (max(q.options.values()) if q.options else 1.0) for q in catalog.questions}
    order = {q.code: index for index, q in enumerate(catalog.questions)}
    gain = {
        code: (best_of[code] - (card.questions.get(code) or 0.0)) * chains[code][0]
        for code in best_of
    }
    current = _failures(catalog, working, predicate, held_predicates)
    deficit = _deficit(current)

    def reduction(code: str) -> tuple[float, list[FailedRule]]:
        shift(code, gain[code])
        after = _failures(catalog, working, predicate, held_predicates)
        shift(code, -gain[code])
        return deficit - _deficit(after), after

    heap = []
    for code in best_of:
        if gain[code] > EPSILON:
            value, _after = reduction(code)
            if value > EPSILON:
                heap.append((-value, -gain[code], order[code], code))
    heapq.heapify(heap)
    steps = []
    # Lazy greedy: a step's reduction only shrinks as others are taken (each rule's
    # shortfall only falls), so a re-measured step still on top is the best one.
    while heap and deficit > EPSILON:
        _estimate, _points, _order, code = heapq.heappop(heap)
        value, after = reduction(code)
        if value <= EPSILON:
            continue
        if heap and -heap[0][0] > value + EPSILON:
            heapq.heappush(heap, (-value, -gain[code], order[code], code))
            continue
        before = {(f.rule, f.target): f.shortfall for f in current}
        shift(code, gain[code])
        helped = tuple(
            dict.fromkeys(
                f.rule
                for f in current
                if f.shortfall is not None
                and f.shortfall > 0
                and next(
                    (a.shortfall for a in after if (a.rule, a.target) == (f.rule, f.target)),
                    0.0,
                )
                < before[(f.rule, f.target)] - EPSILON
            )
        )
        steps.append(
            PlanStep(
                question=code,
                indicator=chains[code][2],
                area=chains[code][3],
                current=card.questions.get(code) or 0.0,
                best=best_of[code],
                points=gain[code],
                rules=helped,
            )
        )
        current, deficit = after, _deficit(after)
    return Plan(predicate, list(failed), steps, current)
