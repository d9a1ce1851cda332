"""Loading the shipped regulation catalogs (YAML) into the catalog models.

A catalog file is read, checked as a whole (weights add up, codes unique,
rules name inputs that exist) and flattened into one record per catalog
row. Loading compares those records with the ones loaded last time (kept on
the framework) and writes only what changed in the file, so that:

- a second load of the same file changes nothing and says so;
- a new version of the file updates rows in place, keeping their ids and
  everything that refers to them (answers, cycles);
- rows removed from the file are deleted, or deactivated when something
  still refers to them;
- edits an admin made in the admin survive until the file changes that row.

The format is described in docs/catalogs.md.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from change_areas.models import (
    OPTION_ANSWER_TYPES,
    Area,
    Component,
    ComponentKind,
    Framework,
    FrameworkKind,
    Indicator,
    Part,
    PartKind,
    Predicate,
    Prerequisite,
    PrerequisiteLevel,
    PrerequisiteSource,
    PrerequisiteValueType,
    Question,
    QuestionInput,
    QuestionOption,
    ThresholdKind,
    ThresholdRule,
    ThresholdScope,
)

FORMAT = 1
TOLERANCE = 1e-6

# Apply order: parents before children. Keys of the flattened catalog.
KINDS = (
    "component",
    "area",
    "part",
    "indicator",
    "question",
    "option",
    "input",
    "threshold",
    "prerequisite",
)
MODELS: dict[str, type[models.Model]] = {
    "component": Component,
    "area": Area,
    "part": Part,
    "indicator": Indicator,
    "question": Question,
    "option": QuestionOption,
    "input": QuestionInput,
    "threshold": ThresholdRule,
    "prerequisite": Prerequisite,
}
# Foreign keys each record names by code, and the kind of row they point to.
REFERENCES: dict[str, dict[str, str]] = {
    "area": {"component": "component"},
    "part": {"area": "area"},
    "indicator": {"area": "area", "part": "part", "parent": "indicator"},
    "question": {"indicator": "indicator"},
    "option": {"question": "question"},
    "input": {"question": "question"},
}
DECIMAL_FIELDS = {"weight", "value", "minimum"}


class CatalogError(Exception):
    """The file is not a valid catalog; `problems` says where and why."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass
class Catalog:
    """A parsed and checked catalog file."""

    framework: dict[str, Any]
    records: dict[str, dict[str, dict[str, Any]]]  # kind -> key -> fields
    sha256: str

    @property
    def code(self) -> str:
        return self.framework["code"]

    @property
    def version(self) -> int:
        return self.framework["version"]

    def snapshot(self) -> dict[str, Any]:
        return {"framework": self.framework, "records": self.records}


@dataclass
class LoadResult:
    code: str
    version: int
    status: str  # "created", "updated", "unchanged"
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"

    def summary(self) -> str:
        if not self.changed:
            return f"{self.code} v{self.version}: no change"
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("deactivated", self.retired),
            ("deleted", self.deleted),
        ):
            if counter:
                items = ", ".join(f"{n} {kind}" for kind, n in counter.items())
                parts.append(f"{label} {items}")
        return f"{self.code} v{self.version}: {self.status}" + (
            " — " + "; ".join(parts) if parts else ""
        )


# --------------------------------------------------------------------------
# Reading and checking


def read_catalog(path: Path) -> Catalog:
    """Parse and check one catalog file. Raises CatalogError listing every problem."""
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise CatalogError(str(path), [f"not valid YAML: {error}"]) from None
    parser = _Parser(str(path))
    catalog = parser.parse(data)
    catalog.sha256 = hashlib.sha256(raw).hexdigest()
    return catalog


def _close(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


ALLOWED_KEYS = {
    "component": {"code", "kind", "name", "weight", "areas", "note"},
    "area": {"code", "short_name", "name", "weight", "description", "note", "parts", "indicators"},
    "part": {"code", "kind", "name", "weight", "indicators", "note"},
    "indicator": {"code", "number", "name", "weight", "note", "questions", "sub_indicators"},
    "question": {
        "code",
        "number",
        "text",
        "type",
        "criterion",
        "options",
        "rule",
        "inputs",
        "note",
    },
    "input": {"key", "label", "computed", "note"},
    "threshold": {"code", "kind", "target", "minimum", "scope", "label", "note"},
    "prerequisite": {
        "code",
        "level",
        "name",
        "description",
        "value_type",
        "source",
        "grades",
        "requirement",
        "note",
    },
}


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []
        self.records: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.order = 0

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def add(self, kind: str, key: str, fields: dict[str, Any], where: str) -> None:
        if key in self.records[kind]:
            self.problem(where, f"duplicate {kind} code {key!r}")
            return
        self.check_lengths(MODELS[kind], {"code": key, **fields}, where)
        self.order += 1
        fields.setdefault("order", self.order)
        self.records[kind][key] = fields

    def check_keys(self, kind: str, data: Any, where: str) -> bool:
        """Refuse entries that are not mappings or carry unknown keys (a typo, or an
        unquoted comma in a YAML flow mapping that split a value)."""
        if not isinstance(data, dict):
            self.problem(where, f"a {kind} must be a mapping, not {data!r}")
            return False
        unknown = set(map(str, data)) - ALLOWED_KEYS[kind]
        if unknown:
            self.problem(
                where, f"unknown keys {sorted(unknown)} (quote values that contain commas)"
            )
        return True

    def check_lengths(self, model: type[models.Model], fields: dict[str, Any], where: str) -> None:
        """Text that would not fit its column (SQLite would accept it, PostgreSQL would not)."""
        for name, value in fields.items():
            if not isinstance(value, str):
                continue
            try:
                limit = model._meta.get_field(name).max_length
            except FieldDoesNotExist:
                continue
            if limit and len(value) > limit:
                self.problem(where, f"{name} is {len(value)} characters long; at most {limit} fit")

    def number(self, value: Any, where: str, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"{name} must be a number, not {value!r}")
            return 0.0
        return float(value)

    def parse(self, data: Any) -> Catalog:
        if not isinstance(data, dict):
            raise CatalogError(self.path, ["the file must hold a mapping at the top"])
        if data.get("format") != FORMAT:
            raise CatalogError(self.path, [f"format must be {FORMAT}, not {data.get('format')!r}"])
        for required in ("code", "version", "kind", "name", "short_name"):
            if not data.get(required):
                self.problem("top", f"{required} is missing")
        kind = data.get("kind")
        if kind not in FrameworkKind.values:
            self.problem("top", f"kind must be one of {FrameworkKind.values}, not {kind!r}")
        if self.problems:
            raise CatalogError(self.path, self.problems)
        framework = {
            "code": str(data["code"]),
            "version": int(data["version"]),
            "kind": kind,
            "name": data["name"],
            "short_name": data["short_name"],
            "regulation": (data.get("regulation") or "").strip(),
            "description": (data.get("description") or "").strip(),
            "is_current": bool(data.get("current", False)),
        }
        self.check_lengths(Framework, framework, "top")
        self.answer_types = self.parse_answer_types(data.get("answer_types") or {})
        if kind == FrameworkKind.LKE:
            components = data.get("components") or []
            if not components:
                self.problem("top", "an LKE catalog needs components")
            total = sum(
                self.number(c.get("weight"), f"component {c.get('code')}", "weight")
                for c in components
            )
            if components and not _close(total, 100):
                self.problem("components", f"weights add up to {total:g}, not 100")
            for component in components:
                self.parse_component(component)
            self.parse_thresholds(data.get("thresholds") or {})
            self.parse_prerequisites(data.get("prerequisites") or [])
        else:
            for area in data.get("areas") or []:
                self.parse_area(area, component=None)
        if self.problems:
            raise CatalogError(self.path, self.problems)
        return Catalog(framework=framework, records=self.records, sha256="")

    def parse_answer_types(self, answer_types: dict) -> dict[str, list[tuple[str, float]]]:
        parsed = {}
        for name, options in answer_types.items():
            if name not in OPTION_ANSWER_TYPES:
                self.problem("answer_types", f"{name!r} is not an option answer type")
                continue
            values = []
            for key, value in (options or {}).items():
                number = self.number(value, f"answer_types.{name}", f"value of {key}")
                if not 0 <= number <= 1:
                    self.problem(f"answer_types.{name}", f"value of {key} must be within 0..1")
                values.append((str(key), number))
            parsed[name] = values
        return parsed

    def parse_component(self, data: dict) -> None:
        if not self.check_keys("component", data, "component"):
            return
        code = data.get("code")
        where = f"component {code}"
        if data.get("kind") not in ComponentKind.values:
            self.problem(where, f"kind must be one of {ComponentKind.values}")
        weight = self.number(data.get("weight"), where, "weight")
        self.add(
            "component",
            code,
            {"kind": data.get("kind"), "name": data.get("name", ""), "weight": weight},
            where,
        )
        areas = data.get("areas") or []
        total = sum(self.number(a.get("weight"), f"area {a.get('code')}", "weight") for a in areas)
        if not _close(total, weight):
            self.problem(where, f"area weights add up to {total:g}, not {weight:g}")
        for area in areas:
            self.parse_area(area, component=code)

    def parse_area(self, data: dict, *, component: str | None) -> None:
        if not self.check_keys("area", data, "area"):
            return
        code = data.get("code")
        where = f"area {code}"
        weight = data.get("weight")
        fields = {
            "component": component,
            "short_name": data.get("short_name", ""),
            "name": data.get("name", ""),
            "description": (data.get("description") or "").strip(),
            "weight": None if weight is None else self.number(weight, where, "weight"),
            "note": (data.get("note") or "").strip(),
        }
        if component is not None and weight is None:
            self.problem(where, "weight is missing")
        self.add("area", code, fields, where)
        parts = data.get("parts") or []
        indicators = data.get("indicators") or []
        if component is None:
            if parts or indicators:
                self.problem(where, "areas of a work-plan framework carry no indicators")
            return
        if parts and indicators:
            self.problem(where, "an area has either parts or indicators, not both")
        if parts:
            total = sum(
                self.number(p.get("weight"), f"part {p.get('code')}", "weight") for p in parts
            )
            if not _close(total, fields["weight"]):
                self.problem(where, f"part weights add up to {total:g}, not {fields['weight']:g}")
            for part in parts:
                self.parse_part(part, area=code)
        else:
            self.parse_indicators(
                indicators, area=code, part=None, parent=None, weight=fields["weight"], where=where
            )

    def parse_part(self, data: dict, *, area: str) -> None:
        if not self.check_keys("part", data, f"area {area}"):
            return
        code = data.get("code")
        where = f"part {code}"
        if data.get("kind") not in PartKind.values:
            self.problem(where, f"kind must be one of {PartKind.values}")
        weight = self.number(data.get("weight"), where, "weight")
        self.add(
            "part",
            code,
            {
                "area": area,
                "kind": data.get("kind"),
                "name": data.get("name", ""),
                "weight": weight,
            },
            where,
        )
        self.parse_indicators(
            data.get("indicators") or [],
            area=area,
            part=code,
            parent=None,
            weight=weight,
            where=where,
        )

    def parse_indicators(
        self,
        indicators: list,
        *,
        area: str,
        part: str | None,
        parent: str | None,
        weight: float,
        where: str,
    ) -> None:
        if not indicators:
            self.problem(where, "has no indicators")
            return
        total = sum(
            self.number(i.get("weight"), f"indicator {i.get('code')}", "weight") for i in indicators
        )
        if not _close(total, weight):
            self.problem(where, f"indicator weights add up to {total:g}, not {weight:g}")
        for data in indicators:
            if not self.check_keys("indicator", data, where):
                continue
            code = data.get("code")
            here = f"indicator {code}"
            self.add(
                "indicator",
                code,
                {
                    "area": area,
                    "part": part,
                    "parent": parent,
                    "number": str(data.get("number", "")),
                    "name": data.get("name", ""),
                    "weight": self.number(data.get("weight"), here, "weight"),
                    "note": (data.get("note") or "").strip(),
                },
                here,
            )
            subs = data.get("sub_indicators") or []
            questions = data.get("questions") or []
            if subs and questions:
                self.problem(here, "an indicator has either questions or sub_indicators")
            if subs:
                self.parse_indicators(
                    subs,
                    area=area,
                    part=part,
                    parent=code,
                    weight=float(data.get("weight") or 0),
                    where=here,
                )
            elif not questions:
                self.problem(here, "has no questions")
            for question in questions:
                self.parse_question(question, indicator=code)

    def parse_question(self, data: dict, *, indicator: str) -> None:
        if not self.check_keys("question", data, f"indicator {indicator}"):
            return
        code = data.get("code")
        where = f"question {code}"
        answer_type = data.get("type")
        fields = {
            "indicator": indicator,
            "number": str(data.get("number", "")),
            "text": (data.get("text") or "").strip(),
            "criterion": (data.get("criterion") or "").strip(),
            "answer_type": answer_type,
            "value_rule": data.get("rule") or {},
            "note": (data.get("note") or "").strip(),
        }
        if not fields["text"]:
            self.problem(where, "text is missing")
        self.add("question", code, fields, where)
        if answer_type in OPTION_ANSWER_TYPES:
            defaults = self.answer_types.get(answer_type)
            if defaults is None:
                self.problem(where, f"answer type {answer_type!r} has no values in answer_types")
                return
            criteria = data.get("options") or {}
            unknown = set(map(str, criteria)) - {key for key, _ in defaults}
            if unknown:
                self.problem(where, f"options {sorted(unknown)} are not keys of {answer_type}")
            for key, value in defaults:
                self.add(
                    "option",
                    f"{code}:{key}",
                    {
                        "question": code,
                        "key": key,
                        "value": value,
                        "criterion": (criteria.get(key) or "").strip(),
                    },
                    where,
                )
        elif answer_type == "persen":
            inputs = data.get("inputs") or []
            keys = [str(i.get("key")) for i in inputs]
            if not inputs:
                self.problem(where, "a persen question needs inputs")
            for item in inputs:
                if not self.check_keys("input", item, where):
                    continue
                computed = item.get("computed") or {}
                for source in computed.get("sum", []):
                    if source not in keys:
                        self.problem(
                            where, f"input {item.get('key')} sums unknown input {source!r}"
                        )
                self.add(
                    "input",
                    f"{code}.{item.get('key')}",
                    {
                        "question": code,
                        "key": str(item.get("key")),
                        "label": item.get("label", ""),
                        "computed": computed,
                        "note": (item.get("note") or "").strip(),
                    },
                    where,
                )
            self.check_rule(fields["value_rule"], keys, where)
        elif answer_type not in ("persentase", "nilai_0_4"):
            self.problem(where, f"unknown answer type {answer_type!r}")

    def check_rule(self, rule: dict, keys: list[str], where: str) -> None:
        kind = rule.get("kind")
        if kind == "ratio":
            names = ("numerator", "denominator")
        elif kind == "decrease":
            names = ("previous", "current")
        else:
            self.problem(where, f"rule kind must be ratio or decrease, not {kind!r}")
            return
        for name in names:
            if rule.get(name) not in keys:
                self.problem(
                    where, f"rule {name} {rule.get(name)!r} is not one of the inputs {keys}"
                )
        limits = rule.get("limits", {})
        if not isinstance(limits, dict):
            self.problem(where, "rule limits must map an input to the input it may not exceed")
            return
        for key, at_most in limits.items():
            if key not in keys or at_most not in keys:
                self.problem(where, f"rule limits {key!r}: {at_most!r} must name inputs of {keys}")

    def parse_thresholds(self, thresholds: dict) -> None:
        nodes = {*self.records["component"], *self.records["area"], *self.records["indicator"]}
        for predicate, rules in thresholds.items():
            if predicate not in Predicate.values:
                self.problem("thresholds", f"unknown predicate {predicate!r}")
                continue
            for rule in rules or []:
                if not self.check_keys("threshold", rule, f"thresholds.{predicate}"):
                    continue
                code = rule.get("code")
                where = f"threshold {predicate}.{code}"
                kind = rule.get("kind")
                target = str(rule.get("target") or "")
                if kind not in ThresholdKind.values:
                    self.problem(where, f"kind must be one of {ThresholdKind.values}")
                if (
                    kind in (ThresholdKind.MIN_NODE, ThresholdKind.MIN_AREA_SHARE)
                    and target not in nodes
                ):
                    self.problem(where, f"target {target!r} is not a component, area or indicator")
                if kind == ThresholdKind.MIN_AREA_SHARE and target not in self.records["component"]:
                    self.problem(where, "min_area_share needs a component as target")
                if kind == ThresholdKind.REQUIRES_PREDICATE and target not in Predicate.values:
                    self.problem(where, f"target must be a predicate, not {target!r}")
                scope = rule.get("scope", "")
                if kind == ThresholdKind.MIN_AREA_SHARE and scope not in ThresholdScope.values:
                    self.problem(where, f"scope must be one of {ThresholdScope.values}")
                minimum = rule.get("minimum")
                if kind != ThresholdKind.REQUIRES_PREDICATE:
                    minimum = self.number(minimum, where, "minimum")
                self.add(
                    "threshold",
                    f"{predicate}:{code}",
                    {
                        "predicate": predicate,
                        "kind": kind,
                        "target": target,
                        "minimum": minimum,
                        "scope": scope,
                        "label": rule.get("label", ""),
                        "note": (rule.get("note") or "").strip(),
                    },
                    where,
                )

    def parse_prerequisites(self, prerequisites: list) -> None:
        for item in prerequisites:
            if not self.check_keys("prerequisite", item, "prerequisites"):
                continue
            code = item.get("code")
            where = f"prerequisite {code}"
            value_type = item.get("value_type")
            if item.get("level") not in PrerequisiteLevel.values:
                self.problem(where, f"level must be one of {PrerequisiteLevel.values}")
            if value_type not in PrerequisiteValueType.values:
                self.problem(where, f"value_type must be one of {PrerequisiteValueType.values}")
            source = item.get("source", PrerequisiteSource.MANUAL)
            if source not in PrerequisiteSource.values:
                self.problem(where, f"source must be one of {PrerequisiteSource.values}")
            grades = [str(g) for g in item.get("grades") or []]
            requirement = item.get("requirement") or {}
            for predicate, minima in requirement.items():
                if predicate not in Predicate.values:
                    self.problem(where, f"unknown predicate {predicate!r}")
                for minimum in (minima or {}).values():
                    if value_type == PrerequisiteValueType.GRADE and str(minimum) not in grades:
                        self.problem(
                            where, f"minimum {minimum!r} is not one of the grades {grades}"
                        )
            self.add(
                "prerequisite",
                code,
                {
                    "level": item.get("level"),
                    "name": item.get("name", ""),
                    "description": (item.get("description") or "").strip(),
                    "value_type": value_type,
                    "source": source,
                    "grades": grades,
                    "requirement": requirement,
                    "note": (item.get("note") or "").strip(),
                },
                where,
            )


# --------------------------------------------------------------------------
# Writing


def _model_value(name: str, value: Any) -> Any:
    if name in DECIMAL_FIELDS and value is not None:
        return Decimal(str(value))
    return value


@transaction.atomic
def load_catalog(catalog: Catalog, *, force: bool = False) -> LoadResult:
    """Write the catalog into the database, changing only what changed in the file.

    With `force`, every row is written from the file again (admin edits to
    catalog rows are overwritten).
    """
    framework = Framework.objects.select_for_update().filter(code=catalog.code).first()
    result = LoadResult(code=catalog.code, version=catalog.version, status="updated")
    if framework is None:
        framework = Framework(code=catalog.code)
        previous: dict[str, Any] = {}
        result.status = "created"
    else:
        previous = framework.source_data or {}
        if (
            not force
            and framework.source_sha256 == catalog.sha256
            and previous.get("framework") == catalog.framework
        ):
            return LoadResult(code=catalog.code, version=catalog.version, status="unchanged")
    old_framework = previous.get("framework") or {}
    old_records = previous.get("records") or {}

    framework_changed = force or old_framework != catalog.framework or framework.pk is None
    if framework_changed:
        for name, value in catalog.framework.items():
            if name != "code":
                setattr(framework, name, value)
    framework.source_sha256 = catalog.sha256
    framework.source_data = catalog.snapshot()
    framework.loaded_at = timezone.now()
    framework._change_reason = f"load_catalogs v{catalog.version}"
    framework.save()
    if catalog.framework.get("is_current"):
        Framework.objects.exclude(pk=framework.pk).filter(is_current=True).update(is_current=False)

    objects = {
        kind: {_key(kind, obj): obj for obj in MODELS[kind].objects.filter(framework=framework)}
        for kind in KINDS
    }
    for kind in KINDS:
        old = old_records.get(kind, {})
        for key, fields in catalog.records[kind].items():
            existing = objects[kind].get(key)
            if existing is not None and not force and old.get(key) == fields:
                continue  # unchanged in the file: keep whatever the admin did
            obj = existing or MODELS[kind](framework=framework)
            _assign(kind, obj, key, fields, objects)
            obj._change_reason = f"load_catalogs {catalog.code} v{catalog.version}"
            obj.save()
            objects[kind][key] = obj
            (result.created if existing is None else result.updated)[kind] += 1
    for kind in reversed(KINDS):
        for key in set(old_records.get(kind, {})) - set(catalog.records[kind]):
            obj = objects[kind].get(key)
            if obj is None:
                continue
            _retire(kind, obj, result)
    if (
        result.status == "updated"
        and not (result.created or result.updated or result.retired or result.deleted)
        and not framework_changed
    ):
        result.status = "unchanged"
    return result


def _key(kind: str, obj: models.Model) -> str:
    if kind == "threshold":
        return f"{obj.predicate}:{obj.code}"
    return obj.code


def _assign(kind: str, obj: models.Model, key: str, fields: dict[str, Any], objects: dict) -> None:
    references = REFERENCES.get(kind, {})
    obj.code = key.split(":", 1)[1] if kind == "threshold" else key
    obj.is_active = True
    for name, value in fields.items():
        if name in references:
            target_kind = references[name]
            setattr(obj, name, objects[target_kind][value] if value is not None else None)
        else:
            setattr(obj, name, _model_value(name, value))


def _retire(kind: str, obj: models.Model, result: LoadResult) -> None:
    """Delete a row the file no longer has, or deactivate it while data refers to it."""
    try:
        with transaction.atomic():
            obj.delete()
        result.deleted[kind] += 1
    except (ProtectedError, IntegrityError):
        if obj.is_active:
            obj.is_active = False
            obj._change_reason = "load_catalogs: removed from the catalog file"
            obj.save(update_fields=["is_active"])
            result.retired[kind] += 1


def catalog_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))
