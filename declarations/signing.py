"""PAdES signatures with pyHanko: the installation's key, signing, and reading signatures back.

The key is a PKCS#12 file named in the environment (ZI_SIGNING_PKCS12_FILE)
with its password in ZI_SIGNING_PKCS12_PASSWORD or in the file named by
ZI_SIGNING_PKCS12_PASSWORD_FILE. `python manage.py create_signing_key`
makes a self-signed one for trial installations.

pyHanko's synchronous API runs its own event loop: call these functions from
synchronous code (views, services, tasks, commands), never from inside a
running event loop.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class SigningError(Exception):
    """The key is missing, unreadable, or signing failed; the message is for people."""


class SigningKeyMissing(SigningError):
    pass


@dataclass(frozen=True)
class KeyStatus:
    configured: bool
    usable: bool
    subject: str = ""
    fingerprint: str = ""  # SHA-256 of the certificate (DER), hex
    not_after: datetime.datetime | None = None
    message: str = ""


def _password() -> bytes | None:
    password_file = getattr(settings, "ZI_SIGNING_PKCS12_PASSWORD_FILE", "")
    if password_file:
        try:
            return Path(password_file).read_text(encoding="utf-8").rstrip("\r\n").encode("utf-8")
        except OSError as error:
            raise SigningError(
                _("Berkas kata sandi kunci tanda tangan tidak dapat dibaca (%(file)s): %(error)s")
                % {"file": password_file, "error": error.strerror or error}
            ) from None
    password = getattr(settings, "ZI_SIGNING_PKCS12_PASSWORD", "")
    return password.encode("utf-8") if password else None


_cache: dict[tuple, object] = {}


def load_signer():
    """The pyHanko signer for the configured key (cached while the file is unchanged)."""
    # pyHanko takes a quarter of a second to import: loaded lazily, when a key or PDF is used.
    from pyhanko.sign import signers

    path = getattr(settings, "ZI_SIGNING_PKCS12_FILE", "")
    if not path:
        raise SigningKeyMissing(
            _(
                "Kunci tanda tangan elektronik belum dipasang. Minta admin sistem mengisi "
                "ZI_SIGNING_PKCS12_FILE dan kata sandinya (lihat README; untuk uji coba: "
                "python manage.py create_signing_key)."
            )
        )
    try:
        stat = Path(path).stat()
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningError(
            _("Berkas kunci tanda tangan tidak dapat dibaca (%(file)s): %(error)s")
            % {"file": path, "error": error.strerror or error}
        ) from None
    password = _password()
    cache_key = (path, stat.st_mtime_ns, stat.st_size, hashlib.sha256(password or b"").hexdigest())
    if cache_key in _cache:
        return _cache[cache_key]
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password)
    except ValueError:
        raise SigningError(
            _(
                "Kunci tanda tangan tidak dapat dibuka: berkas PKCS#12 rusak atau kata sandinya "
                "salah."
            )
        ) from None
    _cache.clear()
    _cache[cache_key] = signer
    return signer


def certificate_fingerprint(certificate) -> str:
    """SHA-256 of an asn1crypto certificate's DER bytes."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def key_status() -> KeyStatus:
    """Whether signing is possible, and with which certificate (for pages and commands)."""
    try:
        signer = load_signer()
    except SigningKeyMissing as error:
        return KeyStatus(configured=False, usable=False, message=str(error))
    except SigningError as error:
        return KeyStatus(configured=True, usable=False, message=str(error))
    certificate = signer.signing_cert
    not_after = certificate.not_valid_after
    if not_after < datetime.datetime.now(datetime.UTC):
        return KeyStatus(
            configured=True,
            usable=False,
            subject=certificate.subject.human_friendly,
            fingerprint=certificate_fingerprint(certificate),
            not_after=not_after,
            message=_("Sertifikat kunci tanda tangan sudah kedaluwarsa."),
        )
    return KeyStatus(
        configured=True,
        usable=True,
        subject=certificate.subject.human_friendly,
        fingerprint=certificate_fingerprint(certificate),
        not_after=not_after,
    )


@dataclass(frozen=True)
class SignedFile:
    content: bytes
    sha256: str
    certificate_subject: str
    certificate_sha256: str


def common_name(certificate) -> str:
    try:
        return (
            certificate.subject.native.get("common_name", "") or certificate.subject.human_friendly
        )
    except (AttributeError, ValueError):  # pragma: no cover - unusual certificates
        return certificate.subject.human_friendly


def sign_pdf(content: bytes, *, reason: str, location: str) -> SignedFile:
    """Apply a PAdES (ETSI.CAdES.detached) signature to `content` with the configured key."""
    # pyHanko takes a quarter of a second to import: loaded lazily, when a key or PDF is used.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer()
    metadata = signers.PdfSignatureMetadata(
        field_name="ZiTrackerSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:250],
        location=location[:120],
        name=common_name(signer.signing_cert),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
        signed = signers.sign_pdf(writer, metadata, signer=signer).getvalue()
    except Exception as error:  # pyHanko raises many kinds; the caller shows a message
        logger.exception("signing failed")
        raise SigningError(_("Penandatanganan gagal: %(error)s") % {"error": error}) from None
    return SignedFile(
        content=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        certificate_subject=signer.signing_cert.subject.human_friendly,
        certificate_sha256=certificate_fingerprint(signer.signing_cert),
    )


# --- reading signatures back -------------------------------------------------------------


@dataclass
class SignatureReport:
    """One embedded signature as the verification page explains it."""

    field_name: str
    signer: str
    certificate_sha256: str
    intact: bool  # the signed bytes are unchanged and the signature is cryptographically sound
    ours: bool  # made with a certificate this installation issues declarations with
    covers_whole_file: bool  # nothing was appended after signing
    signed_revision_sha256: str  # SHA-256 of the bytes up to the end of the signed range
    reason: str = ""
    location: str = ""
    signing_time: datetime.datetime | None = None


@dataclass
class PdfInspection:
    readable: bool
    signatures: list[SignatureReport] = field(default_factory=list)
    problem: str = ""


def _our_certificates(extra_fingerprints: set[str]) -> tuple[list, set[str]]:
    """Trust roots for validation: the configured certificate, plus fingerprints of the
    certificates earlier declarations were signed with (after a key change)."""
    roots = []
    fingerprints = set(extra_fingerprints)
    try:
        signer = load_signer()
    except SigningError:
        signer = None
    if signer is not None:
        roots.append(signer.signing_cert)
        fingerprints.add(certificate_fingerprint(signer.signing_cert))
    return roots, fingerprints


def inspect_pdf(content: bytes, *, known_certificates: set[str] | None = None) -> PdfInspection:
    """Read the signatures embedded in `content` and check each one. Never raises on bad input."""
    # pyHanko takes a quarter of a second to import: loaded lazily, when a key or PDF is used.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # a broken or hostile file: pyHanko raises many kinds
        return PdfInspection(readable=False, problem=_("Berkas PDF rusak atau tidak dapat dibaca."))
    roots, fingerprints = _our_certificates(known_certificates or set())
    reports = []
    for signature in embedded:
        try:
            certificate = signature.signer_cert
            fingerprint = certificate_fingerprint(certificate)
            signer = common_name(certificate)
        except Exception:
            fingerprint, signer = "", ""
        ours = bool(fingerprint) and fingerprint in fingerprints
        context_roots = [*roots, certificate] if ours and certificate not in roots else roots
        intact = False
        covers_whole_file = False
        try:
            status = validate_pdf_signature(
                signature, ValidationContext(trust_roots=context_roots, allow_fetching=False)
            )
            intact = bool(status.intact and status.valid)
            covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        except Exception:
            logger.info("signature validation failed", exc_info=True)
        signed_revision = ""
        try:
            start, _length, offset_2, length_2 = (int(x) for x in signature.byte_range)
            end = offset_2 + length_2
            if start == 0 and 0 < end <= len(content):
                signed_revision = hashlib.sha256(content[:end]).hexdigest()
        except (TypeError, ValueError):
            signed_revision = ""
        sig_object = signature.sig_object
        reports.append(
            SignatureReport(
                field_name=str(signature.field_name or ""),
                signer=signer,
                certificate_sha256=fingerprint,
                intact=intact,
                ours=ours,
                covers_whole_file=covers_whole_file,
                signed_revision_sha256=signed_revision,
                reason=str(sig_object.get("/Reason", "") or ""),
                location=str(sig_object.get("/Location", "") or ""),
                signing_time=signature.self_reported_timestamp,
            )
        )
    return PdfInspection(readable=True, signatures=reports)
