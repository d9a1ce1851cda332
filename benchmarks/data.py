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
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from change_areas import scoring, selectors
from change_areas.models import (
    Answer,
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
    """Scored answer sets by quality level: the rows to insert and the summary to store."""

    def __init__(self, spec: scoring.CatalogSpec, question_ids: dict[str, int], seed: int):
        rng = random.Random(seed)
        questions = {question.code: question for question in spec.questions}
        self.sets: list[list[dict]] = []
        for level in range(QUALITY_LEVELS):
            quality = level / (QUALITY_LEVELS - 1)
            variants = []
            for _variant in range(VARIANTS):
                data = _answer_set(spec, rng, quality)
                card = scoring.score(spec, data)
                summary = selectors.summary_of(card)
                rows = []
                for code, answer in data.items():
                    value = scoring.question_value(questions[code], answer)
                    rows.append(
                        (
                            question_ids[code],
                            answer.option or "",
                            None if answer.number is None else str(answer.number),
                            json.dumps(answer.inputs or {}),
                            None if value is None else str(round(value, 4)),
                        )
                    )
                variants.append(
                    {
                        "rows": rows,
                        "summary": summary,
                        "total": Decimal(str(summary["total"])),
                        "completeness": Decimal(str(summary["completeness"])),
                        "wbk": summary["eligibility"]["wbk"]["eligible"],
                        "wbbm": summary["eligibility"]["wbbm"]["eligible"],
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
                    }
                )
            self.sets.append(variants)

    def pick(self, rng: random.Random, quality: float) -> dict:
        level = max(0, min(QUALITY_LEVELS - 1, round(quality * (QUALITY_LEVELS - 1))))
        return rng.choice(self.sets[level])


# --------------------------------------------------------------------------
# Cycles, answers, awards


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _stage_index(stage: str) -> int:
    return list(Stage.values).index(stage)


def seed(
    *, units: int = 10_000, years: int = 3, seed: int = 2026, log: Callable[[str], None] = print
) -> dict:
    """Build the dataset. Refuses when it exists (AlreadySeeded). Returns counts."""
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

    this_year = timezone.localdate().year
    # Each unit has a base quality; each province a habit of over-scoring itself.
    province_bias = {path: rng.uniform(0.0, 0.18) for path in {u.path[:8] for u in tree}}
    base = {u.pk: min(0.95, max(0.2, rng.gauss(0.62, 0.15))) for u in tree}
    counts = {"units": len(tree), "cycles": 0, "answers": 0, "area_scores": 0, "awards": 0}
    answer_table = Answer._meta.db_table
    score_table = CycleAreaScore._meta.db_table
    insert_answer = (
        f'INSERT INTO {answer_table} (cycle_id, question_id, layer, "option", number, inputs, '
        "value, note, version, updated_by_id, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, '', 1, NULL, %s)"
    )
    insert_score = (
        f"INSERT INTO {score_table} (cycle_id, layer, area_code, value, weight, answered, questions) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    now = timezone.now()
    awarded: set[int] = set()
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
            plans.append((unit, stage, self_set, tpi_set, tpn_set))
        for start in range(0, len(plans), 2000):
            batch = plans[start : start + 2000]
            with transaction.atomic():
                cycles = []
                for unit, stage, self_set, tpi_set, tpn_set in batch:
                    submitted = _stage_index(stage) >= _stage_index(Stage.PENILAIAN_PENDAHULUAN)
                    finalised = _stage_index(stage) >= _stage_index(Stage.PENGUSULAN)
                    summaries = {Layer.SELF: self_set["summary"], Layer.TPI: tpi_set["summary"]}
                    decision = ""
                    if stage == Stage.KEPUTUSAN:
                        decision = (
                            Decision.AWARDED if tpn_set and tpn_set["wbk"] else Decision.NOT_AWARDED
                        )
                    fields = {}
                    if finalised:  # a reviewer layer's figures count once final (LAYER_FINAL_FIELD)
                        fields = {
                            "tpi_total": tpi_set["total"],
                            "tpi_completeness": tpi_set["completeness"],
                            "tpi_wbk_eligible": tpi_set["wbk"],
                            "tpi_wbbm_eligible": tpi_set["wbbm"],
                        }
                    if tpn_set:
                        summaries[Layer.TPN] = tpn_set["summary"]
                    if tpn_set and decision:
                        fields |= {
                            "tpn_total": tpn_set["total"],
                            "tpn_completeness": tpn_set["completeness"],
                            "tpn_wbk_eligible": tpn_set["wbk"],
                            "tpn_wbbm_eligible": tpn_set["wbbm"],
                        }
                    cycles.append(
                        Cycle(
                            unit_id=unit.pk,
                            framework=framework,
                            work_plan_framework=framework,
                            year=year,
                            target="wbbm" if unit.pk in awarded else "wbk",
                            stage=stage,
                            fill_opens=datetime.date(year, 2, 1),
                            fill_closes=datetime.date(year, 5, 31),
                            review_opens=datetime.date(year, 6, 1),
                            review_closes=datetime.date(year, 7, 31),
                            submitted_at=now if submitted else None,
                            tpi_finalised_at=now if finalised else None,
                            decision=decision,
                            decided_at=now if decision else None,
                            self_total=self_set["total"],
                            self_completeness=self_set["completeness"],
                            self_wbk_eligible=self_set["wbk"],
                            self_wbbm_eligible=self_set["wbbm"],
                            summaries=summaries,
                            work_plan_percent=Decimal(rng.randint(0, 100)),
                            **fields,
                        )
                    )
                Cycle.objects.bulk_create(cycles, batch_size=500)
                answer_rows, score_rows, events, awards = [], [], [], []
                for cycle, (unit, stage, self_set, tpi_set, tpn_set) in zip(
                    cycles, batch, strict=True
                ):
                    for layer, chosen in (
                        (Layer.SELF, self_set),
                        (Layer.TPI, tpi_set),
                        (Layer.TPN, tpn_set),
                    ):
                        if chosen is None:
                            continue
                        answer_rows.extend(
                            (cycle.pk, qid, layer, option, number, inputs, value, now)
                            for qid, option, number, inputs, value in chosen["rows"]
                        )
                        if not cycle.layer_counts(layer):
                            continue  # the layer's per-area rows are written once it counts
                        score_rows.extend(
                            (cycle.pk, layer, code, str(value), str(weight), answered, questions)
                            for code, value, weight, answered, questions in chosen["areas"]
                        )
                    events.append(
                        CycleEvent(
                            cycle=cycle,
                            action="cycle_open",
                            stage_after=Stage.PEMBANGUNAN,
                            created_at=now,
                        )
                    )
                    if _stage_index(stage) >= _stage_index(Stage.PENILAIAN_PENDAHULUAN):
                        events.append(
                            CycleEvent(
                                cycle=cycle,
                                action="submit",
                                stage_before=Stage.PENILAIAN_MANDIRI,
                                stage_after=Stage.EVALUASI_TPI,
                                created_at=now,
                            )
                        )
                    if _stage_index(stage) >= _stage_index(Stage.PENGUSULAN):
                        events.append(
                            CycleEvent(
                                cycle=cycle,
                                action="finalise_tpi",
                                stage_before=Stage.EVALUASI_TPI,
                                stage_after=Stage.PENGUSULAN,
                                created_at=now,
                            )
                        )
                    if cycle.decision:
                        events.append(
                            CycleEvent(
                                cycle=cycle,
                                action="decide",
                                stage_before=Stage.EVALUASI_TPN,
                                stage_after=Stage.KEPUTUSAN,
                                created_at=now,
                            )
                        )
                    if cycle.decision == Decision.AWARDED:
                        revoked = rng.random() < 0.02 and not current
                        awards.append(
                            PredicateAward(
                                unit_id=unit.pk,
                                predicate=cycle.target,
                                cycle=cycle,
                                year=year,
                                decree_number=f"KEP/{rng.randint(100, 999)}/M.PANRB/{year}",
                                decree_date=datetime.date(year, 12, 10),
                                revoked_on=datetime.date(year + 1, 6, 1) if revoked else None,
                                revocation_decree=f"KEP/{rng.randint(100, 999)}/M.PANRB/{year + 1}"
                                if revoked
                                else "",
                            )
                        )
                        if not revoked:
                            awarded.add(unit.pk)
                with connection.cursor() as cursor:
                    for chunk in range(0, len(answer_rows), 50_000):
                        cursor.executemany(insert_answer, answer_rows[chunk : chunk + 50_000])
                    cursor.executemany(insert_score, score_rows)
                CycleEvent.objects.bulk_create(events, batch_size=2000)
                PredicateAward.objects.bulk_create(awards, batch_size=1000)
            counts["cycles"] += len(cycles)
            counts["answers"] += len(answer_rows)
            counts["area_scores"] += len(score_rows)
            counts["awards"] += len(awards)
            log(
                f"  {year}: {start + len(batch)}/{len(plans)} cycles "
                f"({counts['answers']:,} answers so far, {time.perf_counter() - started:.0f} s)"
            )
        log(f"  year {year} done in {time.perf_counter() - year_started:.1f} s")
    if connection.vendor == "sqlite" or connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts
