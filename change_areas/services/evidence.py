"""The evidence library: uploads checked by content and size, stored once per content, attached to answers."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
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
    # The bytes are in storage before the row exists, so a row never names a missing file.
    blob.file.save(sha256, File(uploaded), save=False)
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:
        # Someone stored the same bytes a moment ago (another app server, same file): theirs
        # is the one. Ours stays in storage unnamed by any row; content-addressed, it is
        # the same bytes, and deleting it could delete theirs under the same name.
        return EvidenceFile.objects.get(sha256=sha256)
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
    """Store an uploaded document for the unit, checked by content and size.

    The same bytes uploaded again are recognised: the unit's document that already
    holds them is returned (its `reused` is True) and no second one is made.
    """
    if by is not None:
        access.check(by, unit, Perm.EDIT_SELF)
    blob = _store_blob(uploaded_file)
    existing = Evidence.objects.filter(unit=unit, blob=blob).order_by("pk").first()
    if existing is not None:
        existing.reused = True
        return existing
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
    record(evidence, by=by, reason="evidence_upload")
    evidence.save()
    evidence.reused = False
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
    record(evidence, by=by, reason="evidence_replace")
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
        access.check(by, cycle.unit, workflow.LAYER_PERMS[layer])
        editable, reason = workflow.layer_edit_state(cycle, layer, by, question=question)
        if not editable:
            raise PermissionDenied(reason)
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
