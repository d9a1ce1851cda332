"""The shape of a catalog file, as a pydantic schema, with the YAML line of every error.

`validate(data, lines)` checks types, required keys, allowed values and
unknown keys (a typo, or an unquoted comma that split a YAML flow mapping)
and names the file's line of each problem. `line_index` reads those lines
from PyYAML's node marks. What the schema cannot say — weights that add up,
codes that are unique, rules that name real inputs, thresholds that point at
real nodes — `change_areas.catalog` checks next, naming lines the same way.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Number = Annotated[float, Field(strict=True)]
Text = Annotated[str, Field(strict=True)]
Code = Annotated[str, Field(strict=True, min_length=1, max_length=80)]
Label = str | int | float


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Computed(Strict):
    sum: list[Text]


class Input(Strict):
    key: Label
    label: Text
    computed: Computed | None = None
    note: Text = ""


class Rule(Strict):
    kind: Literal["expression", "ratio", "decrease"]
    expression: Text | None = None
    numerator: Text | None = None
    denominator: Text | None = None
    previous: Text | None = None
    current: Text | None = None
    cap: Number | None = None
    if_zero_denominator: Number | None = None
    if_both_zero: Number | None = None
    if_zero_previous: Number | None = None
    if_division_by_zero: Number | None = None


class Question(Strict):
    code: Code
    number: Label = ""
    text: Text
    type: Text
    weight: Number = 1
    criterion: Text = ""
    options: dict[str, Text] = {}
    rule: Rule | None = None
    inputs: list[Input] = []
    note: Text = ""


class Indicator(Strict):
    code: Code
    number: Label = ""
    name: Text
    weight: Number
    note: Text = ""
    questions: list[Question] = []
    sub_indicators: list[Indicator] = []


class Part(Strict):
    code: Code
    kind: Literal["pemenuhan", "reform"]
    name: Text
    weight: Number
    note: Text = ""
    indicators: list[Indicator] = []


class Area(Strict):
    code: Code
    short_name: Text = ""
    name: Text
    weight: Number | None = None
    description: Text = ""
    note: Text = ""
    parts: list[Part] = []
    indicators: list[Indicator] = []


class Component(Strict):
    code: Code
    kind: Literal["pengungkit", "hasil"]
    name: Text
    weight: Number
    note: Text = ""
    areas: list[Area] = []


class Threshold(Strict):
    code: Code
    kind: Text
    label: Text
    target: Text = ""
    minimum: Number | None = None
    scope: Literal["", "area", "part"] = ""
    note: Text = ""


class ThresholdKind(Strict):
    label: Text
    subjects: Literal["total", "target", "areas", "parts", "indicators", "predicate"]
    measure: Literal["value", "share"] = "value"
    message: Text


class Prerequisite(Strict):
    code: Code
    level: Literal["instansi", "unit"]
    name: Text
    description: Text = ""
    value_type: Literal["grade", "percent", "boolean", "years"]
    source: Literal["manual", "building_years", "revocation_free_years"] = "manual"
    grades: list[Label] = []
    requirement: dict[str, dict[str, Any]] = {}
    note: Text = ""


class Catalog(Strict):
    format: Literal[1]
    code: Annotated[str, Field(strict=True, pattern=r"^[a-z0-9-]+$", max_length=60)]
    version: Annotated[int, Field(strict=True, ge=1)]
    kind: Literal["lke", "work_plan"]
    current: bool = False
    name: Text
    short_name: Text
    regulation: Text = ""
    description: Text = ""
    sources: list[Text] = []
    supersedes: Text = ""
    renamed: dict[str, Text] = {}
    wbk_set_by_instansi: Literal["", "designated", "always"] = ""
    answer_types: dict[str, Any] = {}
    threshold_kinds: dict[str, ThresholdKind] = {}
    components: list[Component] = []
    areas: list[Area] = []
    thresholds: dict[str, list[Threshold]] = {}
    prerequisites: list[Prerequisite] = []


# --------------------------------------------------------------------------
# Lines


def line_index(raw: bytes | str) -> dict[tuple, int]:
    """The 1-based line of every key and item of a YAML document, by its path.

    A mapping's key `('components', 0, 'areas', 2, 'weight')` maps to the line
    of that key; a sequence item to the line where the item starts.
    """
    try:
        root = yaml.compose(raw, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    here = (*path, key.value)
                    lines[here] = key.start_mark.line + 1
                    walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of a path, or of its nearest ancestor the file has (a missing key's parent)."""
    path = tuple(str(step) if not isinstance(step, int) else step for step in path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def at(lines: dict[tuple, int], path: tuple, message: str) -> str:
    line = line_of(lines, path)
    return (
        _("baris %(line)d: %(message)s") % {"line": line, "message": message} if line else message
    )


# --------------------------------------------------------------------------
# Validation


def validate(data: Any, lines: dict[tuple, int]) -> list[str]:
    """Every problem of the file's shape, each with its line; empty when the shape is right."""
    try:
        Catalog.model_validate(data)
    except ValidationError as error:
        return [
            at(lines, problem["loc"], f"{_path(problem['loc'])}: {_message(problem)}")
            for problem in error.errors(include_url=False)
        ]
    return []


def _path(loc: tuple) -> str:
    """('components', 0, 'areas', 1, 'weight') → components[0].areas[1].weight; no model names."""
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step in ("function-after", "json-or-python") or "[" in str(step):
            continue  # pydantic's names of union branches
        else:
            text += ("." if text else "") + str(step)
    return text or _("berkas")


def _message(problem: dict) -> str:
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if kind == "missing":
        return _("wajib diisi")
    if kind == "extra_forbidden":
        return _("kunci tidak dikenal (beri tanda kutip pada nilai yang memuat koma)")
    if kind == "literal_error":
        return _("harus salah satu dari %(expected)s, bukan %(value)r") % {
            "expected": context.get("expected", ""),
            "value": problem.get("input"),
        }
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return _("harus angka, bukan %(value)r") % {"value": problem.get("input")}
    if kind in ("string_type", "string_too_short"):
        return _("harus teks yang tidak kosong, bukan %(value)r") % {"value": problem.get("input")}
    if kind == "string_too_long":
        return _("paling panjang %(max)s karakter") % {"max": context.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("hanya huruf kecil, angka dan tanda hubung")
    if kind in ("list_type",):
        return _("harus daftar (sequence)")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("harus pemetaan (mapping)")
    if kind == "bool_type":
        return _("harus true atau false")
    return problem.get("msg", kind)
