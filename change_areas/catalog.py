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
import string
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
from django.utils.translation import gettext as _

from change_areas import catalog_schema, expressions, scoring
from change_areas.models import (
    NUMBER_ANSWER_TYPES,
    AnswerType,
    Area,
    Component,
    Framework,
    FrameworkKind,
    Indicator,
    Part,
    Predicate,
    Prerequisite,
    PrerequisiteSource,
    PrerequisiteValueType,
    Question,
    QuestionInput,
    QuestionOption,
    ThresholdKind,
    ThresholdRule,
    ThresholdScope,
)

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
DECIMAL_FIELDS = {"weight", "value", "minimum", "number_min", "number_max"}
# Placeholders a threshold kind's sentence may use (scoring._sentence fills them).
PLACEHOLDERS = {"label", "name", "value", "weight", "share", "minimum", "predicate"}
# Framework fields a file may set besides the plain ones, with their value when it does not.
FRAMEWORK_EXTRAS = {
    "answer_scales": dict,
    "threshold_kinds": dict,
    "wbk_set_by_instansi": str,
    "code_map": dict,
}


def kind_names() -> dict[str, str]:
    """The kinds of catalog rows as people call them, in the interface language."""
    return {
        "component": _("komponen"),
        "area": _("area"),
        "part": _("bagian"),
        "indicator": _("indikator"),
        "question": _("pertanyaan"),
        "option": _("pilihan"),
        "input": _("isian"),
        "threshold": _("nilai ambang"),
        "prerequisite": _("syarat"),
    }


class CatalogError(Exception):
    """The file is not a valid catalog; `problems` says where and why."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}:\n  " + "\n  ".join(problems))


@dataclass
class Catalog:
    """A parsed and checked catalog file."""

    framework: dict[str, Any]
    records: dict[str, dict[str, dict[str, Any]]]  # kind -> key -> fields
    sha256: str
    lines: dict[tuple, int] = field(default_factory=dict)  # YAML path -> line, for messages

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
        """One line in the interface language, e.g. "… v2: diperbarui — diubah 1 pertanyaan"."""
        head = f"{self.code} v{self.version}"
        if not self.changed:
            return _("%(catalog)s: tidak berubah") % {"catalog": head}
        parts = []
        for label, counter in (
            (_("dibuat"), self.created),
            (_("diubah"), self.updated),
            (_("dinonaktifkan"), self.retired),
            (_("dihapus"), self.deleted),
        ):
            if counter:
                names = kind_names()
                items = ", ".join(f"{n} {names[kind]}" for kind, n in counter.items())
                parts.append(f"{label} {items}")
        status = _("dimuat") if self.status == "created" else _("diperbarui")
        return f"{head}: {status}" + (" — " + "; ".join(parts) if parts else "")


# --------------------------------------------------------------------------
# Reading and checking


def read_catalog(path: Path) -> Catalog:
    """Parse and check one catalog file. Raises CatalogError listing every problem with its line."""
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise CatalogError(
            str(path), [_("bukan YAML yang sah: %(error)s") % {"error": error}]
        ) from None
    lines = catalog_schema.line_index(raw)
    problems = catalog_schema.validate(data, lines)
    if problems:
        raise CatalogError(str(path), problems)
    catalog = _Parser(str(path), lines).parse(data)
    catalog.sha256 = hashlib.sha256(raw).hexdigest()
    return catalog


def _close(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


def _text(value: Any) -> str:
    return ("" if value is None else str(value)).strip()


class _Parser:
    """What the schema cannot check: sums, unique codes, references, rules. Each problem with its line."""

    def __init__(self, path: str, lines: dict[tuple, int]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[str] = []
        self.records: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.order = 0
        self.scales: dict[str, dict[str, Any]] = {}

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(catalog_schema.at(self.lines, path, message))

    def add(self, kind: str, key: str, fields: dict[str, Any], path: tuple) -> None:
        if key in self.records[kind]:
            self.problem(path, _("kode %(code)r dipakai dua kali") % {"code": key})
            return
        self.check_lengths(MODELS[kind], {"code": key, **fields}, path)
        self.order += 1
        fields.setdefault("order", self.order)
        self.records[kind][key] = fields

    def check_lengths(self, model: type[models.Model], fields: dict[str, Any], path: tuple) -> None:
        """Text that would not fit its column (SQLite would accept it, PostgreSQL would not)."""
        for name, value in fields.items():
            if not isinstance(value, str):
                continue
            try:
                limit = model._meta.get_field(name).max_length
            except FieldDoesNotExist:
                continue
            if limit and len(value) > limit:
                self.problem(
                    (*path, name),
                    _("%(name)s %(length)d karakter; paling banyak %(limit)d")
                    % {"name": name, "length": len(value), "limit": limit},
                )

    def sums_to(self, items: list, expected: float, path: tuple, what: str) -> None:
        total = sum(float(item.get("weight") or 0) for item in items)
        if items and not _close(total, expected):
            self.problem(
                path,
                _("bobot %(what)s berjumlah %(total)s, bukan %(expected)s")
                % {"what": what, "total": f"{total:g}", "expected": f"{expected:g}"},
            )

    def parse(self, data: dict) -> Catalog:
        kind = data["kind"]
        framework = {
            "code": data["code"],
            "version": data["version"],
            "kind": kind,
            "name": data["name"],
            "short_name": data["short_name"],
            "regulation": _text(data.get("regulation")),
            "description": _text(data.get("description")),
            "is_current": bool(data.get("current", False)),
        }
        self.check_lengths(Framework, framework, ())
        self.scales = self.parse_answer_types(data.get("answer_types") or {})
        kinds = self.parse_threshold_kinds(data.get("threshold_kinds") or {})
        extras = {
            "answer_scales": {
                name: scale
                for name, scale in self.scales.items()
                if name in (data.get("answer_types") or {})
            },
            "threshold_kinds": kinds,
            "wbk_set_by_instansi": data.get("wbk_set_by_instansi", ""),
            "supersedes": data.get("supersedes", ""),
            "code_map": dict(data.get("renamed") or {}),
        }
        # Keys only files that use them carry, so an older file's snapshot stays the same.
        framework.update({name: value for name, value in extras.items() if value})
        if kind == FrameworkKind.LKE:
            components = data.get("components") or []
            if not components:
                self.problem(("kind",), _("katalog LKE memerlukan components"))
            self.sums_to(components, 100, ("components",), _("komponen"))
            for index, component in enumerate(components):
                self.parse_component(component, ("components", index))
            self.parse_thresholds(data.get("thresholds") or {}, kinds)
            self.parse_prerequisites(data.get("prerequisites") or [])
        else:
            for index, area in enumerate(data.get("areas") or []):
                self.parse_area(area, ("areas", index), component=None)
        codes = {
            code
            for kind in ("component", "area", "part", "indicator", "question", "input")
            for code in self.records[kind]
        }
        for old, new in (data.get("renamed") or {}).items():
            if new not in codes:
                self.problem(
                    ("renamed", old),
                    _("kode baru %(code)r tidak ada di katalog ini") % {"code": new},
                )
        if data.get("renamed") and not data.get("supersedes"):
            self.problem(("renamed",), _("renamed memerlukan supersedes (versi yang diganti)"))
        if self.problems:
            raise CatalogError(self.path, self.problems)
        return Catalog(framework=framework, records=self.records, sha256="", lines=self.lines)

    # -- answer scales and threshold kinds -------------------------------

    def parse_answer_types(self, answer_types: dict) -> dict[str, dict[str, Any]]:
        """Every scale the file's questions may use: built-in number types and the declared ones.

        Short form: `abc: {A: 1, B: 0.5, C: 0}`. Long form: `{label: …, options: {…}}` or
        `{label: …, number: {min: 0, max: 4}}`. Option values lie within 0..1.
        """
        scales: dict[str, dict[str, Any]] = {
            name: {"kind": "number", "min": low, "max": high}
            for name, (low, high) in NUMBER_ANSWER_TYPES.items()
        }
        for name, declared in answer_types.items():
            path = ("answer_types", name)
            if name == AnswerType.PERSEN or not isinstance(name, str) or not name.isidentifier():
                self.problem(path, _("nama skala %(name)r tidak dapat dipakai") % {"name": name})
                continue
            if not isinstance(declared, dict) or not declared:
                self.problem(path, _("skala harus pemetaan pilihan → nilai"))
                continue
            label = str(declared.get("label", "")) if "label" in declared else ""
            if "number" in declared:
                bounds = declared["number"] or {}
                low, high = bounds.get("min"), bounds.get("max")
                if (
                    not all(
                        isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)
                    )
                    or low >= high
                ):
                    self.problem((*path, "number"), _("rentang angka memerlukan min < max"))
                    continue
                scales[name] = {"kind": "number", "min": low, "max": high, "label": label}
                continue
            options = declared.get("options") if "options" in declared else declared
            extra = set(declared) - {"options", "label"} if "options" in declared else set()
            if extra:
                self.problem(path, _("kunci tidak dikenal %(keys)s") % {"keys": sorted(extra)})
            values = []
            for key, value in (options or {}).items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.problem(
                        (*path, key), _("nilai pilihan %(key)s harus angka") % {"key": key}
                    )
                    continue
                if not 0 <= value <= 1:
                    self.problem(
                        (*path, key),
                        _("nilai pilihan %(key)s harus di antara 0 dan 1") % {"key": key},
                    )
                values.append([str(key), float(value)])
            if len(values) < 2:
                self.problem(path, _("skala pilihan memerlukan sekurang-kurangnya dua pilihan"))
            scales[name] = {"kind": "options", "options": values, "label": label}
        return scales

    def parse_threshold_kinds(self, kinds: dict) -> dict[str, dict[str, str]]:
        parsed = {}
        for name, declared in kinds.items():
            path = ("threshold_kinds", name)
            if name in scoring.BUILTIN_THRESHOLD_KINDS or not str(name).isidentifier():
                self.problem(path, _("nama jenis %(name)r tidak dapat dipakai") % {"name": name})
                continue
            placeholders = {
                field_name
                for _text_part, field_name, _spec, _conv in string.Formatter().parse(
                    declared["message"]
                )
                if field_name
            }
            unknown = placeholders - PLACEHOLDERS
            if unknown:
                self.problem(
                    (*path, "message"),
                    _("penanda %(unknown)s tidak dikenal; yang tersedia: %(known)s")
                    % {"unknown": sorted(unknown), "known": sorted(PLACEHOLDERS)},
                )
            parsed[str(name)] = {
                "label": declared["label"],
                "subjects": declared["subjects"],
                "measure": declared.get("measure", "value"),
                "message": declared["message"],
            }
        return parsed

    # -- the tree --------------------------------------------------------

    def parse_component(self, data: dict, path: tuple) -> None:
        code = data["code"]
        self.add(
            "component",
            code,
            {"kind": data["kind"], "name": data["name"], "weight": float(data["weight"])},
            path,
        )
        areas = data.get("areas") or []
        self.sums_to(areas, float(data["weight"]), path, _("area %(code)s") % {"code": code})
        for index, area in enumerate(areas):
            self.parse_area(area, (*path, "areas", index), component=code)

    def parse_area(self, data: dict, path: tuple, *, component: str | None) -> None:
        code = data["code"]
        weight = data.get("weight")
        fields = {
            "component": component,
            "short_name": data.get("short_name", ""),
            "name": data["name"],
            "description": _text(data.get("description")),
            "weight": None if weight is None else float(weight),
            "note": _text(data.get("note")),
        }
        if component is not None and weight is None:
            self.problem((*path, "code"), _("area %(code)s: weight wajib diisi") % {"code": code})
        self.add("area", code, fields, path)
        parts = data.get("parts") or []
        indicators = data.get("indicators") or []
        if component is None:
            if parts or indicators:
                self.problem(path, _("area kerangka rencana kerja tidak memuat indikator"))
            return
        if parts and indicators:
            self.problem(path, _("area memuat parts atau indicators, tidak keduanya"))
        if parts:
            self.sums_to(
                parts, fields["weight"] or 0, path, _("bagian area %(code)s") % {"code": code}
            )
            for index, part in enumerate(parts):
                self.parse_part(part, (*path, "parts", index), area=code)
        else:
            self.parse_indicators(
                indicators,
                (*path, "indicators"),
                area=code,
                part=None,
                parent=None,
                weight=fields["weight"] or 0,
            )

    def parse_part(self, data: dict, path: tuple, *, area: str) -> None:
        code = data["code"]
        self.add(
            "part",
            code,
            {
                "area": area,
                "kind": data["kind"],
                "name": data["name"],
                "weight": float(data["weight"]),
            },
            path,
        )
        self.parse_indicators(
            data.get("indicators") or [],
            (*path, "indicators"),
            area=area,
            part=code,
            parent=None,
            weight=float(data["weight"]),
        )

    def parse_indicators(
        self,
        indicators: list,
        path: tuple,
        *,
        area: str,
        part: str | None,
        parent: str | None,
        weight: float,
    ) -> None:
        if not indicators:
            self.problem(path, _("tidak memuat indikator"))
            return
        self.sums_to(indicators, weight, path[:-1], _("indikator"))
        for index, data in enumerate(indicators):
            here = (*path, index)
            code = data["code"]
            self.add(
                "indicator",
                code,
                {
                    "area": area,
                    "part": part,
                    "parent": parent,
                    "number": str(data.get("number", "")),
                    "name": data["name"],
                    "weight": float(data["weight"]),
                    "note": _text(data.get("note")),
                },
                here,
            )
            subs = data.get("sub_indicators") or []
            questions = data.get("questions") or []
            if subs and questions:
                self.problem(
                    here, _("indikator memuat questions atau sub_indicators, tidak keduanya")
                )
            if subs:
                self.parse_indicators(
                    subs,
                    (*here, "sub_indicators"),
                    area=area,
                    part=part,
                    parent=code,
                    weight=float(data["weight"]),
                )
            elif not questions:
                self.problem(here, _("indikator %(code)s tidak memuat pertanyaan") % {"code": code})
            for number, question in enumerate(questions):
                self.parse_question(question, (*here, "questions", number), indicator=code)

    def parse_question(self, data: dict, path: tuple, *, indicator: str) -> None:
        code = data["code"]
        answer_type = data["type"]
        fields = {
            "indicator": indicator,
            "number": str(data.get("number", "")),
            "text": _text(data.get("text")),
            "criterion": _text(data.get("criterion")),
            "answer_type": answer_type,
            "value_rule": data.get("rule") or {},
            "note": _text(data.get("note")),
        }
        # Only what differs from the defaults, so that older files keep their records.
        if float(data.get("weight", 1)) != 1:
            fields["weight"] = float(data["weight"])
        if float(data.get("weight", 1)) <= 0:
            self.problem((*path, "weight"), _("bobot pertanyaan harus lebih dari 0"))
        if not fields["text"]:
            self.problem((*path, "text"), _("teks pertanyaan kosong"))
        scale = self.scales.get(answer_type)
        if scale and scale["kind"] == "number":
            fields["number_min"] = float(scale["min"])
            fields["number_max"] = float(scale["max"])
        self.add("question", code, fields, path)
        if answer_type == AnswerType.PERSEN:
            self.parse_inputs(data, path, code, fields["value_rule"])
        elif scale is None:
            self.problem(
                (*path, "type"),
                _("jenis jawaban %(type)r tidak dikenal; nyatakan di answer_types")
                % {"type": answer_type},
            )
        elif scale["kind"] == "options":
            criteria = data.get("options") or {}
            keys = [key for key, _value in scale["options"]]
            unknown = set(map(str, criteria)) - set(keys)
            if unknown:
                self.problem(
                    (*path, "options"),
                    _("pilihan %(unknown)s bukan pilihan skala %(type)s")
                    % {"unknown": sorted(unknown), "type": answer_type},
                )
            for key, value in scale["options"]:
                self.add(
                    "option",
                    f"{code}:{key}",
                    {
                        "question": code,
                        "key": key,
                        "value": value,
                        "criterion": _text(criteria.get(key)),
                    },
                    path,
                )
        if answer_type != AnswerType.PERSEN and (data.get("inputs") or data.get("rule")):
            self.problem(path, _("hanya pertanyaan persen yang memuat inputs dan rule"))

    def parse_inputs(self, data: dict, path: tuple, code: str, rule: dict) -> None:
        inputs = data.get("inputs") or []
        keys = [str(item["key"]) for item in inputs]
        if not inputs:
            self.problem(path, _("pertanyaan persen memerlukan inputs"))
        for index, item in enumerate(inputs):
            computed = item.get("computed") or {}
            for source in computed.get("sum", []):
                if source not in keys:
                    self.problem(
                        (*path, "inputs", index, "computed"),
                        _("isian %(key)s menjumlahkan isian yang tidak ada: %(source)r")
                        % {"key": item["key"], "source": source},
                    )
            self.add(
                "input",
                f"{code}.{item['key']}",
                {
                    "question": code,
                    "key": str(item["key"]),
                    "label": item["label"],
                    "computed": computed,
                    "note": _text(item.get("note")),
                },
                (*path, "inputs", index),
            )
        if not rule:
            self.problem(path, _("pertanyaan persen memerlukan rule"))
            return
        try:
            expression = expressions.preset(rule)
        except (expressions.ExpressionError, KeyError) as error:
            self.problem((*path, "rule"), _("aturan tidak lengkap: %(error)s") % {"error": error})
            return
        where = (
            (*path, "rule", "expression") if rule.get("kind") == "expression" else (*path, "rule")
        )
        for problem in expressions.check(expression, frozenset(keys)):
            self.problem(where, problem)

    # -- thresholds and prerequisites ------------------------------------

    def parse_thresholds(self, thresholds: dict, kinds: dict[str, dict]) -> None:
        nodes = {
            *self.records["component"],
            *self.records["area"],
            *self.records["part"],
            *self.records["indicator"],
        }
        for predicate, rules in thresholds.items():
            if predicate not in Predicate.values:
                self.problem(
                    ("thresholds", predicate),
                    _("predikat %(name)r tidak dikenal") % {"name": predicate},
                )
                continue
            for index, rule in enumerate(rules or []):
                path = ("thresholds", predicate, index)
                kind = rule["kind"]
                subjects = (kinds.get(kind) or {}).get("subjects") or getattr(
                    scoring.BUILTIN_THRESHOLD_KINDS.get(kind), "subjects", None
                )
                target = str(rule.get("target") or "")
                if subjects is None:
                    self.problem(
                        (*path, "kind"),
                        _("jenis %(kind)r tidak dikenal; nyatakan di threshold_kinds")
                        % {"kind": kind},
                    )
                elif subjects == "predicate":
                    if target not in Predicate.values:
                        self.problem(
                            (*path, "target"),
                            _("sasaran harus predikat, bukan %(target)r") % {"target": target},
                        )
                elif subjects in ("areas", "parts"):
                    if target not in self.records["component"]:
                        self.problem(
                            (*path, "target"),
                            _("sasaran %(target)r harus komponen") % {"target": target},
                        )
                elif subjects in ("target", "indicators") and target not in nodes:
                    self.problem(
                        (*path, "target"),
                        _("sasaran %(target)r bukan komponen, area, bagian atau indikator")
                        % {"target": target},
                    )
                if subjects not in (None, "predicate") and rule.get("minimum") is None:
                    self.problem((*path, "minimum"), _("minimum wajib diisi"))
                if (
                    kind == ThresholdKind.MIN_AREA_SHARE
                    and rule.get("scope", "") not in ThresholdScope.values
                ):
                    self.problem((*path, "scope"), _("scope harus area atau part"))
                minimum = rule.get("minimum")
                self.add(
                    "threshold",
                    f"{predicate}:{rule['code']}",
                    {
                        "predicate": predicate,
                        "kind": kind,
                        "target": target,
                        "minimum": None if minimum is None else float(minimum),
                        "scope": rule.get("scope", ""),
                        "label": rule["label"],
                        "note": _text(rule.get("note")),
                    },
                    path,
                )

    def parse_prerequisites(self, prerequisites: list) -> None:
        for index, item in enumerate(prerequisites):
            path = ("prerequisites", index)
            value_type = item["value_type"]
            grades = [str(g) for g in item.get("grades") or []]
            requirement = item.get("requirement") or {}
            for predicate, minima in requirement.items():
                if predicate not in Predicate.values:
                    self.problem(
                        (*path, "requirement"),
                        _("predikat %(name)r tidak dikenal") % {"name": predicate},
                    )
                for minimum in (minima or {}).values():
                    if value_type == PrerequisiteValueType.GRADE and str(minimum) not in grades:
                        self.problem(
                            (*path, "requirement"),
                            _("minimal %(minimum)r bukan salah satu peringkat %(grades)s")
                            % {"minimum": minimum, "grades": grades},
                        )
            self.add(
                "prerequisite",
                item["code"],
                {
                    "level": item["level"],
                    "name": item["name"],
                    "description": _text(item.get("description")),
                    "value_type": value_type,
                    "source": item.get("source", PrerequisiteSource.MANUAL),
                    "grades": grades,
                    "requirement": requirement,
                    "note": _text(item.get("note")),
                },
                path,
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
    supersedes = _superseded(catalog)
    if framework_changed:
        for name, value in catalog.framework.items():
            if name not in ("code", "supersedes", *FRAMEWORK_EXTRAS):
                setattr(framework, name, value)
        for name, empty in FRAMEWORK_EXTRAS.items():
            setattr(framework, name, catalog.framework.get(name, empty()))
        framework.supersedes = supersedes
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


def _superseded(catalog: Catalog) -> Framework | None:
    """The version the catalog supersedes (loaded before it), its renamed codes checked."""
    code = catalog.framework.get("supersedes")
    if not code:
        return None
    previous = Framework.objects.filter(code=code).first()
    if previous is None:
        raise CatalogError(
            catalog.code,
            [
                catalog_schema.at(
                    catalog.lines,
                    ("supersedes",),
                    _("versi %(code)r belum dimuat; muat katalog itu lebih dahulu")
                    % {"code": code},
                )
            ],
        )
    known = {
        key
        for kind in ("component", "area", "part", "indicator", "question", "input")
        for key in (previous.source_data or {}).get("records", {}).get(kind, {})
    }
    problems = [
        catalog_schema.at(
            catalog.lines,
            ("renamed", old),
            _("kode lama %(code)r tidak ada di %(previous)s") % {"code": old, "previous": code},
        )
        for old in catalog.framework.get("code_map", {})
        if old not in known
    ]
    if problems:
        raise CatalogError(catalog.code, problems)
    return previous


def load_order(catalogs: list[Catalog]) -> list[Catalog]:
    """Catalogs in an order that loads every superseded version before the one replacing it."""
    by_code = {catalog.code: catalog for catalog in catalogs}
    ordered: list[Catalog] = []

    def visit(catalog: Catalog, seen: frozenset[str] = frozenset()) -> None:
        if catalog in ordered or catalog.code in seen:
            return
        previous = by_code.get(catalog.framework.get("supersedes", ""))
        if previous is not None:
            visit(previous, seen | {catalog.code})
        ordered.append(catalog)

    for catalog in catalogs:
        visit(catalog)
    return ordered


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
