"""A national-size dataset for measuring the dashboards (`manage.py seed_benchmark`).

One instansi (a national agency with offices everywhere, like BPS) laid out as
Indonesia is: 34 provincial offices, 514 regency/city offices and service units
(UPT) below them, up to the number of units asked for. Every unit gets one
cycle a year for the last `years` years, its stage spread across the
workflow, with every LKE question answered by the unit and by the TPI (and by
the TPN for the units it evaluated), the area rows and summaries stored as
the scoring engine computes them, and predicates awarded by decree.

Speed matters more than ceremony here: tree paths are computed directly,
rows are inserted in bulk (no history), and answers come from a pool of
scored answer sets, so the engine runs a few hundred times, not sixty
thousand. Nothing here is used by the application itself.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import NamedTuple

import numpy
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from change_areas import scoring, selectors, tallies
from change_areas.models import (
    Answer,
    BranchTally,
    CalibrationTally,
    Cycle,
    CycleAreaScore,
    CycleEvent,
    Decision,
    Framework,
    Layer,
    PredicateAward,
    Stage,
)
from units.models import Unit, UnitKind

ROOT_CODE = "NAS"
PROVINCES = [
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu",
    "Lampung", "Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat",
    "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Banten", "Bali", "Nusa Tenggara Barat",
    "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan",
    "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah",
    "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat", "Maluku",
    "Maluku Utara", "Papua Barat", "Papua",
]  # fmt: skip
NATIONAL_PROVINCES = 34
NATIONAL_REGENCIES = 514
QUALITY_LEVELS = 21  # answer-set quality 0.00, 0.05 … 1.00
VARIANTS = 12  # answer sets per quality level
CURRENT_STAGES = [
    (Stage.PEMBANGUNAN, 10),
    (Stage.PENILAIAN_MANDIRI, 25),
    (Stage.PENILAIAN_PENDAHULUAN, 4),
    (Stage.EVALUASI_TPI, 35),
    (Stage.PENGUSULAN, 10),
    (Stage.EVALUASI_TPN, 10),
    (Stage.KEPUTUSAN, 6),
]
PAST_STAGES = [
    (Stage.EVALUASI_TPI, 5),
    (Stage.PENGUSULAN, 5),
    (Stage.EVALUASI_TPN, 5),
    (Stage.KEPUTUSAN, 85),
]


class AlreadySeeded(Exception):
    pass


def exists() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


def reset(log: Callable[[str], None] = print) -> None:
    """Remove the benchmark instansi and everything of its units (raw deletes, no history)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    cycles = Cycle.objects.filter(unit__path__startswith=root.path)
    with transaction.atomic():
        for model in (Answer, CycleAreaScore, CycleEvent):
            deleted = model.objects.filter(cycle__in=cycles.values("pk"))._raw_delete(
                model.objects.db
            )
            log(f"  {model.__name__}: {deleted} rows removed")
        PredicateAward.objects.filter(unit__path__startswith=root.path)._raw_delete(
            PredicateAward.objects.db
        )
        for model in (BranchTally, CalibrationTally):
            model.objects.filter(unit__path__startswith=root.path)._raw_delete(model.objects.db)
        cycles._raw_delete(Cycle.objects.db)
        Unit.objects.filter(path__startswith=root.path)._raw_delete(Unit.objects.db)
    log("Benchmark data removed.")


# --------------------------------------------------------------------------
# The tree


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def build_tree(units: int, log: Callable[[str], None]) -> list[Unit]:
    """The instansi, its provincial and regency offices and UPTs. Bulk inserts, paths computed."""
    provinces = max(2, min(NATIONAL_PROVINCES, round(units * NATIONAL_PROVINCES / 10_000)))
    regencies = max(provinces, min(NATIONAL_REGENCIES, round(units * NATIONAL_REGENCIES / 10_000)))
    upts = max(0, units - 1 - provinces - regencies)
    last_root = Unit.objects.get_last_root_node()
    root_path = last_root._inc_path() if last_root else Unit._get_path(None, 1, 1)
    now = timezone.now()

    def make(path: str, code: str, name: str, kind: str, numchild: int, **extra) -> Unit:
        return Unit(
            path=path,
            depth=len(path) // Unit.steplen,
            numchild=numchild,
            code=code,
            name=name,
            kind=kind,
            created_at=now,
            updated_at=now,
            **extra,
        )

    rows = [
        make(
            root_path,
            ROOT_CODE,
            "Badan Layanan Nasional (data uji)",
            UnitKind.KEMENTERIAN_LEMBAGA,
            provinces,
            short_name="BLN",
            province="DKI Jakarta",
            regency="Jakarta Pusat",
        )
    ]
    regencies_per_province = _split(regencies, provinces)
    upts_per_regency = _split(upts, regencies)
    regency_index = 0
    for p_index in range(provinces):
        province = PROVINCES[p_index % len(PROVINCES)]
        p_path = Unit._get_path(root_path, 2, p_index + 1)
        p_code = f"{ROOT_CODE}-{p_index + 1:02d}"
        rows.append(
            make(
                p_path,
                p_code,
                f"Kantor Provinsi {province}",
                UnitKind.INSTANSI_VERTIKAL,
                regencies_per_province[p_index],
                short_name=f"Prov. {province}"[:80],
                province=province,
            )
        )
        for r_index in range(regencies_per_province[p_index]):
            regency = f"Kab./Kota {province} {r_index + 1:02d}"
            r_path = Unit._get_path(p_path, 3, r_index + 1)
            r_code = f"{p_code}-{r_index + 1:02d}"
            children = upts_per_regency[regency_index]
            regency_index += 1
            rows.append(
                make(
                    r_path,
                    r_code,
                    f"Kantor {regency}",
                    UnitKind.SATKER,
                    children,
                    province=province,
                    regency=regency,
                )
            )
            for u_index in range(children):
                rows.append(
                    make(
                        Unit._get_path(r_path, 4, u_index + 1),
                        f"{r_code}-{u_index + 1:03d}",
                        f"UPT Layanan {u_index + 1} {regency}",
                        UnitKind.UPT,
                        0,
                        province=province,
                        regency=regency,
                    )
                )
    below = Counter()
    provinces: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for length in range(Unit.steplen, len(row.path), Unit.steplen):
            below[row.path[:length]] += 1
        if row.province:
            for length in range(Unit.steplen, len(row.path) + 1, Unit.steplen):
                provinces[row.path[:length]][row.province] += 1
    for row in rows:
        row.descendant_count = below[row.path]
        row.province_counts = dict(provinces[row.path])
    Unit.objects.bulk_create(rows, batch_size=1000)
    log(f"  units: 1 instansi, {provinces} provinces, {regencies} regencies, {upts} UPT")
    return list(Unit.objects.filter(path__startswith=root_path).only("id", "path", "depth"))


# --------------------------------------------------------------------------
# Answer sets


def _answer_set(spec: scoring.CatalogSpec, rng: random.Random, quality: float) -> dict:
    """Every question answered, better options more often the higher `quality` (0..1)."""
    answers = {}
    for question in spec.questions:
        if question.options:
            keys = sorted(question.options, key=question.options.get, reverse=True)
            index = 0
            while index < len(keys) - 1 and rng.random() > quality:
                index += 1
            answers[question.code] = scoring.AnswerData(option=keys[index])
        elif question.answer_type == "nilai_0_4":
            answers[question.code] = scoring.AnswerData(
                number=round(min(4.0, 2.6 + quality * 1.3 + rng.uniform(-0.2, 0.2)), 2)
            )
        elif question.answer_type == "persentase":
            answers[question.code] = scoring.AnswerData(
                number=round(min(100.0, 50 + quality * 50 + rng.uniform(-5, 5)))
            )
        else:
            rule = question.rule
            typed = {item.key: float(rng.randint(2, 9)) for item in question.typed_inputs}
            if rule.get("kind") == "decrease":
                typed[rule["previous"]] = float(rng.randint(4, 9))
                typed[rule["current"]] = float(max(0, round((1 - quality) * 6)))
            else:
                denominator = (
                    scoring.computed_inputs(question, typed).get(rule.get("denominator"), 10) or 10
                )
                if rule.get("numerator") in typed:
                    typed[rule["numerator"]] = float(
                        min(denominator, round(denominator * (0.3 + quality * 0.7)))
                    )
            answers[question.code] = scoring.AnswerData(inputs=typed)
    return answers


class Pool:
    """Scored answer sets by quality level: the rows to insert, the summary to store, and
    what a cycle holding the set contributes to tallies and calibration."""

    def __init__(self, spec: scoring.CatalogSpec, question_ids: dict[str, int], seed: int):
        rng = random.Random(seed)
        questions = {question.code: question for question in spec.questions}
        self.question_codes = [question.code for question in spec.questions]
        self.area_codes = [area.code for area in spec.areas]
        self.sets: list[list[dict]] = []
        for level in range(QUALITY_LEVELS):
            quality = level / (QUALITY_LEVELS - 1)
            variants = []
            for _variant in range(VARIANTS):
                data = _answer_set(spec, rng, quality)
                card = scoring.score(spec, data)
                summary = selectors.summary_of(card)
                rows = []
                values = {}
                for code, answer in data.items():
                    value = scoring.question_value(questions[code], answer)
                    stored = None if value is None else round(value, 4)
                    values[code] = stored
                    rows.append(
                        (
                            question_ids[code],
                            answer.option or "",
                            None if answer.number is None else str(answer.number),
                            json.dumps(answer.inputs or {}),
                            None if stored is None else str(stored),
                        )
                    )
                area_values = {code: node["value"] for code, node in summary["areas"].items()}
                variants.append(
                    {
                        "id": len(self.sets) * VARIANTS + len(variants),
                        "rows": rows,
                        "summary": summary,
                        "summary_json": json.dumps(summary),
                        "total": Decimal(str(summary["total"])),
                        "completeness": Decimal(str(summary["completeness"])),
                        "wbk": summary["eligibility"]["wbk"]["eligible"],
                        "wbbm": summary["eligibility"]["wbbm"]["eligible"],
                        "area_values": area_values,
                        "areas": [
                            (
                                code,
                                Decimal(str(node["value"])),
                                Decimal(str(node["weight"])),
                                node["answered"],
                                node["questions"],
                            )
                            for code, node in summary["areas"].items()
                        ],
                        # Question values then area values, in ten-thousandths; -1: no value.
                        "vector": numpy.array(
                            [
                                -1 if values.get(code) is None else tallies.units(values[code])
                                for code in self.question_codes
                            ]
                            + [
                                -1 if code not in area_values else tallies.units(area_values[code])
                                for code in self.area_codes
                            ],
                            dtype=numpy.int64,
                        ),
                    }
                )
            self.sets.append(variants)
        self._pairs: dict[tuple[int, int], numpy.ndarray] = {}

    def pick(self, rng: random.Random, quality: float) -> dict:
        level = max(0, min(QUALITY_LEVELS - 1, round(quality * (QUALITY_LEVELS - 1))))
        return rng.choice(self.sets[level])

    def pair_sums(self, first: dict, second: dict) -> numpy.ndarray:
        """[pairs, Σfirst, Σsecond, Σ|first−second|, over, under] × item, for two layers' sets."""
        key = (first["id"], second["id"])
        found = self._pairs.get(key)
        if found is None:
            a, b = first["vector"], second["vector"]
            valid = ((a >= 0) & (b >= 0)).astype(numpy.int64)
            found = numpy.stack(
                [
                    valid,
                    a * valid,
                    b * valid,
                    numpy.abs(a - b) * valid,
                    (a > b) * valid,
                    (a < b) * valid,
                ]
            )
            self._pairs[key] = found
        return found

    def items(self) -> list[tuple[str, str]]:
        """(kind, code) of each position of a set's vector."""
        return [(CalibrationTally.QUESTION, code) for code in self.question_codes] + [
            (CalibrationTally.AREA, code) for code in self.area_codes
        ]


# --------------------------------------------------------------------------
# Writing rows fast: COPY on PostgreSQL, executemany on SQLite


def _write(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


class Table:
    """Rows of a model written with every column: defaults once, the varying ones per row."""

    def __init__(self, model, varying: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = [field for field in model._meta.concrete_fields]
        self.columns = [field.column for field in fields]
        self.varying = [self.columns.index(model._meta.get_field(name).column) for name in varying]
        self.template = []
        for field in fields:
            if field.primary_key or field.name in varying:
                self.template.append(None)
                continue
            value = field.get_default()
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
            elif isinstance(field, models.DateTimeField):
                stamped = field.auto_now or field.auto_now_add or field.has_default()
                value = connection.ops.adapt_datetimefield_value(NOW) if stamped else None
            elif isinstance(field, models.DateField):
                value = connection.ops.adapt_datefield_value(value)
            elif isinstance(value, Decimal):
                value = str(value)
            self.template.append(value)
        self.rows: list[tuple] = []
        self.next_id = (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        self.pk_index = self.columns.index(model._meta.pk.column)

    def add(self, *values) -> int:
        row = list(self.template)
        for index, value in zip(self.varying, values, strict=True):
            row[index] = value
        pk = self.next_id
        self.next_id += 1
        row[self.pk_index] = pk
        self.rows.append(tuple(row))
        return pk

    def flush(self) -> int:
        written = len(self.rows)
        _write(self.table, self.columns, self.rows)
        self.rows = []
        return written


def _reset_sequences(*model_classes) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(model_classes)):
            cursor.execute(sql)


# --------------------------------------------------------------------------
# Cycles, answers, awards, tallies


NOW = timezone.now()


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _stage_index(stage: str) -> int:
    return list(Stage.values).index(stage)


class _Plan(NamedTuple):
    unit: Unit
    stage: str
    self_set: dict
    tpi_set: dict
    tpn_set: dict | None


def _flat(figures: dict, prefix: tuple = ()) -> dict[tuple, int]:
    """A nested tally dict as {(key, key, …): number}, for fast adding with Counter."""
    result = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            result.update(_flat(value, (*prefix, key)))
        else:
            result[(*prefix, key)] = value
    return result


def _nested(flat: dict[tuple, int]) -> dict:
    result: dict = {}
    for keys, value in flat.items():
        if not value:
            continue
        node = result
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return result


def seed(
    *,
    units: int = 10_000,
    years: int = 3,
    seed: int = 2026,
    answers: str = "auto",
    log: Callable[[str], None] = print,
) -> dict:
    """Build the dataset. Refuses when it exists (AlreadySeeded). Returns counts.

    `answers`: "all" (every cycle's answers), "sample" (the cycles of the first
    province and of the instansi itself: what the benchmark opens), or "auto"
    (all up to 20,000 units, else the sample). Dashboards and calibration read
    the tallies written here either way; answers feed the pages of one cycle.
    """
    if exists():
        raise AlreadySeeded
    started = time.perf_counter()
    framework = Framework.objects.current()
    spec = selectors.catalog_spec(framework)
    question_ids = dict(framework.questions.filter(is_active=True).values_list("code", "id"))
    rng = random.Random(seed)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")  # a scratch dataset: speed over durability

    with transaction.atomic():
        tree = build_tree(units, log)
    log(f"  tree built in {time.perf_counter() - started:.1f} s")
    pool = Pool(spec, question_ids, seed)
    log(f"  {QUALITY_LEVELS * VARIANTS} answer sets scored ({time.perf_counter() - started:.1f} s)")
    if answers == "auto":
        answers = "all" if units <= 20_000 else "sample"
    sample_prefix = tree[1].path if len(tree) > 1 else tree[0].path  # the first province

    def answered(unit: Unit) -> bool:
        return answers == "all" or unit.depth == 1 or unit.path.startswith(sample_prefix)

    this_year = timezone.localdate().year
    # Each unit has a base quality; each province a habit of over-scoring itself.
    province_bias = {path: rng.uniform(0.0, 0.18) for path in {u.path[:8] for u in tree}}
    base = {u.pk: min(0.95, max(0.2, rng.gauss(0.62, 0.15))) for u in tree}
    counts = {"units": len(tree), "cycles": 0, "answers": 0, "area_scores": 0, "awards": 0}
    by_depth = sorted(tree, key=lambda unit: -unit.depth)
    item_keys = pool.items()
    awarded: set[int] = set()
    cycles = Table(
        Cycle,
        [
            "unit", "framework", "work_plan_framework", "year", "target", "stage",
            "fill_opens", "fill_closes", "review_opens", "review_closes", "submitted_at",
            "tpi_finalised_at", "decision", "decided_at", "self_total", "self_completeness",
            "self_wbk_eligible", "self_wbbm_eligible", "tpi_total", "tpi_completeness",
            "tpi_wbk_eligible", "tpi_wbbm_eligible", "tpn_total", "tpn_completeness",
            "tpn_wbk_eligible", "tpn_wbbm_eligible", "summaries", "work_plan_percent", "tallied",
        ],
    )  # fmt: skip
    answer_columns = [
        "cycle_id", "question_id", "layer", "option", "number", "inputs", "value", "note",
        "version", "updated_by_id", "updated_at",
    ]  # fmt: skip
    score_columns = [
        "cycle_id", "layer", "area_code", "value", "weight", "answered", "questions",
    ]  # fmt: skip
    events = Table(CycleEvent, ["cycle", "action", "stage_before", "stage_after"])
    awards = Table(
        PredicateAward,
        ["unit", "predicate", "cycle", "year", "decree_number", "decree_date", "revoked_on", "revocation_decree"],
    )  # fmt: skip
    branch_rows, calibration_rows = [], []
    now = connection.ops.adapt_datetimefield_value(NOW)

    def day(value: datetime.date):
        return connection.ops.adapt_datefield_value(value)

    for year in range(this_year - years + 1, this_year + 1):
        year_started = time.perf_counter()
        current = year == this_year
        plans = []
        for unit in tree:
            quality = min(1.0, base[unit.pk] + 0.04 * (year - this_year + years - 1))
            stage = _weighted(rng, CURRENT_STAGES if current else PAST_STAGES)
            self_set = pool.pick(
                rng, quality + province_bias[unit.path[:8]] + rng.uniform(-0.05, 0.05)
            )
            tpi_set = pool.pick(rng, quality + rng.uniform(-0.05, 0.05))
            tpn_set = None
            if _stage_index(stage) >= _stage_index(Stage.EVALUASI_TPN) and tpi_set["wbk"]:
                tpn_set = pool.pick(rng, quality + rng.uniform(-0.08, 0.03))
            plans.append(_Plan(unit, stage, self_set, tpi_set, tpn_set))
        own: dict[str, dict[tuple, int]] = {}
        own_pairs: dict[str, dict[str, numpy.ndarray]] = {}
        for start in range(0, len(plans), 5000):
            batch = plans[start : start + 5000]
            answer_rows, score_rows = [], []
            with transaction.atomic():
                for plan in batch:
                    unit, stage, self_set, tpi_set, tpn_set = plan
                    submitted = _stage_index(stage) >= _stage_index(Stage.PENILAIAN_PENDAHULUAN)
                    finalised = _stage_index(stage) >= _stage_index(Stage.PENGUSULAN)
                    decision = ""
                    if stage == Stage.KEPUTUSAN:
                        decision = (
                            Decision.AWARDED if tpn_set and tpn_set["wbk"] else Decision.NOT_AWARDED
                        )
                    layers = [(Layer.SELF, self_set), (Layer.TPI, tpi_set)]
                    if tpn_set:
                        layers.append((Layer.TPN, tpn_set))
                    summaries = (
                        "{"
                        + ", ".join(
                            f'"{layer}": {chosen["summary_json"]}' for layer, chosen in layers
                        )
                        + "}"
                    )
                    # A reviewer layer's figures count once final (LAYER_FINAL_FIELD): its
                    # columns, area rows and share of the tallies are written only then.
                    decided = bool(tpn_set and decision)
                    shape = SimpleNamespace(
                        stage=stage,
                        self_total=self_set["total"],
                        self_wbk_eligible=self_set["wbk"],
                        self_wbbm_eligible=self_set["wbbm"],
                        tpi_total=tpi_set["total"] if finalised else None,
                        tpi_wbk_eligible=tpi_set["wbk"] if finalised else None,
                        tpi_wbbm_eligible=tpi_set["wbbm"] if finalised else None,
                        tpn_total=tpn_set["total"] if decided else None,
                        tpn_wbk_eligible=tpn_set["wbk"] if decided else None,
                        tpn_wbbm_eligible=tpn_set["wbbm"] if decided else None,
                        tpi_finalised_at=NOW if finalised else None,
                        decided_at=NOW if decision else None,
                    )
                    figures = tallies.contribution(
                        shape, {layer: chosen["area_values"] for layer, chosen in layers}
                    )
                    pairs = tallies.finished_pairs(shape)
                    tallied = {"branch": figures, **({"pairs": pairs} if pairs else {})}
                    own[unit.path] = _flat(figures)
                    chosen = dict(layers)
                    sums = {
                        pair: pool.pair_sums(chosen[first], chosen[second])
                        for pair in pairs
                        for first, second in [tallies.PAIR_LAYERS[pair]]
                        if first in chosen and second in chosen
                    }
                    if sums:
                        own_pairs[unit.path] = sums
                    target = "wbbm" if unit.pk in awarded else "wbk"
                    cycle_id = cycles.add(
                        unit.pk, framework.pk, framework.pk, year, target, stage,
                        day(datetime.date(year, 2, 1)), day(datetime.date(year, 5, 31)),
                        day(datetime.date(year, 6, 1)), day(datetime.date(year, 7, 31)),
                        now if submitted else None, now if finalised else None,
                        decision, now if decision else None,
                        str(self_set["total"]), str(self_set["completeness"]),
                        self_set["wbk"], self_set["wbbm"],
                        str(tpi_set["total"]) if finalised else None,
                        str(tpi_set["completeness"]) if finalised else None,
                        tpi_set["wbk"] if finalised else None,
                        tpi_set["wbbm"] if finalised else None,
                        str(tpn_set["total"]) if decided else None,
                        str(tpn_set["completeness"]) if decided else None,
                        tpn_set["wbk"] if decided else None,
                        tpn_set["wbbm"] if decided else None,
                        summaries, str(rng.randint(0, 100)), json.dumps(tallied),
                    )  # fmt: skip
                    for layer, chosen in layers:
                        if answered(unit):
                            answer_rows.extend(
                                (
                                    cycle_id,
                                    qid,
                                    layer,
                                    option,
                                    number,
                                    inputs,
                                    value,
                                    "",
                                    1,
                                    None,
                                    now,
                                )
                                for qid, option, number, inputs, value in chosen["rows"]
                            )
                        if not tallies.counts_layer(shape, layer):
                            continue  # the layer's per-area rows are written once it counts
                        score_rows.extend(
                            (cycle_id, layer, code, str(value), str(weight), done, questions)
                            for code, value, weight, done, questions in chosen["areas"]
                        )
                    events.add(cycle_id, "cycle_open", "", Stage.PEMBANGUNAN)
                    if submitted:
                        events.add(cycle_id, "submit", Stage.PENILAIAN_MANDIRI, Stage.EVALUASI_TPI)
                    if finalised:
                        events.add(cycle_id, "finalise_tpi", Stage.EVALUASI_TPI, Stage.PENGUSULAN)
                    if decision:
                        events.add(cycle_id, "decide", Stage.EVALUASI_TPN, Stage.KEPUTUSAN)
                    if decision == Decision.AWARDED:
                        revoked = rng.random() < 0.02 and not current
                        awards.add(
                            unit.pk,
                            target,
                            cycle_id,
                            year,
                            f"KEP/{rng.randint(100, 999)}/M.PANRB/{year}",
                            day(datetime.date(year, 12, 10)),
                            day(datetime.date(year + 1, 6, 1)) if revoked else None,
                            f"KEP/{rng.randint(100, 999)}/M.PANRB/{year + 1}" if revoked else "",
                        )
                        if not revoked:
                            awarded.add(unit.pk)
                counts["cycles"] += cycles.flush()
                _write(Answer._meta.db_table, answer_columns, answer_rows)
                _write(CycleAreaScore._meta.db_table, score_columns, score_rows)
                events.flush()
                counts["awards"] += awards.flush()
            counts["answers"] += len(answer_rows)
            counts["area_scores"] += len(score_rows)
            log(
                f"  {year}: {start + len(batch)}/{len(plans)} cycles "
                f"({counts['answers']:,} answers so far, {time.perf_counter() - started:.0f} s)"
            )
        # Tallies: each unit's own cycle into its parent, then each subtree into the one above.
        below: dict[str, Counter] = defaultdict(Counter)
        below_pairs: dict[str, dict[str, numpy.ndarray]] = defaultdict(dict)
        for unit in by_depth:
            parent = unit.path[: -Unit.steplen]
            if not parent:
                continue
            below[parent].update(own.get(unit.path, {}))
            below[parent].update(below.get(unit.path, {}))
            for source in (own_pairs.get(unit.path, {}), below_pairs.get(unit.path, {})):
                for pair, sums in source.items():
                    total = below_pairs[parent].get(pair)
                    below_pairs[parent][pair] = sums.copy() if total is None else total + sums
        ids = {unit.path: unit.pk for unit in tree}
        for path, flat in below.items():
            branch_rows.append((ids[path], framework.pk, year, json.dumps(_nested(flat))))
        for path, by_pair in below_pairs.items():
            for pair, sums in by_pair.items():
                for index, (kind, code) in enumerate(item_keys):
                    if sums[0, index]:
                        calibration_rows.append(
                            (ids[path], framework.pk, year, pair, kind, code,
                             *(int(value) for value in sums[:, index]))
                        )  # fmt: skip
        log(f"  year {year} done in {time.perf_counter() - year_started:.1f} s")
    with transaction.atomic():
        _write(
            BranchTally._meta.db_table, ["unit_id", "framework_id", "year", "figures"], branch_rows
        )
        _write(
            CalibrationTally._meta.db_table,
            [
                "unit_id", "framework_id", "year", "pair", "kind", "code", "pairs",
                "sum_first", "sum_second", "sum_absolute", "over", "under",
            ],
            calibration_rows,
        )  # fmt: skip
        _reset_sequences(
            Cycle, Answer, CycleAreaScore, CycleEvent, PredicateAward, BranchTally, CalibrationTally
        )
    counts["tallies"] = len(branch_rows) + len(calibration_rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
