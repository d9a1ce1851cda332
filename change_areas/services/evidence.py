"""The evidence library: uploads checked by content and size, stored once per content, attached to answers."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from change_areas import workflow
from change_areas.models import (
    Answer,
    Cycle,
    Evidence,
    EvidenceFile,
    Layer,
    Question,
)
from lib.files import save_on_commit
from lib.writes import record
from units import access
from units.access import Perm
from units.models import Unit

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


def _check_upload(uploaded) -> tuple[str, str]:
    """Size and type of an upload, read from its bytes: (mime type, extension)."""
    limit = settings.ZI_EVIDENCE_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB.")
            % {"size": f"{uploaded.size / 1_000_000:.1f}", "limit": f"{limit / 1_000_000:.0f}"}
        )
    if not uploaded.size:
        raise ValidationError(_("Berkas kosong."))
    return _sniff(uploaded)


def _store_blob(uploaded, mime: str, extension: str) -> EvidenceFile:
    """The upload's blob (the existing one for the same bytes); call after every check."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    existing = EvidenceFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing  # the same bytes are stored once
    blob = EvidenceFile(sha256=sha256, size=uploaded.size, content_type=mime, extension=extension)
    try:
        with transaction.atomic():
            # The row is named now; its bytes are written once the request's rows commit
            # (lib.files.save_on_commit), so a refusal anywhere later leaves no file.
            save_on_commit(blob.file, sha256, File(uploaded))
            blob.save()
    except IntegrityError:
        # Someone stored the same bytes a moment ago (another app server, same file): theirs
        # is the one. Ours is never written: the write was to happen on commit of the
        # savepoint just rolled back, and Django drops it with the savepoint.
        return EvidenceFile.objects.get(sha256=sha256)
    return blob


def _clean_name(name: str, extension: str) -> str:
    """A safe download name: no directories (either slash), no leading dots, the real extension."""
    stem = Path((name or "bukti").replace("\\", "/")).stem[:120]
    try:
        cleaned = get_valid_filename(stem).lstrip(".") or "bukti"
    except SuspiciousFileOperation:  # nothing usable is left ("🙂", "..")
        cleaned = "bukti"
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
    """Store an uploaded document for the unit, checked by content and size.

    The same bytes uploaded again are recognised: the unit's document that already
    holds them is returned (its `reused` is True) and no second one is made.
    """
    if by is not None:
        access.check(by, unit, Perm.EDIT_SELF)
    mime, extension = _check_upload(uploaded_file)
    evidence = Evidence(
        unit=unit,
        title=title.strip() or Path(uploaded_file.name or "").stem[:255] or _("Bukti dukung"),
        document_type=document_type,
        valid_until=valid_until,
        description=description,
        original_name=_clean_name(uploaded_file.name, extension),
        uploaded_by=by,
    )
    evidence.full_clean(exclude=["blob"])  # every check before the first write
    blob = _store_blob(uploaded_file, mime, extension)
    existing = Evidence.objects.filter(unit=unit, blob=blob).order_by("pk").first()
    if existing is not None:
        existing.reused = True
        return existing
    evidence.blob = blob
    record(evidence, by=by, reason="evidence_upload")
    evidence.save()
    evidence.reused = False
    return evidence


@transaction.atomic
def evidence_replace(*, evidence: Evidence, uploaded_file, by=None) -> Evidence:
    """Give the document a new file; the old file and version stay in the history."""
    if by is not None:
        access.check(by, evidence.unit, Perm.EDIT_SELF)
    mime, extension = _check_upload(uploaded_file)
    evidence.original_name = _clean_name(uploaded_file.name, extension)
    evidence.blob = _store_blob(uploaded_file, mime, extension)
    evidence.uploaded_by = by
    record(evidence, by=by, reason="evidence_replace")
    evidence.save()
    return evidence


def _check_answer_editable(cycle: Cycle, question: Question, layer: str, by) -> None:
    if by is not None:
        access.check(by, cycle.unit, workflow.LAYER_PERMS[layer])
        editable, reason = workflow.layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)


@transaction.atomic
def answer_evidence_upload(
    *,
    cycle: Cycle,
    question: Question,
    uploaded_file,
    title: str = "",
    document_type: str = "lainnya",
    valid_until: datetime.date | None = None,
    description: str = "",
    layer: str = Layer.SELF,
    by=None,
) -> Evidence:
    """Upload a document into the unit's library and attach it to a question, in one go.

    The question must be open to the person first: a refused attach stores
    neither the library entry nor the file (the bytes are written on commit).
    """
    _check_answer_editable(cycle, question, layer, by)
    evidence = evidence_upload(
        unit=cycle.unit,
        uploaded_file=uploaded_file,
        title=title,
        document_type=document_type,
        valid_until=valid_until,
        description=description,
        by=by,
    )
    try:
        answer_evidence_set(
            cycle=cycle, question=question, evidence=evidence, attach=True, layer=layer, by=by
        )
    except ValidationError as refused:
        if not evidence.reused:
            raise
        # The same file again: say which library document holds it, then why nothing changed.
        raise ValidationError(
            [
                _(
                    "Berkas yang sama sudah ada di pustaka sebagai “%(title)s”; dokumen itu yang dipakai."
                )
                % {"title": evidence.title},
                *refused.messages,
            ]
        ) from None
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
    _check_answer_editable(cycle, question, layer, by)
    answer, _created = Answer.objects.get_or_create(cycle=cycle, question=question, layer=layer)
    if attach and answer.evidence.filter(pk=evidence.pk).exists():
        raise ValidationError(
            _("“%(title)s” sudah terlampir pada pertanyaan ini.") % {"title": evidence.title}
        )
    record(answer, by=by, reason="answer_evidence_attach" if attach else "answer_evidence_detach")
    if attach:
        answer.evidence.add(evidence)
    else:
        answer.evidence.remove(evidence)
    return answer
