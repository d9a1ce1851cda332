"""Demo programmes: cycles at different stages with plausible answers, evidence and work plans.

Deterministic (fixed random seeds) and idempotent: a unit that already has
its demo cycle is left alone. Windows are set around the day of seeding so
the demo is open for filling when `make run` first shows it.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import scoring, selectors, services, tallies
from change_areas.models import (
    Area,
    Comment,
    Cycle,
    CycleEvent,
    DocumentType,
    Evidence,
    Framework,
    Layer,
    Prerequisite,
    Stage,
    WorkPlanStatus,
)
from lib.pdf import render_pdf
from units.models import Unit, User

# This year's cycles and campaign use the LKE as evaluated in 2026; Medan's cycle of last
# year ran on the 2021 text, so its two years compare across versions (by the code map).
FRAMEWORK = "permenpan-rb-90-2021-lke-2026"
PREVIOUS_FRAMEWORK = "permenpan-rb-90-2021"


def _answers(spec: scoring.CatalogSpec, *, seed: int, quality: float, coverage: float) -> dict:
    """Plausible answers: better options more often the higher `quality` (0..1)."""
    rng = random.Random(seed)
    answers = {}
    for question in spec.questions:
        if rng.random() > coverage and not question.code.startswith("B."):
            continue
        if question.options:
            keys = sorted(question.options, key=question.options.get, reverse=True)
            index = 0
            while index < len(keys) - 1 and rng.random() > quality:
                index += 1
            answers[question.code] = (scoring.AnswerData(option=keys[index]), "")
        elif question.answer_type == "nilai_0_4":
            answers[question.code] = (
                scoring.AnswerData(number=round(3.2 + quality * 0.6 - rng.random() * 0.3, 2)),
                "",
            )
        elif question.range:
            low, high = question.range
            answers[question.code] = (
                scoring.AnswerData(number=round(low + (high - low) * (0.7 + quality * 0.3))),
                "",
            )
        else:
            # counts whose rule (whatever the catalog writes) gives about `quality`
            wanted = min(1.0, 0.6 + quality * 0.4 - rng.random() * 0.2)
            samples = [s for s in scoring.input_samples(question) if sum(s[1].values())]
            _value, typed = min(samples, key=lambda s: (abs(s[0] - wanted), rng.random()))
            answers[question.code] = (scoring.AnswerData(inputs=typed), "")
    return answers


def _evidence(unit: Unit, title: str, document_type: str, by: User | None) -> Evidence:
    existing = Evidence.objects.filter(unit=unit, title=title).first()
    if existing:
        return existing
    rendered = render_pdf(
        "pdf/demo_evidence.html", {"unit": unit, "title": title}, filename=f"{title}.pdf"
    )
    upload = ContentFile(rendered.content, name=f"{title}.pdf")
    return services.evidence_upload(
        unit=unit, uploaded_file=upload, title=title, document_type=document_type, by=by
    )


WORK_PLAN = [
    ("A.MP", "Membentuk Tim Kerja Pembangunan ZI dengan SK Kepala", 100, -90, -60),
    ("A.MP", "Sosialisasi pembangunan ZI kepada seluruh pegawai dan mitra statistik", 75, -60, 20),
    ("A.TL", "Menyusun peta proses bisnis dan SOP layanan statistik terpadu", 40, -45, -5),
    (
        "A.SDM",
        "Menetapkan sasaran kinerja pegawai yang selaras dengan perjanjian kinerja",
        60,
        -60,
        30,
    ),
    ("A.PW", "Menerapkan pengendalian gratifikasi dan whistle-blowing system", 30, -30, 45),
    ("A.PP", "Meluncurkan layanan konsultasi statistik daring (PST online)", 90, -120, 10),
]


@transaction.atomic
def seed(log=print) -> bool:
    framework = Framework.objects.filter(code=FRAMEWORK).first()
    previous = Framework.objects.filter(code=PREVIOUS_FRAMEWORK).first()
    if framework is None or previous is None:
        log(_("Siklus demo dilewati: muat katalog lebih dahulu (python manage.py load_catalogs)."))
        return False
    units = {
        unit.code: unit
        for unit in Unit.objects.filter(code__in=["BPS", "BPS-9171", "BPS-1275", "POLMAN"])
    }
    if len(units) < 4:
        log(_("Siklus demo dilewati: unit demo belum ada."))
        return False
    coordinator = User.objects.filter(username="koordinator").first()
    staff = User.objects.filter(username="staf").first()
    admin = User.objects.filter(username="admin").first()
    today = timezone.localdate()
    year = today.year
    created = False
    spec = selectors.catalog_spec(framework)

    sorong = units["BPS-9171"]
    if not Cycle.objects.filter(unit=sorong, year=year, framework=framework).exists():
        cycle = services.cycle_open(
            unit=sorong,
            framework=framework,
            year=year,
            target="wbk",
            fill_opens=today - datetime.timedelta(days=120),
            fill_closes=today + datetime.timedelta(days=30),
            review_opens=today + datetime.timedelta(days=31),
            review_closes=today + datetime.timedelta(days=75),
        )
        cycle.stage = Stage.PENILAIAN_MANDIRI
        cycle.save(update_fields=["stage"])
        tallies.follow(cycle)
        CycleEvent.objects.create(
            cycle=cycle,
            action="self_assessment_start",
            stage_before=Stage.PEMBANGUNAN,
            stage_after=cycle.stage,
            actor=coordinator,
        )
        services.answers_save_many(
            cycle=cycle,
            layer=Layer.SELF,
            answers=_answers(spec, seed=9171, quality=0.8, coverage=0.85),
            by=staff,
            reason="seed_demo",
            spec=spec,
        )
        documents = [
            _evidence(
                sorong, "SK Tim Kerja Pembangunan ZI BPS Kota Sorong", DocumentType.SK, coordinator
            ),
            _evidence(
                sorong, f"Rencana Kerja Pembangunan ZI {year}", DocumentType.RENCANA, coordinator
            ),
            _evidence(
                sorong, "Notulen Sosialisasi ZI dan Daftar Hadir", DocumentType.NOTULEN, staff
            ),
            _evidence(
                sorong, "Laporan Survei Kepuasan Masyarakat Semester I", DocumentType.SURVEI, staff
            ),
        ]
        for code, document in zip(
            ["A.MP.PMN.i.a", "A.MP.PMN.ii.a", "A.MP.PMN.ii.c", "A.PP.PMN.iv.a"],
            documents,
            strict=False,
        ):
            question = framework.questions.filter(code=code).first()
            if question:
                services.answer_evidence_set(
                    cycle=cycle, question=question, evidence=document, attach=True
                )
        areas = {area.code: area for area in Area.objects.filter(framework=framework)}
        for index, (area, title, percent, start, due) in enumerate(WORK_PLAN):
            item = services.work_plan_item_save(
                cycle=cycle,
                area=areas[area],
                title=title,
                assignee=[coordinator, staff][index % 2],
                start_date=today + datetime.timedelta(days=start),
                due_date=today + datetime.timedelta(days=due),
                status=WorkPlanStatus.PLANNED,
                percent=0,
                created_by=coordinator,
            )
            if percent:
                services.progress_entry_add(
                    item=item,
                    note="Kemajuan dicatat dari rapat evaluasi bulanan tim ZI.",
                    percent=percent,
                    date=today - datetime.timedelta(days=7 + index),
                    evidence=documents[2] if index == 1 else None,
                    by=staff,
                )
        _prerequisites(cycle, instansi=units["BPS"], by=admin)
        _assignments(cycle, areas, coordinator=coordinator, staff=staff, today=today)
        created = True

    medan = units["BPS-1275"]
    if not Cycle.objects.filter(unit=medan, year=year, framework=framework).exists():
        _medan(medan, framework, spec, previous=previous, year=year, today=today)
        created = True

    polman = units["POLMAN"]
    if not Cycle.objects.filter(
        unit__path__startswith=polman.path, year=year, framework=framework
    ).exists():
        campaign, _count, _skipped = services.campaign_open(
            root=polman,
            framework=framework,
            year=year,
            name=f"Pembangunan ZI Kabupaten Polewali Mandar {year}",
            fill_opens=today - datetime.timedelta(days=60),
            fill_closes=today + datetime.timedelta(days=45),
            review_opens=today + datetime.timedelta(days=46),
            review_closes=today + datetime.timedelta(days=90),
            by=admin,
        )
        for cycle, (quality, coverage) in zip(
            Cycle.objects.filter(campaign=campaign)
            .select_related("unit", "framework")
            .order_by("unit__path"),
            [(0.5, 0.4), (0.6, 0.3), (0.55, 0.5), (0.85, 0.9), (0.45, 0.2)],
            strict=False,
        ):
            services.answers_save_many(
                cycle=cycle,
                layer=Layer.SELF,
                answers=_answers(spec, seed=cycle.unit.pk, quality=quality, coverage=coverage),
                reason="seed_demo",
                spec=spec,
            )
        created = True
    log(
        _("Siklus, jawaban, bukti dukung dan rencana kerja demo: dibuat.")
        if created
        else _("Siklus, jawaban, bukti dukung dan rencana kerja demo: sudah ada, tidak diubah.")
    )
    return created


def _assignments(cycle: Cycle, areas: dict, *, coordinator, staff, today) -> None:
    """The coordinator shares out the change areas (when the demo people exist)."""
    if coordinator is None or staff is None:
        return
    for code, person, days in (
        ("A.MP", staff, 14),
        ("A.TL", staff, 21),
        ("A.SDM", coordinator, 21),
        ("A.AK", coordinator, 28),
        ("A.PW", staff, -3),
        ("A.PP", coordinator, 28),
    ):
        services.assignment_set(
            cycle=cycle,
            area=areas[code],
            assignee=person,
            due_date=today + datetime.timedelta(days=days),
            by=coordinator,
        )


def _prerequisites(cycle: Cycle, *, instansi: Unit, by, **overrides: str) -> None:
    values = {
        "opini-bpk": "WTP",
        "predikat-sakip": "A",
        "indeks-rb": "A",
        "maturitas-spip": "3",
        "layanan-inti": "ya",
        "dampak-persepsi": "ya",
        "tlhp": "100",
        "lhkpn-lhkasn": "96",
        "sakip-unit": "BB",
        "lama-membangun": "5",  # pencanangan on 10 June 2021
        **{code.replace("_", "-"): value for code, value in overrides.items()},
    }
    for prerequisite in Prerequisite.objects.filter(framework=cycle.framework, code__in=values):
        services.prerequisite_record_save(
            cycle=cycle, prerequisite=prerequisite, value=values[prerequisite.code], by=None
        )


def _medan(
    medan: Unit,
    framework: Framework,
    spec,
    *,
    previous: Framework,
    year: int,
    today: datetime.date,
) -> None:
    """BPS Kota Medan: Menuju WBK awarded last year (on the 2021 LKE), now reviewed by the
    TPI toward Menuju WBBM on this year's version."""
    last = services.cycle_open(unit=medan, framework=previous, year=year - 1, target="wbk")
    last_spec = selectors.catalog_spec(previous)
    services.answers_save_many(
        cycle=last,
        layer=Layer.SELF,
        answers=_answers(last_spec, seed=1274, quality=0.9, coverage=1.0),
        reason="seed_demo",
        spec=last_spec,
    )
    services.answers_save_many(
        cycle=last,
        layer=Layer.SELF,
        answers={
            "B.BBA.a.1": (scoring.AnswerData(number=3.72), "Survei eksternal IPAK"),
            "B.BBA.b.1": (scoring.AnswerData(option="A"), ""),
            "B.PPP.a.1": (scoring.AnswerData(number=3.68), "Survei eksternal IPKP"),
        },
        reason="seed_demo",
        spec=last_spec,
    )
    _prerequisites(
        last, instansi=Unit.objects.get(code="BPS"), by=None, lhkpn_lhkasn="100", lama_membangun="2"
    )
    services.cycle_submit(cycle=last, by=None)
    # last year's cycle is on last year's LKE: its recommendations name that version's areas
    areas = {area.code: area for area in Area.objects.filter(framework=previous)}
    for code, text in (
        ("A.PP", "Perluas kanal pengaduan daring dan umumkan tindak lanjutnya setiap triwulan."),
        ("A.PW", "Terapkan whistle-blowing system di seluruh bidang, lengkap dengan laporannya."),
    ):
        services.recommendation_add(
            cycle=last, layer=Layer.TPI, area=areas[code], text=text, by=None
        )
    services.review_accept_open(
        cycle=last, layer=Layer.TPI, area_codes=[area.code for area in last_spec.areas], by=None
    )
    services.cycle_finalise_tpi(cycle=last, by=None)
    bps = Unit.objects.get(code="BPS")
    sptjm = _evidence(bps, f"SPTJM Kepala BPS {year - 1}", DocumentType.SK, None)
    services.proposal_create(
        instansi=bps,
        year=year - 1,
        letter_number=f"B-{year - 1}/BPS/1000/05 (contoh)",
        letter_date=datetime.date(year - 1, 5, 28),
        sptjm=sptjm,
        cycles=[last],
        by=None,
    )
    services.cycle_decide(
        cycle=Cycle.objects.get(pk=last.pk),
        decision="diberikan",
        decree_number=f"Keputusan Menteri PANRB Nomor 901 Tahun {year - 1} (contoh)",
        decree_date=datetime.date(year - 1, 12, 10),
        by=None,
    )
    cycle = services.cycle_open(
        unit=medan,
        framework=framework,
        year=year,
        target="wbbm",
        fill_opens=today - datetime.timedelta(days=150),
        fill_closes=today - datetime.timedelta(days=10),
        review_opens=today - datetime.timedelta(days=9),
        review_closes=today + datetime.timedelta(days=5),
    )
    services.answers_save_many(
        cycle=cycle,
        layer=Layer.SELF,
        answers=_answers(spec, seed=1275, quality=0.92, coverage=1.0),
        reason="seed_demo",
        spec=spec,
    )
    services.cycle_submit(cycle=cycle, by=None)
    services.review_accept_open(
        cycle=cycle, layer=Layer.TPI, area_codes=["A.MP", "A.TL", "A.SDM"], by=None
    )
    question = framework.questions.get(code="A.PW.PMN.iv.b")
    services.answer_save(
        cycle=cycle,
        question=question,
        layer=Layer.TPI,
        option="B",
        note="WBS belum diterapkan di seluruh bidang.",
    )
    services.review_mark(
        cycle=cycle,
        question=question,
        layer=Layer.TPI,
        status="perlu_perbaikan",
        reason="Lampirkan laporan penerapan WBS tahun berjalan.",
        by=None,
    )
    reviewer = User.objects.filter(username="penilai-tpi").first()
    if reviewer:
        Comment.objects.create(
            cycle=cycle,
            question=question,
            author=reviewer,
            author_side=Layer.TPI,
            body="Mohon unggah laporan penerapan WBS semester I dan II.",
        )
