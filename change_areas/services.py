"""Writes of `change_areas`: cycles and campaigns, answers, evidence, work plans,
prerequisites. Every state change is one function here, used alike by views,
imports and commands; each checks permission when given the acting person
(`by=None` means the system itself: a command or a migration)."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from change_areas import scoring, selectors
from change_areas.models import (
    Answer,
    Campaign,
    Cycle,
    CycleAreaScore,
    CycleEvent,
    Evidence,
    EvidenceFile,
    Framework,
    FrameworkKind,
    Layer,
    Prerequisite,
    PrerequisiteLevel,
    PrerequisiteRecord,
    ProgressEntry,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
    WorkPlanItem,
    WorkPlanStatus,
)
from units import access
from units.access import Perm
from units.models import Unit, UnitKind

# Units that run a programme of their own when a campaign opens over a subtree.
CAMPAIGN_DEFAULT_KINDS = (
    UnitKind.INSTANSI_VERTIKAL,
    UnitKind.SATKER,
    UnitKind.OPD,
    UnitKind.UPT,
)


def _record(instance, *, by, reason: str) -> None:
    if by is not None:
        instance._history_user = by
    instance._change_reason = reason


def _event(cycle: Cycle, action: str, *, by, note: str = "", before: str = "") -> CycleEvent:
    return CycleEvent.objects.create(
        cycle=cycle,
        action=action,
        stage_before=before,
        stage_after=cycle.stage,
        note=note,
        actor=by,
    )


# --------------------------------------------------------------------------
# Cycles and campaigns


def _check_windows(fill_opens, fill_closes, review_opens, review_closes) -> None:
    if fill_opens and fill_closes and fill_closes < fill_opens:
        raise ValidationError(_("Tanggal penutupan pengisian harus sesudah tanggal pembukaannya."))
    if review_opens and review_closes and review_closes < review_opens:
        raise ValidationError(_("Tanggal penutupan penilaian harus sesudah tanggal pembukaannya."))


@transaction.atomic
def cycle_open(
    *,
    unit: Unit,
    framework: Framework,
    year: int,
    target: str = "wbk",
    by=None,
    work_plan_framework: Framework | None = None,
    fill_opens: datetime.date | None = None,
    fill_closes: datetime.date | None = None,
    review_opens: datetime.date | None = None,
    review_closes: datetime.date | None = None,
    pre_assessment: bool = False,
) -> Cycle:
    """Open a unit's cycle for a year. Coordinators and unit admins may open one for their unit."""
    if by is not None and not (
        access.can(by, unit, Perm.SUBMIT_SELF) or access.can(by, unit, Perm.ADMINISTER)
    ):
        access.check(by, unit, Perm.ADMINISTER)
    if framework.kind != FrameworkKind.LKE:
        raise ValidationError(_("Siklus evaluasi memerlukan kerangka dengan LKE."))
    _check_windows(fill_opens, fill_closes, review_opens, review_closes)
    if Cycle.objects.filter(unit=unit, framework=framework, year=year).exists():
        raise ValidationError(
            _("%(unit)s sudah memiliki siklus %(year)s dengan %(framework)s.")
            % {"unit": unit, "year": year, "framework": framework}
        )
    cycle = Cycle(
        unit=unit,
        framework=framework,
        work_plan_framework=work_plan_framework or framework,
        year=year,
        target=target,
        fill_opens=fill_opens,
        fill_closes=fill_closes,
        review_opens=review_opens,
        review_closes=review_closes,
        pre_assessment=pre_assessment,
        created_by=by,
    )
    cycle.full_clean()
    _record(cycle, by=by, reason="cycle_open")
    cycle.save()
    _event(cycle, "cycle_open", by=by)
    cycle_refresh_summary(cycle=cycle, layer=Layer.SELF)
    return cycle


@transaction.atomic
def campaign_open(
    *,
    root: Unit,
    framework: Framework,
    year: int,
    name: str,
    fill_opens: datetime.date,
    fill_closes: datetime.date,
    review_opens: datetime.date,
    review_closes: datetime.date,
    by=None,
    kinds=CAMPAIGN_DEFAULT_KINDS,
    pre_assessment: bool = False,
    target: str = "wbk",
) -> tuple[Campaign, int, int]:
    """Open `framework`/`year` for every active unit of the given kinds below `root`.

    Units that already have a cycle for that framework and year keep it.
    Returns (campaign, cycles created, units skipped). A constant number of
    queries whatever the subtree's size (bulk inserts).
    """
    if by is not None:
        access.check(by, root, Perm.ADMINISTER)
    if framework.kind != FrameworkKind.LKE:
        raise ValidationError(_("Kampanye memerlukan kerangka dengan LKE."))
    _check_windows(fill_opens, fill_closes, review_opens, review_closes)
    campaign = Campaign(
        name=name,
        root=root,
        framework=framework,
        year=year,
        fill_opens=fill_opens,
        fill_closes=fill_closes,
        review_opens=review_opens,
        review_closes=review_closes,
        pre_assessment=pre_assessment,
        created_by=by,
    )
    campaign.full_clean()
    _record(campaign, by=by, reason="campaign_open")
    campaign.save()
    units = list(Unit.objects.subtree_of(root).active().filter(kind__in=list(kinds)))
    taken = set(
        Cycle.objects.filter(framework=framework, year=year, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    empty = selectors.summary_of(scoring.score(selectors.catalog_spec(framework), {}))
    cycles = [
        Cycle(
            unit=unit,
            framework=framework,
            work_plan_framework=framework,
            year=year,
            target=target,
            campaign=campaign,
            fill_opens=fill_opens,
            fill_closes=fill_closes,
            review_opens=review_opens,
            review_closes=review_closes,
            pre_assessment=pre_assessment,
            created_by=by,
            summaries={Layer.SELF: empty},
        )
        for unit in units
        if unit.pk not in taken
    ]
    created = bulk_create_with_history(cycles, Cycle, batch_size=500, default_user=by)
    _store_area_scores(created, Layer.SELF, empty)
    CycleEvent.objects.bulk_create(
        [
            CycleEvent(
                cycle=cycle, action="cycle_open", stage_after=cycle.stage, actor=by, note=name
            )
            for cycle in created
        ],
        batch_size=500,
    )
    return campaign, len(created), len(units) - len(created)


def cycle_refresh_summary(
    *, cycle: Cycle, layer: str, spec: scoring.CatalogSpec | None = None
) -> scoring.Scorecard:
    """Recompute the layer's scorecard and store its summary on the cycle."""
    card = selectors.scorecard(cycle, layer, spec=spec)
    summaries = dict(cycle.summaries or {})
    summaries[layer] = selectors.summary_of(card)
    cycle.summaries = summaries
    fields = ["summaries"]
    if layer in (Layer.SELF, Layer.TPI, Layer.TPN):
        setattr(cycle, f"{layer}_total", Decimal(str(round(card.total, 4))))
        setattr(cycle, f"{layer}_completeness", Decimal(str(round(card.completeness, 4))))
        setattr(cycle, f"{layer}_wbk_eligible", card.eligibility["wbk"].eligible)
        setattr(cycle, f"{layer}_wbbm_eligible", card.eligibility["wbbm"].eligible)
        fields += [
            f"{layer}_total",
            f"{layer}_completeness",
            f"{layer}_wbk_eligible",
            f"{layer}_wbbm_eligible",
        ]
    Cycle.objects.filter(pk=cycle.pk).update(**{name: getattr(cycle, name) for name in fields})
    _store_area_scores([cycle], layer, summaries[layer])
    return card


def _store_area_scores(cycles: list[Cycle], layer: str, summary: dict) -> None:
    """Replace the cycles' area rows of the layer with the summary's figures. Two queries."""
    CycleAreaScore.objects.filter(cycle__in=cycles, layer=layer).delete()
    CycleAreaScore.objects.bulk_create(
        [
            CycleAreaScore(
                cycle=cycle,
                layer=layer,
                area_code=code,
                value=Decimal(str(node["value"])),
                weight=Decimal(str(node["weight"])),
                answered=node["answered"],
                questions=node["questions"],
            )
            for cycle in cycles
            for code, node in summary.get("areas", {}).items()
        ],
        batch_size=1000,
    )


# --------------------------------------------------------------------------
# Answers


class AnswerConflict(Exception):
    """Someone else saved the answer after it was loaded; nothing was saved."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        super().__init__(_("Jawaban ini sudah diubah orang lain sejak halaman dibuka."))


LAYER_PERMS = {
    Layer.SELF: Perm.EDIT_SELF,
    Layer.PRE: Perm.REVIEW_PRE,
    Layer.TPI: Perm.REVIEW_TPI,
    Layer.TPN: Perm.REVIEW_TPN,
}
LAYER_STAGES = {
    Layer.PRE: Stage.PENILAIAN_PENDAHULUAN,
    Layer.TPI: Stage.EVALUASI_TPI,
    Layer.TPN: Stage.EVALUASI_TPN,
}


def layer_edit_state(
    cycle: Cycle,
    layer: str,
    user,
    *,
    question: Question | None = None,
    today: datetime.date | None = None,
) -> tuple[bool, str]:
    """Whether `user` may edit `layer` of the cycle now, and if not, why.

    No query once the user's memberships are cached, except one when a
    question is named while the unit revises returned questions.
    """
    if not access.can(user, cycle.unit, LAYER_PERMS[layer]):
        if layer == Layer.SELF:
            return False, _("Peran Anda pada unit ini tidak mencakup pengisian penilaian mandiri.")
        return False, _("Peran Anda tidak mencakup lapis penilaian ini.")
    if layer == Layer.SELF:
        editable, reason = cycle.self_edit_state(today)
        if editable and cycle.stage == Stage.PERBAIKAN and question is not None:
            returned = QuestionReview.objects.filter(
                cycle=cycle,
                question=question,
                layer=cycle.revision_layer,
                status=ReviewStatus.NEEDS_REVISION,
            ).exists()
            if not returned:
                return False, _(
                    "Pertanyaan ini tidak dikembalikan untuk diperbaiki; jawabannya terkunci."
                )
        return editable, reason
    expected = LAYER_STAGES[layer]
    if cycle.stage != expected:
        if layer == Layer.TPI and cycle.tpi_finalised_at:
            return False, _("Penilaian TPI sudah final dan terkunci.")
        return False, _(
            "Lapis ini hanya dapat diisi pada tahap %(stage)s; siklus kini pada tahap %(now)s."
        ) % {"stage": Stage(expected).label, "now": cycle.get_stage_display()}
    today = today or timezone.localdate()
    if layer == Layer.TPI and cycle.review_opens and today < cycle.review_opens:
        return False, _("Penilaian TPI baru dibuka pada %(date)s.") % {
            "date": date_format(cycle.review_opens, "DATE_FORMAT")
        }
    if layer == Layer.TPI and cycle.review_closes and today > cycle.review_closes:
        return False, _("Penilaian TPI ditutup sejak %(date)s.") % {
            "date": date_format(cycle.review_closes, "DATE_FORMAT")
        }
    if layer == Layer.TPI and cycle.review_closes:
        return True, _("Penilaian TPI dibuka sampai %(date)s.") % {
            "date": date_format(cycle.review_closes, "DATE_FORMAT")
        }
    return True, ""


def question_spec(question: Question) -> scoring.QuestionSpec:
    """One question as plain data for validation and value. Two queries (options, inputs)."""
    return scoring.QuestionSpec(
        code=question.code,
        indicator="",
        answer_type=question.answer_type,
        options={o.key: float(o.value) for o in question.options.filter(is_active=True)}
        if question.has_options
        else {},
        rule=question.value_rule or {},
        inputs=tuple(
            scoring.InputSpec(i.key, i.code, i.label, tuple((i.computed or {}).get("sum", ())))
            for i in question.inputs.filter(is_active=True).order_by("order")
        ),
    )


def _store_answer(
    *,
    cycle: Cycle,
    question: Question,
    spec: scoring.QuestionSpec,
    layer: str,
    data: scoring.AnswerData,
    note: str,
    by,
    expected_version: int | None,
    reason: str,
) -> Answer:
    answer = (
        Answer.objects.select_for_update()
        .filter(cycle=cycle, question=question, layer=layer)
        .first()
    )
    if answer is not None and expected_version is not None and answer.version != expected_version:
        raise AnswerConflict(answer)
    if answer is None:
        answer = Answer(cycle=cycle, question=question, layer=layer, version=0)
    _fill_answer(answer, spec, data, note=note, by=by)
    _record(answer, by=by, reason=reason)
    answer.save()
    return answer


def _fill_answer(
    answer: Answer, spec: scoring.QuestionSpec, data: scoring.AnswerData, *, note: str, by
) -> None:
    """Validate `data` for the question and put it, with its computed value, on the answer."""
    try:
        scoring.validate_answer(spec, data)
    except scoring.AnswerError as error:
        raise ValidationError(str(error)) from None
    inputs = {}
    if spec.inputs:
        typed = {key: value for key, value in data.inputs.items() if value is not None}
        inputs = {key: int(value) for key, value in scoring.computed_inputs(spec, typed).items()}
    value = scoring.question_value(spec, scoring.AnswerData(data.option, data.number, inputs))
    answer.option = data.option or ""
    answer.number = None if data.number is None else Decimal(str(data.number))
    answer.inputs = inputs
    answer.value = None if value is None else Decimal(str(round(value, 4)))
    answer.note = note
    answer.updated_by = by
    answer.version += 1


@transaction.atomic
def answer_save(
    *,
    cycle: Cycle,
    question: Question,
    layer: str = Layer.SELF,
    option: str | None = None,
    number: float | None = None,
    inputs: dict[str, float | None] | None = None,
    note: str = "",
    by=None,
    expected_version: int | None = None,
) -> tuple[Answer, scoring.Scorecard]:
    """Save one answer and store the layer's new scorecard summary on the cycle.

    With `expected_version` (the version the person saw), an answer someone
    else changed in the meantime raises AnswerConflict and nothing is saved.
    """
    cycle = Cycle.objects.select_for_update().select_related("unit", "framework").get(pk=cycle.pk)
    if question.framework_id != cycle.framework_id or not question.is_active:
        raise ValidationError(_("Pertanyaan ini bukan bagian dari LKE siklus ini."))
    if by is not None:
        access.check(by, cycle.unit, LAYER_PERMS[layer])
        editable, reason = layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)
    answer = _store_answer(
        cycle=cycle,
        question=question,
        spec=question_spec(question),
        layer=layer,
        data=scoring.AnswerData(option or None, number, inputs or {}),
        note=note.strip(),
        by=by,
        expected_version=expected_version,
        reason="answer_save",
    )
    card = cycle_refresh_summary(cycle=cycle, layer=layer)
    return answer, card


@transaction.atomic
def answers_save_many(
    *,
    cycle: Cycle,
    layer: str,
    answers: dict[str, tuple[scoring.AnswerData, str]],
    by=None,
    reason: str = "answers_save_many",
    spec: scoring.CatalogSpec | None = None,
) -> int:
    """Write many answers of one layer (imports, demo data) and refresh the summary once.

    Answers are validated like single saves; the caller checks permission.
    Returns how many answers were written.
    """
    spec = spec or selectors.catalog_spec(cycle.framework)
    specs = {question.code: question for question in spec.questions}
    questions = {
        q.code: q
        for q in Question.objects.filter(framework=cycle.framework, code__in=list(answers))
    }
    unknown = sorted(code for code in answers if code not in questions or code not in specs)
    if unknown:
        raise ValidationError(
            _("Kode %(code)s tidak ada di LKE siklus ini.") % {"code": ", ".join(unknown)}
        )
    existing = {
        answer.question_id: answer
        for answer in Answer.objects.select_for_update().filter(
            cycle=cycle, layer=layer, question__in=[q.pk for q in questions.values()]
        )
    }
    now = timezone.now()
    created, changed = [], []
    for code, (data, note) in answers.items():
        question = questions[code]
        answer = existing.get(question.pk) or Answer(
            cycle=cycle, question=question, layer=layer, version=0
        )
        _fill_answer(answer, specs[code], data, note=note, by=by)
        answer.updated_at = now
        (changed if answer.pk else created).append(answer)
    # One INSERT and one UPDATE (with their history rows) instead of a round trip per answer.
    bulk_create_with_history(
        created, Answer, batch_size=500, default_user=by, default_change_reason=reason
    )
    bulk_update_with_history(
        changed,
        Answer,
        ["option", "number", "inputs", "value", "note", "updated_by", "version", "updated_at"],
        batch_size=500,
        default_user=by,
        default_change_reason=reason,
    )
    cycle_refresh_summary(cycle=cycle, layer=layer, spec=spec)
    return len(answers)


# --------------------------------------------------------------------------
# Evidence


ALLOWED_EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def _sniff(uploaded) -> tuple[str, str]:
    """The file's real type, read from its bytes (never from its name)."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_EVIDENCE_TYPES:
        raise ValidationError(
            _(
                "Jenis berkas tidak diizinkan. Unggah PDF, gambar (JPG, PNG, WebP) atau dokumen "
                "Office (Word, Excel, PowerPoint, OpenDocument)."
            )
        )
    return kind.mime, ALLOWED_EVIDENCE_TYPES[kind.mime]


def _store_blob(uploaded) -> EvidenceFile:
    limit = settings.ZI_EVIDENCE_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB.")
            % {"size": f"{uploaded.size / 1_000_000:.1f}", "limit": f"{limit / 1_000_000:.0f}"}
        )
    if not uploaded.size:
        raise ValidationError(_("Berkas kosong."))
    mime, extension = _sniff(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    existing = EvidenceFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing  # the same bytes are stored once
    uploaded.seek(0)
    blob = EvidenceFile(sha256=sha256, size=uploaded.size, content_type=mime, extension=extension)
    blob.file.save(sha256, File(uploaded), save=False)
    blob.save()
    return blob


def _clean_name(name: str, extension: str) -> str:
    """A safe download name: no directories (either slash), no leading dots, the real extension."""
    stem = Path((name or "bukti").replace("\\", "/")).stem[:120]
    cleaned = get_valid_filename(stem).lstrip(".") or "bukti"
    return f"{cleaned}.{extension}"


@transaction.atomic
def evidence_upload(
    *,
    unit: Unit,
    uploaded_file,
    title: str,
    document_type: str = "lainnya",
    valid_until: datetime.date | None = None,
    description: str = "",
    by=None,
) -> Evidence:
    """Store an uploaded document for the unit, checked by content and size."""
    if by is not None:
        access.check(by, unit, Perm.EDIT_SELF)
    blob = _store_blob(uploaded_file)
    evidence = Evidence(
        unit=unit,
        title=title.strip() or Path(uploaded_file.name or "").stem or _("Bukti dukung"),
        document_type=document_type,
        valid_until=valid_until,
        description=description,
        blob=blob,
        original_name=_clean_name(uploaded_file.name, blob.extension),
        uploaded_by=by,
    )
    evidence.full_clean()
    _record(evidence, by=by, reason="evidence_upload")
    evidence.save()
    return evidence


@transaction.atomic
def evidence_replace(*, evidence: Evidence, uploaded_file, by=None) -> Evidence:
    """Give the document a new file; the old file and version stay in the history."""
    if by is not None:
        access.check(by, evidence.unit, Perm.EDIT_SELF)
    blob = _store_blob(uploaded_file)
    evidence.blob = blob
    evidence.original_name = _clean_name(uploaded_file.name, blob.extension)
    evidence.uploaded_by = by
    _record(evidence, by=by, reason="evidence_replace")
    evidence.save()
    return evidence


@transaction.atomic
def answer_evidence_set(
    *,
    cycle: Cycle,
    question: Question,
    evidence: Evidence,
    attach: bool,
    layer: str = Layer.SELF,
    by=None,
) -> Answer:
    """Attach (or detach) one of the unit's documents to a question's answer."""
    if evidence.unit_id != cycle.unit_id:
        raise ValidationError(_("Bukti dukung harus milik unit siklus ini."))
    if by is not None:
        access.check(by, cycle.unit, LAYER_PERMS[layer])
        editable, reason = layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)
    answer, _created = Answer.objects.get_or_create(cycle=cycle, question=question, layer=layer)
    _record(answer, by=by, reason="answer_evidence_attach" if attach else "answer_evidence_detach")
    if attach:
        answer.evidence.add(evidence)
    else:
        answer.evidence.remove(evidence)
    return answer


# --------------------------------------------------------------------------
# Work plans


def _refresh_work_plan_percent(cycle: Cycle) -> None:
    average = (
        WorkPlanItem.objects.filter(cycle=cycle)
        .exclude(status=WorkPlanStatus.CANCELLED)
        .aggregate(average=Avg("percent"))["average"]
    )
    Cycle.objects.filter(pk=cycle.pk).update(work_plan_percent=Decimal(str(round(average or 0, 2))))


def _check_work_plan_access(cycle: Cycle, by) -> None:
    if by is not None:
        access.check(by, cycle.unit, Perm.EDIT_SELF)


@transaction.atomic
def work_plan_item_save(
    *, cycle: Cycle, by=None, item: WorkPlanItem | None = None, **fields
) -> WorkPlanItem:
    """Create a work-plan item for the cycle, or change one."""
    _check_work_plan_access(cycle, by)
    item = item or WorkPlanItem(cycle=cycle, created_by=by)
    if item.cycle_id != cycle.pk:
        raise ValidationError(_("Kegiatan ini milik siklus lain."))
    for name, value in fields.items():
        setattr(item, name, value)
    if item.area.framework_id != cycle.work_plan_framework_id:
        raise ValidationError(_("Area harus berasal dari kerangka rencana kerja siklus ini."))
    if item.status == WorkPlanStatus.DONE:
        item.percent = 100
    if item.start_date and item.due_date and item.due_date < item.start_date:
        raise ValidationError(_("Tenggat harus sesudah tanggal mulai."))
    item.full_clean()
    _record(item, by=by, reason="work_plan_item_save")
    item.save()
    _refresh_work_plan_percent(cycle)
    return item


@transaction.atomic
def progress_entry_add(
    *,
    item: WorkPlanItem,
    note: str,
    percent: int,
    date: datetime.date | None = None,
    evidence: Evidence | None = None,
    by=None,
) -> ProgressEntry:
    """Log progress on an item; the item takes the entry's percent (and is done at 100)."""
    cycle = item.cycle
    _check_work_plan_access(cycle, by)
    if evidence is not None and evidence.unit_id != cycle.unit_id:
        raise ValidationError(_("Bukti dukung harus milik unit siklus ini."))
    date = date or timezone.localdate()
    if date > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError(_("Kemajuan tidak dapat dicatat untuk tanggal yang akan datang."))
    entry = ProgressEntry(
        item=item,
        note=note.strip(),
        percent=percent,
        date=date,
        evidence=evidence,
        created_by=by,
    )
    entry.full_clean()
    _record(entry, by=by, reason="progress_entry_add")
    entry.save()
    item.percent = percent
    if percent >= 100:
        item.status = WorkPlanStatus.DONE
    elif item.status == WorkPlanStatus.PLANNED:
        item.status = WorkPlanStatus.IN_PROGRESS
    _record(item, by=by, reason="progress_entry_add")
    item.save(update_fields=["percent", "status"])
    _refresh_work_plan_percent(cycle)
    return entry


# --------------------------------------------------------------------------
# Prerequisites


@transaction.atomic
def prerequisite_record_save(
    *, cycle: Cycle, prerequisite: Prerequisite, value: str, note: str = "", by=None
) -> PrerequisiteRecord:
    """Record a prerequisite's value for the cycle's year: instansi-level ones on the instansi."""
    owner = (
        selectors.instansi_of(cycle.unit)
        if prerequisite.level == PrerequisiteLevel.INSTANSI
        else cycle.unit
    )
    if by is not None:
        needed = (
            Perm.ADMINISTER
            if prerequisite.level == PrerequisiteLevel.INSTANSI
            else Perm.SUBMIT_SELF
        )
        if not access.can(by, owner, needed):
            access.check(by, cycle.unit, Perm.VIEW)
            raise PermissionDenied(
                _("Syarat tingkat instansi dicatat oleh admin instansi.")
                if prerequisite.level == PrerequisiteLevel.INSTANSI
                else _("Syarat unit dicatat oleh koordinator atau admin unit.")
            )
    value = value.strip()
    if prerequisite.value_type == "grade" and value not in [str(g) for g in prerequisite.grades]:
        raise ValidationError(
            _("Nilai '%(value)s' tidak dikenal; pilih salah satu: %(grades)s")
            % {"value": value, "grades": ", ".join(map(str, prerequisite.grades))}
        )
    if prerequisite.value_type in ("percent", "years"):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise ValidationError(_("Isikan angka.")) from None
        if number < 0 or (prerequisite.value_type == "percent" and number > 100):
            raise ValidationError(_("Angka di luar rentang yang mungkin."))
    if prerequisite.value_type == "boolean" and value not in ("ya", "tidak"):
        raise ValidationError(_("Isikan ya atau tidak."))
    record = PrerequisiteRecord.objects.filter(
        unit=owner, prerequisite=prerequisite, year=cycle.year
    ).first() or PrerequisiteRecord(unit=owner, prerequisite=prerequisite, year=cycle.year)
    record.value = value
    record.note = note
    record.recorded_by = by
    _record(record, by=by, reason="prerequisite_record_save")
    record.save()
    return record
