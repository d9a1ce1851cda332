"""An independent computation of the LKE score, for checking the product against.

It shares nothing with the product but the answer format: it reads the
catalog file itself (not the database, not `change_areas.catalog`), computes
with exact fractions (not floats), evaluates a rule's expression with
Python's own evaluator over a closed namespace (test code, our own shipped
files), and rounds verdicts with `decimal` from the exact value. Where it and
`change_areas.scoring` disagree, one of them reads the regulation wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import yaml

NUMBER_TYPES = {"persentase": (0, 100), "nilai_0_4": (0, 4)}
HUNDREDTH = Decimal("0.01")


def _f(value) -> Fraction:
    return Fraction(str(value))


def shown(value: Fraction) -> Decimal:
    """Two decimals, half up, from the exact value."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        HUNDREDTH, rounding=ROUND_HALF_UP
    )


@dataclass
class Node:
    code: str
    name: str
    weight: Fraction
    value: Fraction = Fraction(0)
    answered: int = 0
    questions: int = 0


@dataclass
class Result:
    total: Fraction
    nodes: dict[str, Node]
    answered: int
    question_count: int
    failed: dict[str, set[tuple[str, str]]] = field(
        default_factory=dict
    )  # predicate → (rule, target)

    rules: dict[str, int] = field(default_factory=dict)  # predicate → how many rules it has

    def eligible(self, predicate: str) -> bool:
        """Every rule met — and there are rules: a predicate a catalog sets no rule for is never met."""
        return bool(self.rules.get(predicate)) and not self.failed[predicate]


class Oracle:
    def __init__(self, path: Path) -> None:
        self.data = yaml.safe_load(path.read_text())
        self.scales: dict[str, dict] = {}
        for name, declared in (self.data.get("answer_types") or {}).items():
            if "number" in declared:
                self.scales[name] = {
                    "number": (declared["number"]["min"], declared["number"]["max"])
                }
            else:
                options = declared.get("options", declared)
                self.scales[name] = {"options": {str(k): _f(v) for k, v in options.items()}}
        self.kinds = self.data.get("threshold_kinds") or {}

    # -- one question -----------------------------------------------------

    def value(self, question: dict, answer) -> Fraction | None:
        if answer is None:
            return None
        kind = question["type"]
        scale = self.scales.get(kind)
        if scale and "options" in scale:
            return scale["options"].get(answer.option) if answer.option else None
        if kind == "persen":
            inputs = question["inputs"]
            typed = [i for i in inputs if not i.get("computed")]
            if any(answer.inputs.get(str(i["key"])) is None for i in typed):
                return None
            values = {str(i["key"]): _f(answer.inputs[str(i["key"])]) for i in typed}
            for item in inputs:
                if item.get("computed"):
                    values[str(item["key"])] = sum(
                        (values[k] for k in item["computed"]["sum"]), Fraction(0)
                    )
            return min(max(self.rule(question["rule"], values), Fraction(0)), Fraction(1))
        low, high = scale["number"] if scale else NUMBER_TYPES[kind]
        if answer.number is None:
            return None
        return min(max((_f(answer.number) - low) / (high - low), Fraction(0)), Fraction(1))

    @staticmethod
    def rule(rule: dict, v: dict[str, Fraction]) -> Fraction:
        if rule["kind"] == "ratio":
            denominator = v[rule["denominator"]]
            if denominator == 0:
                return _f(rule.get("if_zero_denominator", 0))
            return min(_f(rule.get("cap", 1)), v[rule["numerator"]] / denominator)
        if rule["kind"] == "decrease":
            previous, current = v[rule["previous"]], v[rule["current"]]
            if previous == 0:
                return _f(
                    rule.get("if_both_zero", 1) if current == 0 else rule.get("if_zero_previous", 0)
                )
            return (previous - current) / previous
        try:
            return Fraction(
                eval(
                    rule["expression"],
                    {"__builtins__": {}},
                    {"min": min, "max": max, "abs": abs, **v},
                )
            )
        except ZeroDivisionError:
            return _f(rule.get("if_division_by_zero", 0))

    # -- the tree --------------------------------------------------------

    def score(self, answers: dict, *, held: frozenset[str] = frozenset()) -> Result:
        nodes: dict[str, Node] = {}
        self.tops: dict[str, list[str]] = {}  # component/area/part → its top-level indicators
        self.areas_of: dict[str, list[dict]] = {}
        count = answered = 0

        def indicator(data: dict, chain: list[str]) -> Fraction:
            nonlocal count, answered
            node = nodes[data["code"]] = Node(data["code"], data["name"], _f(data["weight"]))
            if data.get("sub_indicators"):
                node.value = sum(
                    (indicator(sub, [*chain, data["code"]]) for sub in data["sub_indicators"]),
                    Fraction(0),
                )
            else:
                weights = Fraction(0)
                weighted = Fraction(0)
                for question in data["questions"]:
                    value = self.value(question, answers.get(question["code"]))
                    weight = _f(question.get("weight", 1))
                    weights += weight
                    weighted += weight * (value or 0)
                    count += 1
                    for code in [*chain, data["code"]]:
                        nodes[code].questions += 1
                        nodes[code].answered += value is not None
                    answered += value is not None
                node.value = weighted / weights * node.weight
            return node.value

        total = Fraction(0)
        for component in self.data["components"]:
            c = nodes[component["code"]] = Node(
                component["code"], component["name"], _f(component["weight"])
            )
            self.areas_of[component["code"]] = component["areas"]
            for area in component["areas"]:
                a = nodes[area["code"]] = Node(area["code"], area["name"], _f(area["weight"]))
                for part in area.get("parts") or [None]:
                    if part is not None:
                        p = nodes[part["code"]] = Node(
                            part["code"], part["name"], _f(part["weight"])
                        )
                        chain = [component["code"], area["code"], part["code"]]
                        for data in part["indicators"]:
                            p.value += indicator(data, chain)
                            self.tops.setdefault(component["code"], []).append(data["code"])
                            self.tops.setdefault(area["code"], []).append(data["code"])
                            self.tops.setdefault(part["code"], []).append(data["code"])
                        a.value += p.value
                    else:
                        chain = [component["code"], area["code"]]
                        for data in area["indicators"]:
                            a.value += indicator(data, chain)
                            self.tops.setdefault(component["code"], []).append(data["code"])
                            self.tops.setdefault(area["code"], []).append(data["code"])
                c.value += a.value
            total += c.value
        result = Result(total, nodes, answered, count)
        for predicate in ("wbk", "wbbm"):
            result.failed[predicate] = self.verdict(predicate, result, held)
            result.rules[predicate] = len((self.data.get("thresholds") or {}).get(predicate, []))
        return result

    # -- verdicts --------------------------------------------------------

    def verdict(self, predicate: str, result: Result, held: frozenset[str]) -> set[tuple[str, str]]:
        failed = set()
        builtin = {
            "min_total": ("total", "value"),
            "min_node": ("target", "value"),
            "min_area_share": ("areas", "share"),
            "requires_predicate": ("predicate", "value"),
        }
        for rule in (self.data.get("thresholds") or {}).get(predicate, []):
            declared = self.kinds.get(rule["kind"])
            subjects, measure = (
                (declared["subjects"], declared.get("measure", "value"))
                if declared
                else builtin[rule["kind"]]
            )
            if subjects == "predicate":
                if rule["target"] not in held:
                    failed.add((rule["code"], rule["target"]))
                continue
            minimum = _f(rule["minimum"])
            if subjects == "total":
                nodes = [("", Node("", "", Fraction(100), value=result.total))]
            elif subjects == "target":
                nodes = [(rule["target"], result.nodes[rule["target"]])]
            elif subjects == "indicators":
                nodes = [(code, result.nodes[code]) for code in self.tops.get(rule["target"], [])]
            else:
                nodes = []
                for area in self.areas_of[rule["target"]]:
                    if (subjects == "parts" or rule.get("scope") == "part") and area.get("parts"):
                        nodes += [(p["code"], result.nodes[p["code"]]) for p in area["parts"]]
                    else:
                        nodes.append((area["code"], result.nodes[area["code"]]))
            for target, node in nodes:
                if measure == "share":
                    share = Fraction(shown(node.value)) / node.weight * 100
                    passed = shown(share) >= shown(minimum * 100)
                else:
                    passed = shown(node.value) >= shown(minimum)
                if not passed:
                    failed.add((rule["code"], target))
        return failed
