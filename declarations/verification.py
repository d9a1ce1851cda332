"""Is this PDF the one that was issued? The answer the public verification page gives.

An uploaded file is compared byte for byte (SHA-256) with the issued
unsigned and signed files. When it differs, its embedded signatures are read
with pyHanko to tell whether it carries a signature made with our key,
whether that signature is intact, and whether anything was appended after
signing. Garbage, empty, truncated and altered files get an answer, never an
error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from declarations import signing


class Verdict(StrEnum):
    ISSUED_SIGNED = "issued_signed"  # exactly the signed file we issued
    ISSUED_UNSIGNED = "issued_unsigned"  # exactly the unsigned file we issued
    SIGNED_THEN_CHANGED = (
        "signed_then_changed"  # our intact signature over our signed file, bytes appended
    )
    SIGNATURE_INTACT_OTHER = (
        "signature_intact_other"  # our intact signature, but not this document's file
    )
    SIGNATURE_BROKEN = (
        "signature_broken"  # carries our signature, but the signed bytes were altered
    )
    DIFFERENT = "different"  # a PDF, not ours, no signature of ours
    NOT_PDF = "not_pdf"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"


GOOD = {Verdict.ISSUED_SIGNED, Verdict.ISSUED_UNSIGNED}


@dataclass
class VerificationResult:
    verdict: Verdict
    headline: str
    details: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    signatures: list[signing.SignatureReport] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.verdict in GOOD

    @property
    def tone(self) -> str:
        if self.verdict in GOOD:
            return "ok"
        if self.verdict in (Verdict.SIGNED_THEN_CHANGED, Verdict.SIGNATURE_INTACT_OTHER):
            return "warning"
        return "danger"


def max_upload_bytes() -> int:
    return settings.ZI_VERIFY_MAX_UPLOAD_BYTES


def too_large() -> VerificationResult:
    """The answer to an upload over the size limit."""
    return VerificationResult(
        Verdict.TOO_LARGE,
        _("Berkas terlalu besar: paling besar %(limit)s.")
        % {"limit": filesizeformat(max_upload_bytes())},
    )


def body_too_large(request) -> bool:
    """Whether a request's body is over the upload limit, read before Django reads the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + 64 * 1024  # room for the form's other fields


def read_upload(upload) -> bytes | VerificationResult:
    """The uploaded bytes, or a result that explains why they are not looked at."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        return VerificationResult(
            Verdict.TOO_LARGE,
            _("Berkas terlalu besar: paling besar %(limit)s.") % {"limit": filesizeformat(limit)},
            size=upload.size,
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        return VerificationResult(
            Verdict.TOO_LARGE,
            _("Berkas terlalu besar: paling besar %(limit)s.") % {"limit": filesizeformat(limit)},
            size=len(content),
        )
    return content


class IssuedDocument(Protocol):
    """What verification reads of an issued document: a declaration, an evaluation report."""

    pdf_sha256: str
    signed_sha256: str
    signing_certificate_sha256: str

    @property
    def is_signed(self) -> bool: ...


def verify(declaration: IssuedDocument, content: bytes) -> VerificationResult:
    """Compare `content` with the files issued for a document (a declaration or a report)."""
    size = len(content)
    if not content:
        return VerificationResult(
            Verdict.EMPTY, _("Berkas kosong: tidak ada yang dapat diperiksa.")
        )
    digest = hashlib.sha256(content).hexdigest()
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime != "application/pdf":
        return VerificationResult(
            Verdict.NOT_PDF,
            _("Berkas ini bukan PDF. Unggah berkas PDF yang ingin diperiksa."),
            sha256=digest,
            size=size,
        )
    if declaration.signed_sha256 and digest == declaration.signed_sha256:
        return VerificationResult(
            Verdict.ISSUED_SIGNED,
            _(
                "Cocok: berkas ini sama persis dengan dokumen bertanda tangan elektronik yang "
                "diterbitkan."
            ),
            details=[_("Tanda tangan elektroniknya utuh karena tidak satu bita pun berubah.")],
            sha256=digest,
            size=size,
        )
    if declaration.pdf_sha256 and digest == declaration.pdf_sha256:
        details = [_("Ini versi tanpa tanda tangan elektronik.")]
        if declaration.is_signed:
            details.append(_("Versi bertanda tangan elektronik juga diterbitkan."))
        return VerificationResult(
            Verdict.ISSUED_UNSIGNED,
            _("Cocok: berkas ini sama persis dengan dokumen yang diterbitkan."),
            details=details,
            sha256=digest,
            size=size,
        )
    known = {declaration.signing_certificate_sha256} - {""}
    inspection = signing.inspect_pdf(content, known_certificates=known)
    if not inspection.readable:
        return VerificationResult(
            Verdict.UNREADABLE,
            _(
                "Tidak cocok: berkas ini bukan dokumen yang diterbitkan, dan PDF-nya rusak atau "
                "tidak "
                "dapat dibaca (misalnya terpotong)."
            ),
            sha256=digest,
            size=size,
        )
    ours = [report for report in inspection.signatures if report.ours]
    if not ours:
        details = []
        if inspection.signatures:
            details.append(
                _(
                    "Berkas ini memuat tanda tangan elektronik, tetapi bukan dari kunci ZI "
                    "Tracker ini."
                )
            )
        else:
            details.append(_("Berkas ini tidak memuat tanda tangan elektronik ZI Tracker."))
        return VerificationResult(
            Verdict.DIFFERENT,
            _(
                "Tidak cocok: berkas ini bukan dokumen yang diterbitkan dengan alamat verifikasi ini."
            ),
            details=details,
            sha256=digest,
            size=size,
            signatures=inspection.signatures,
        )
    report = ours[0]
    if not report.intact:
        return VerificationResult(
            Verdict.SIGNATURE_BROKEN,
            _(
                "Tidak cocok: berkas ini memuat tanda tangan elektronik ZI Tracker, tetapi isinya "
                "telah diubah setelah ditandatangani. Tanda tangannya tidak utuh."
            ),
            sha256=digest,
            size=size,
            signatures=inspection.signatures,
        )
    if declaration.signed_sha256 and report.signed_revision_sha256 == declaration.signed_sha256:
        return VerificationResult(
            Verdict.SIGNED_THEN_CHANGED,
            _(
                "Sebagian cocok: bagian yang ditandatangani sama dengan dokumen yang diterbitkan "
                "dan "
                "tanda tangannya utuh, tetapi ada tambahan pada berkas setelah ditandatangani."
            ),
            details=[
                _("Mintalah salinan asli; tambahan itu bukan bagian dari dokumen yang diterbitkan.")
            ],
            sha256=digest,
            size=size,
            signatures=inspection.signatures,
        )
    return VerificationResult(
        Verdict.SIGNATURE_INTACT_OTHER,
        _(
            "Tidak cocok: berkas ini bertanda tangan elektronik ZI Tracker yang utuh, tetapi bukan "
            "dokumen yang diterbitkan dengan alamat verifikasi ini."
        ),
        details=[_("Mungkin ini dokumen lain; periksa dengan kode QR pada dokumennya.")],
        sha256=digest,
        size=size,
        signatures=inspection.signatures,
    )
