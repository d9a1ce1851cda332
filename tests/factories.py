"""factory_boy factories with valid defaults.

Rows that only make sense through their service are made by it, acting as the
system (`by=None` unless a test names the person): units and memberships,
services and standards, declarations, cycles (with their stored summaries),
answers, evidence (with its stored file), work plans, review marks and awarded
predicates. What a factory makes is what the application would have made.
"""

from __future__ import annotations

import datetime

import factory
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from change_areas import scoring, selectors, tallies
from change_areas import services as cycle_services
from change_areas.models import (
    Answer,
    Cycle,
    Evidence,
    Framework,
    Layer,
    PredicateAward,
    ProgressEntry,
    QuestionReview,
    ReviewStatus,
    WorkPlanItem,
)
from change_areas.models.cycles import default_proposal_deadline
from declarations import services as declaration_services
from declarations.models import Declarant, Declaration, DeclarationKind, Witness
from service_standards import services as standard_services
from service_standards.models import (
    Category,
    Channel,
    DurationUnit,
    Service,
    StandardVersion,
)
from tests.files import pdf_bytes, upload
from units import services
from units.models import Membership, Role, Unit, UnitKind, User

TEST_PASSWORD = "password-for-tests"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Contoh {n}")
    position = "Analis"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.id")
    password = factory.django.Password(TEST_PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit Contoh {n}")
    kind = UnitKind.SATKER
    province = "Papua Barat Daya"
    regency = "Kota Sorong"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return services.unit_create(parent=parent, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF


def member(unit: Unit, role: Role, username: str | None = None) -> User:
    """A person holding `role` on `unit` (mail: `<username>@example.go.id`)."""
    user = UserFactory() if username is None else UserFactory(username=username)
    return MembershipFactory(unit=unit, role=role, user=user).user


# --- service_standards ----------------------------------------------------------------


def complete_standard(**overrides) -> dict:
    """Every one of the 14 components filled: a version that can be published."""
    values = {
        "requirements": ["KTP", "Formulir permohonan"],
        "procedure": ["Mengisi buku tamu", "Menyampaikan kebutuhan", "Menerima layanan"],
        "duration_value": 30,
        "duration_unit": DurationUnit.MINUTES,
        "is_free": True,
        "products": ["Data statistik"],
        "complaint_channels": ["Kotak saran", "SP4N-LAPOR!"],
        "legal_basis": ["Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"],
        "facilities": ["Ruang layanan"],
        "competencies": ["Memahami data statistik"],
        "internal_supervision": ["Pengawasan oleh kepala unit"],
        "staff_count": 2,
        "service_guarantee": "Layanan sesuai standar.",
        "security_guarantee": "Data pengguna dirahasiakan.",
        "performance_evaluation": "Evaluasi setiap triwulan.",
    }
    values.update(overrides)
    return values


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Layanan Contoh {n}")
    channel = Channel.IN_PERSON
    category = Category.SERVICES

    @classmethod
    def _create(cls, model_class, *args, unit, **kwargs):
        return standard_services.service_create(unit=unit, by=None, **kwargs)


class StandardVersionFactory(factory.django.DjangoModelFactory):
    """A draft with every component filled; `published=True` publishes it."""

    class Meta:
        model = StandardVersion

    service = factory.SubFactory(ServiceFactory)

    @classmethod
    def _create(cls, model_class, *args, service, published=False, **kwargs):
        version = standard_services.version_create(
            service=service, by=None, **complete_standard(**kwargs)
        )
        if published:
            version = standard_services.version_publish(
                version=version,
                by=None,
                decree_number=f"SK-{version.number}/2024",
                decree_date=datetime.date(2024, 1, 10),
                effective_date=datetime.date(2024, 2, 1),
            ).version
        return version


# --- change_areas ---------------------------------------------------------------------------


def current_framework() -> Framework:
    """The framework new cycles and declarations use (the catalogs are loaded once per test
    database; a transactional test that flushed them gets them loaded again)."""
    framework = Framework.objects.current()
    if framework is None:
        call_command("load_catalogs", verbosity=0)
        framework = Framework.objects.current()
    return framework


def best_answers(spec: scoring.CatalogSpec) -> dict[str, scoring.AnswerData]:
    """The best possible answer to every question of the catalog (a scorecard of 100)."""
    return {question.code: scoring.best_answer(question) for question in spec.questions}


class CycleFactory(factory.django.DjangoModelFactory):
    """A unit's cycle opened by `change_areas.services.cycle_open`, with its stored summaries.

    `filled=True` answers every question at its best (self total 100), except the
    questions in `options` (code → option) and those in `leave_out`. `stage=` then
    puts the cycle in that stage directly, without the workflow, for tests that
    only need the stage. The cycle comes back as a page loads it (unit and framework
    joined).

    The proposal deadline (31 May of the year unless the TPN sets another) is kept
    open — today at the earliest — unless `proposal_closes=` names it, so that
    tests of other rules do not depend on the day they run; the deadline's own
    tests set it (tests/change_areas/test_time_rules.py).
    """

    class Meta:
        model = Cycle

    unit = factory.SubFactory(UnitFactory)
    framework = factory.LazyFunction(current_framework)
    year = 2026

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        filled: bool = False,
        options: dict[str, str] | None = None,
        leave_out: tuple[str, ...] = (),
        stage: str | None = None,
        proposal_closes: datetime.date | None = None,
        **kwargs,
    ):
        cycle = cycle_services.cycle_open(**kwargs)
        Cycle.objects.filter(pk=cycle.pk).update(
            proposal_closes=proposal_closes
            or max(timezone.localdate(), default_proposal_deadline(cycle.year))
        )
        if filled:
            spec = selectors.catalog_spec(cycle.framework)
            answers = best_answers(spec)
            for code, option in (options or {}).items():
                answers[code] = scoring.AnswerData(option=option)
            for code in leave_out:
                del answers[code]
            cycle_services.answers_save_many(
                cycle=cycle,
                layer=Layer.SELF,
                answers={code: (data, "") for code, data in answers.items()},
                spec=spec,
            )
        if stage is not None:
            Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
            tallies.follow(Cycle.objects.select_related("unit").get(pk=cycle.pk))
        return Cycle.objects.select_related("unit", "framework").get(pk=cycle.pk)


class AnswerFactory(factory.django.DjangoModelFactory):
    """One answer saved by `change_areas.services.answer_save` (the cycle's summary follows).

    `code=` names the question in the cycle's framework. A `number` or `inputs`
    replaces the default option.
    """

    class Meta:
        model = Answer

    class Params:
        code = "A.MP.PMN.i.a"

    cycle = factory.SubFactory(CycleFactory)
    question = factory.LazyAttribute(
        lambda answer: answer.cycle.framework.questions.get(code=answer.code)
    )
    layer = Layer.SELF
    option = "Ya"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("number") is not None or kwargs.get("inputs"):
            kwargs.pop("option")
        answer, _scorecard = cycle_services.answer_save(**kwargs)
        return answer


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A real PDF uploaded by `change_areas.services.evidence_upload` (its file stored once,
    by hash), as after the upload's transaction committed (the bytes are written on commit,
    lib.files). `file_name=` names the uploaded file."""

    class Meta:
        model = Evidence

    class Params:
        file_name = "bukti.pdf"

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"Bukti dukung {n}")
    # Each document its own bytes (a note after the end of the same PDF): the same bytes
    # uploaded twice are one document of the unit (`evidence_upload`).
    uploaded_file = factory.LazyAttribute(
        lambda evidence: upload(
            evidence.file_name, pdf_bytes() + f"\n% {evidence.title}\n".encode()
        )
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return cycle_services.evidence_upload(**kwargs)


def grow_library(unit: Unit, size: int) -> None:
    """`size` more documents in the unit's library: one uploaded, the others rows sharing its
    stored file (a large library at the cost of one upload)."""
    first = EvidenceFactory(unit=unit, title="SK Tim Kerja ZI")
    Evidence.objects.bulk_create(
        Evidence(
            unit=unit,
            title=f"Notulen rapat evaluasi {number}",
            description="rapat bulanan",
            blob=first.blob,
            original_name="notulen.pdf",
        )
        for number in range(size - 1)
    )


class WorkPlanItemFactory(factory.django.DjangoModelFactory):
    """A work-plan item saved by `change_areas.services.work_plan_item_save`.

    `area_code=` names the area in the cycle's work-plan framework.
    """

    class Meta:
        model = WorkPlanItem

    class Params:
        area_code = "A.MP"

    cycle = factory.SubFactory(CycleFactory)
    area = factory.LazyAttribute(
        lambda item: item.cycle.work_plan_framework.areas.get(code=item.area_code)
    )
    title = "Sosialisasi ZI"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cycle_services.work_plan_item_save(**kwargs)


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    """Progress logged by `change_areas.services.progress_entry_add` (the item and the
    cycle's percent follow)."""

    class Meta:
        model = ProgressEntry

    item = factory.SubFactory(WorkPlanItemFactory)
    note = "Kegiatan berjalan"
    percent = 50

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cycle_services.progress_entry_add(**kwargs)


REVISION_REASON = "SK tim belum ditandatangani kepala unit"


class QuestionReviewFactory(factory.django.DjangoModelFactory):
    """A reviewer's mark by `change_areas.services.review_mark`: perlu perbaikan with a reason
    unless `status=` says otherwise. `code=` names the question."""

    class Meta:
        model = QuestionReview

    class Params:
        code = "A.MP.PMN.i.a"

    cycle = factory.SubFactory(CycleFactory, filled=True, stage="evaluasi_tpi")
    question = factory.LazyAttribute(
        lambda review: review.cycle.framework.questions.get(code=review.code)
    )
    layer = Layer.TPI
    status = ReviewStatus.NEEDS_REVISION
    reason = factory.LazyAttribute(
        lambda review: REVISION_REASON if review.status == ReviewStatus.NEEDS_REVISION else ""
    )
    by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cycle_services.review_mark(**kwargs)


class PredicateAwardFactory(factory.django.DjangoModelFactory):
    """A predicate awarded by decree through `change_areas.services.predicate_award`, under the
    rules the service keeps (no future decree, WBBM after a held WBK, two years after a
    revocation). `revoked_on=` then revokes it through `predicate_revoke`."""

    class Meta:
        model = PredicateAward

    unit = factory.SubFactory(UnitFactory)
    predicate = "wbk"
    year = 2024
    decree_number = factory.Sequence(lambda n: f"KEP/{n}/ZI")
    decree_date = factory.LazyAttribute(lambda award: datetime.date(award.year, 12, 2))
    by = None

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        revoked_on: datetime.date | None = None,
        revocation_decree: str = "KEP/PENCABUTAN/ZI",
        revocation_reason: str = "Pegawai terbukti melakukan pungutan liar",
        **kwargs,
    ):
        award = cycle_services.predicate_award(**kwargs)
        if revoked_on is not None:
            award = cycle_services.predicate_revoke(
                award=award,
                revoked_on=revoked_on,
                decree_number=revocation_decree,
                reason=revocation_reason,
                by=kwargs["by"],
            )
        return award


# --- declarations ---------------------------------------------------------------------------


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A draft through `declarations.services.declaration_create` (the unit's head declares)."""

    class Meta:
        model = Declaration

    unit = factory.SubFactory(
        UnitFactory,
        head_name="Siti Nurhaliza, S.ST., M.Ec.Dev.",
        head_nip="198002142003122002",
        head_position="Kepala BPS Kota Sorong",
    )
    kind = DeclarationKind.PIAGAM
    framework = factory.LazyFunction(current_framework)
    event_date = datetime.date(2021, 6, 10)
    event_time = datetime.time(9, 0)
    venue = "Aula Samu Siret"
    city = "Sorong"

    @classmethod
    def _create(cls, model_class, *args, unit=None, units=None, by=None, **kwargs):
        return declaration_services.declaration_create(unit=unit, units=units, by=by, **kwargs)


class DeclarantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declarant

    declaration = factory.SubFactory(DeclarationFactory)
    name = factory.Sequence(lambda n: f"Penanda Tangan {n}")
    nip = "198002142003122002"
    position = factory.Sequence(lambda n: f"Kepala Unit {n}")
    order = factory.Sequence(lambda n: n + 100)


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Witness

    declaration = factory.SubFactory(DeclarationFactory)
    name = factory.Sequence(lambda n: f"Saksi Contoh {n}")
    position = "Kepala Perwakilan"
    institution = "Ombudsman RI Perwakilan Papua Barat"
    order = factory.Sequence(lambda n: n)
