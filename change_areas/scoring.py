"""The scoring engine: catalog + answers → scorecard, as a pure function.

No ORM and no I/O: `score()` takes plain data (built from the database by
`change_areas.selectors.catalog_spec`) and returns plain data, so it is
tested in microseconds and gives the same result wherever it runs.

The rules (PermenPAN-RB 90/2021 Lampiran II–III, DESIGN §4):

- an option answer takes its option's value (Ya/Tidak 1/0; A–C 1/0,5/0;
  A–D 1/0,67/0,33/0; A–E 1/0,75/0,5/0,25/0 — all from the catalog);
- a percentage question is computed from its count inputs by its rule
  (`ratio`, capped; `decrease` for disciplinary violations), a
  `persentase` answer is divided by 100 and a survey index by 4;
- an indicator is the mean of its question values × its weight; an indicator
  with sub-indicators is the sum of theirs; parts, areas, components and
  the total are sums; an unanswered question counts 0 and lowers completeness;
- each threshold rule of each predicate is checked and every failed rule is
  reported with its figures, in Indonesian.

Values are kept unrounded; round to 2 decimals only for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Floating-point sums of 0.67-style values must not fail a threshold they meet.
EPSILON = 1e-9


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

    @property
    def typed_inputs(self) -> tuple[InputSpec, ...]:
        """Inputs people type (not computed from others)."""
        return tuple(i for i in self.inputs if not i.computed_sum)


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
class CatalogSpec:
    framework: str
    components: tuple[ComponentSpec, ...]
    areas: tuple[AreaSpec, ...]
    parts: tuple[PartSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    questions: tuple[QuestionSpec, ...]
    thresholds: tuple[ThresholdSpec, ...] = ()
    predicates: tuple[str, ...] = ("wbk", "wbbm")


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
    rule: str
    kind: str
    label: str
    message: str
    target: str = ""
    value: float | None = None
    weight: float | None = None
    minimum: float | None = None


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
    kind = question.answer_type
    if question.options:
        if not answer.option or answer.option not in question.options:
            return None
        return float(question.options[answer.option])
    if kind == "nilai_0_4":
        return None if answer.number is None else min(max(float(answer.number) / 4, 0.0), 1.0)
    if kind == "persentase":
        return None if answer.number is None else min(max(float(answer.number) / 100, 0.0), 1.0)
    if kind == "persen":
        if any(
            spec.key not in answer.inputs or answer.inputs[spec.key] is None
            for spec in question.typed_inputs
        ):
            return None
        return _rule_value(question.rule, computed_inputs(question, answer.inputs))
    return None


def _rule_value(rule: Mapping, values: Mapping[str, float]) -> float:
    kind = rule.get("kind")
    if kind == "ratio":
        numerator = values[rule["numerator"]]
        denominator = values[rule["denominator"]]
        if denominator == 0:
            return float(rule.get("if_zero_denominator", 0))
        return min(float(rule.get("cap", 1)), max(0.0, numerator / denominator))
    if kind == "decrease":
        previous = values[rule["previous"]]
        current = values[rule["current"]]
        if previous == 0:
            return float(
                rule.get("if_both_zero", 1) if current == 0 else rule.get("if_zero_previous", 0)
            )
        return max(0.0, min(1.0, (previous - current) / previous))
    raise ValueError(f"unknown value rule {kind!r}")


# --------------------------------------------------------------------------
# What an answer may hold: declared once, read by the form, the import and the service

# A count no unit reaches (ten million people, reports or complaints): beyond it a
# number is a typing accident, never data.
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class Bounds:
    """The range of one typed number: a count (whole, 0..MAX_COUNT) or a direct value."""

    minimum: float
    maximum: float
    whole: bool


@dataclass(frozen=True)
class Limit:
    """Input `key` may not exceed input `at_most` (a part of the whole it is counted in)."""

    key: str
    at_most: str


@dataclass(frozen=True)
class InputConstraints:
    bounds: Mapping[str, Bounds]  # by field: "number", or an input key
    limits: tuple[Limit, ...] = ()


COUNT = Bounds(0, MAX_COUNT, whole=True)
NUMBER_BOUNDS = {"nilai_0_4": Bounds(0, 4, whole=False), "persentase": Bounds(0, 100, whole=False)}


def input_constraints(question: QuestionSpec) -> InputConstraints:
    """The bounds of every number a question takes and the limits between its inputs.

    Read from the question's rule data: a rule may list its limits itself
    (`limits: {n3: n1}`: n3 may not exceed n1; `limits: {}`: none), otherwise
    a `ratio` rule's numerator may not exceed its denominator (a part of a
    whole: reports made of reports due). A limit may name a computed input
    (LHKPN: n5 ≤ n1 = n2 + n3 + n4). Counts are whole numbers 0..MAX_COUNT;
    `nilai_0_4` takes 0..4 and `persentase` 0..100.
    """
    if question.options:
        return InputConstraints(bounds={})
    if question.inputs:
        rule = question.rule or {}
        if "limits" in rule:
            pairs = dict(rule["limits"] or {})
        elif rule.get("kind") == "ratio":
            pairs = {rule["numerator"]: rule["denominator"]}
        else:
            pairs = {}
        return InputConstraints(
            bounds={spec.key: COUNT for spec in question.typed_inputs},
            limits=tuple(Limit(str(key), str(at_most)) for key, at_most in pairs.items()),
        )
    bounds = NUMBER_BOUNDS.get(question.answer_type)
    return InputConstraints(bounds={"number": bounds} if bounds else {})


def broken_limits(question: QuestionSpec, typed: Mapping[str, float]) -> list[Limit]:
    """The limits the typed inputs break (a limit whose inputs are not all known is not checked)."""
    values = computed_inputs(question, typed)
    return [
        limit
        for limit in input_constraints(question).limits
        if limit.key in values
        and limit.at_most in values
        and values[limit.key] > values[limit.at_most] + EPSILON
    ]


def validate_answer(question: QuestionSpec, answer: AnswerData) -> None:
    """Raise AnswerError (in Indonesian) when the answer cannot belong to the question.

    An empty answer is valid (it means "not answered yet"). The bounds and
    limits are `input_constraints(question)`'s, the form's and the import's.
    """
    if question.options:
        if answer.option and answer.option not in question.options:
            allowed = ", ".join(question.options)
            raise AnswerError(
                f"Jawaban '{answer.option}' tidak tersedia; pilih salah satu: {allowed}."
            )
        return
    constraints = input_constraints(question)
    if question.answer_type in NUMBER_BOUNDS:
        bounds = constraints.bounds["number"]
        if answer.number is not None and not (
            bounds.minimum <= float(answer.number) <= bounds.maximum
        ):
            raise AnswerError(
                "Nilai survei harus antara 0 dan 4."
                if question.answer_type == "nilai_0_4"
                else "Persentase harus antara 0 dan 100."
            )
        return
    if question.answer_type == "persen":
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
            if float(value) > MAX_COUNT:
                raise AnswerError(f"{known[key].label}: jumlah paling banyak {_id(MAX_COUNT, 0)}.")
            if known[key].computed_sum:
                expected = computed_inputs(question, answer.inputs).get(key)
                if expected is not None and abs(expected - float(value)) > EPSILON:
                    raise AnswerError(
                        f"{known[key].label} dihitung dari isian lain ({_id(expected, 0)}), "
                        f"bukan {_id(float(value), 0)}."
                    )
        typed = {key: value for key, value in answer.inputs.items() if value is not None}
        values = computed_inputs(question, typed)
        for limit in broken_limits(question, typed):
            raise AnswerError(
                f"{known[limit.key].label} ({_id(values[limit.key], 0)}) tidak boleh lebih dari "
                f"{known[limit.at_most].label} ({_id(values[limit.at_most], 0)})."
            )


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
    by_indicator: dict[str, list[float]] = {}
    for question in catalog.questions:
        value = question_value(question, answers.get(question.code))
        values[question.code] = value
        by_indicator.setdefault(question.indicator, []).append(value or 0.0)
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
        if scores:
            indicators[spec.code].value = sum(scores) / len(scores) * spec.weight
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


def _check(
    rule: ThresholdSpec, card: Scorecard, catalog: CatalogSpec, held: frozenset[str] | set[str]
) -> list[FailedRule]:
    minimum = rule.minimum if rule.minimum is not None else 0.0
    if rule.kind == "min_total":
        if card.total + EPSILON >= minimum:
            return []
        return [
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                f"{rule.label} {_id(card.total)} di bawah minimal {_id(minimum)}",
                value=card.total,
                minimum=minimum,
            )
        ]
    if rule.kind == "min_node":
        node = card.node(rule.target)
        if node is None:
            return [
                FailedRule(
                    rule.code,
                    rule.kind,
                    rule.label,
                    f"{rule.label}: {rule.target} tidak ada di katalog",
                )
            ]
        if node.value + EPSILON >= minimum:
            return []
        return [
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                f"{rule.label} {_id(node.value)} dari {_id(node.weight)} di bawah minimal {_id(minimum)}",
                target=rule.target,
                value=node.value,
                weight=node.weight,
                minimum=minimum,
            )
        ]
    if rule.kind == "min_area_share":
        failures = []
        for area in catalog.areas:
            if area.component != rule.target:
                continue
            if rule.scope == "part":
                nodes = [
                    (card.parts[part.code], f"{area.name} — {part.name}")
                    for part in catalog.parts
                    if part.area == area.code
                ] or [(card.areas[area.code], area.name)]
            else:
                nodes = [(card.areas[area.code], area.name)]
            for node, name in nodes:
                if node.weight and node.value / node.weight + EPSILON >= minimum:
                    continue
                failures.append(
                    FailedRule(
                        rule.code,
                        rule.kind,
                        rule.label,
                        f"{name} {_id(node.value)} dari {_id(node.weight)} "
                        f"({_id(node.share * 100, 1)}%) di bawah minimal {_id(minimum * 100, 0)}%",
                        target=node.code,
                        value=node.value,
                        weight=node.weight,
                        minimum=minimum,
                    )
                )
        return failures
    if rule.kind == "requires_predicate":
        if rule.target in held:
            return []
        name = PREDICATE_NAMES.get(rule.target, rule.target)
        return [
            FailedRule(
                rule.code,
                rule.kind,
                rule.label,
                f"Belum memiliki predikat {name}",
                target=rule.target,
            )
        ]
    return [FailedRule(rule.code, rule.kind, rule.label, f"Aturan {rule.kind!r} tidak dikenal")]


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

    A question's share of its indicator is weight ÷ number of questions, so
    raising it from v to 1 adds (1 − v) × weight ÷ n.
    """
    counts: dict[str, int] = {}
    for question in catalog.questions:
        counts[question.indicator] = counts.get(question.indicator, 0) + 1
    weight_of = {i.code: i.weight for i in catalog.indicators}
    area_of = {i.code: i.area for i in catalog.indicators}
    result = []
    for question in catalog.questions:
        current = card.questions.get(question.code) or 0.0
        best = max(question.options.values()) if question.options else 1.0
        points = (best - current) * weight_of[question.indicator] / counts[question.indicator]
        if points > EPSILON:
            result.append(
                Gap(question.code, question.indicator, area_of[question.indicator], current, points)
            )
    return sorted(result, key=lambda gap: (-gap.points, gap.question))
