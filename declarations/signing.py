"""PAdES signatures with pyHanko: the keys kept in the database, which key signs which
unit's documents, signing, and reading signatures back.

Keys (`SigningKey`) are PKCS#12 files uploaded by administrators in the
application (or the trial key `make run` creates), stored encrypted at rest
(`lib.crypto`). `signer_for(unit)` says which key signs a unit's documents —
the nearest assignment on the unit or above it, else the installation's
default key — and `sign_pdf` signs with it and logs the use. Other documents
(a TPI's report) sign the same way: `sign_pdf(content, unit=..., document=...)`.

A trial key says so everywhere: its certificate's name, the signature's
reason, the stamp on the page, the verification page.

pyHanko's synchronous API runs its own event loop: call these functions from
synchronous code (views, services, tasks, commands), never from inside a
running event loop.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from declarations.models import SigningKey, SigningKeyAssignment, SigningKeyUse
from lib import crypto
from units.models import Unit

logger = logging.getLogger(__name__)

CRYPTO_PURPOSE = "signing-key"
TRIAL_MARK = "KUNCI UJI COBA"


class SigningError(Exception):
    """The key is missing, unreadable, or signing failed; the message is for people."""


class SigningKeyMissing(SigningError):
    pass


# --- keys: reading a PKCS#12, making a trial one ------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    common_name: str
    fingerprint: str  # SHA-256 of the certificate (DER), hex
    not_before: datetime.datetime
    not_after: datetime.datetime


def _name(name: x509.Name) -> str:
    return ", ".join(f"{attribute.rfc4514_attribute_name}={attribute.value}" for attribute in name)


def read_pkcs12(data: bytes, passphrase: bytes | None) -> CertificateFacts:
    """The certificate of a PKCS#12 that holds a private key; SigningError in plain words."""
    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(data, passphrase or None)
    except (ValueError, TypeError):
        raise SigningError(
            _("Berkas PKCS#12 tidak dapat dibuka: berkasnya rusak atau kata sandinya salah.")
        ) from None
    if key is None or certificate is None:
        raise SigningError(_("Berkas PKCS#12 ini tidak memuat kunci privat beserta sertifikatnya."))
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return CertificateFacts(
        subject=_name(certificate.subject)[:500],
        issuer=_name(certificate.issuer)[:500],
        common_name=str(names[0].value) if names else _name(certificate.subject)[:200],
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def build_pkcs12(*, common_name: str, organisation: str, password: bytes, days: int) -> bytes:
    """A PKCS#12 with an EC P-256 key and a self-signed certificate for document signing."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name[:64].encode("utf-8"),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password),
    )


# --- which key signs a unit's documents ---------------------------------------------------


def signer_for(unit: Unit | None) -> SigningKey | None:
    """The key that signs `unit`'s documents now: the nearest assignment on the unit or
    an ancestor whose key is active, else the installation's default key. Two queries
    at most. None when the installation has no key at all."""
    if unit is not None:
        assignment = (
            SigningKeyAssignment.objects.filter(
                unit__path__in=unit.lineage_paths, key__is_active=True
            )
            .select_related("key")
            .order_by("-unit__depth")
            .first()
        )
        if assignment is not None:
            return assignment.key
    return SigningKey.objects.filter(is_default=True).first()


@dataclass(frozen=True)
class KeyStatus:
    """Whether a unit's documents can be signed now, with which key, in words for people."""

    usable: bool
    key: SigningKey | None = None
    message: str = ""

    @property
    def is_trial(self) -> bool:
        return bool(self.key and self.key.is_trial)

    @property
    def subject(self) -> str:
        return self.key.subject if self.key else ""


def key_status(unit: Unit | None) -> KeyStatus:
    """Whether `unit`'s documents can be signed, and why not. No pyHanko, two queries."""
    key = signer_for(unit)
    if key is None:
        return KeyStatus(
            usable=False,
            message=_(
                "Belum ada kunci tanda tangan elektronik. Admin nasional dapat membuat kunci uji "
                "coba atau mengunggah sertifikat instansi di halaman Kunci tanda tangan."
            ),
        )
    now = timezone.now()
    if key.not_after < now:
        return KeyStatus(
            usable=False,
            key=key,
            message=_(
                "Sertifikat kunci %(name)s kedaluwarsa sejak %(date)s. Unggah sertifikat baru "
                "di halaman Kunci tanda tangan."
            )
            % {"name": key.name, "date": date_format(key.not_after, "DATE_FORMAT")},
        )
    if key.not_before > now:
        return KeyStatus(
            usable=False,
            key=key,
            message=_("Sertifikat kunci %(name)s baru berlaku pada %(date)s.")
            % {"name": key.name, "date": date_format(key.not_before, "DATE_FORMAT")},
        )
    return KeyStatus(usable=True, key=key)


_cache: dict[tuple[int, str], object] = {}


def load_signer(key: SigningKey):
    """pyHanko's signer for a stored key (decrypted once per process and kept)."""
    # pyHanko takes a quarter of a second to import: loaded lazily, when a key or PDF is used.
    from pyhanko.sign import signers

    cache_key = (key.pk, key.fingerprint)
    if cache_key in _cache:
        return _cache[cache_key]
    try:
        data = crypto.decrypt(key.pkcs12_encrypted, purpose=CRYPTO_PURPOSE)
        passphrase = crypto.decrypt(key.passphrase_encrypted, purpose=CRYPTO_PURPOSE)
    except crypto.Undecryptable:
        raise SigningError(
            _(
                "Kunci %(name)s tidak dapat dibuka dengan kunci enkripsi instalasi ini (kunci "
                "enkripsi telah berubah). Unggah ulang sertifikatnya."
            )
            % {"name": key.name}
        ) from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase or None
        )
    except ValueError:
        raise SigningError(
            _("Kunci %(name)s tidak dapat dibuka: berkas PKCS#12 rusak.") % {"name": key.name}
        ) from None
    _cache[cache_key] = signer
    return signer


def certificate_fingerprint(certificate) -> str:
    """SHA-256 of an asn1crypto certificate's DER bytes."""
    return hashlib.sha256(certificate.dump()).hexdigest()


@dataclass(frozen=True)
class SignedFile:
    content: bytes
    sha256: str
    certificate_subject: str
    certificate_sha256: str
    key: SigningKey
    trial: bool


def common_name(certificate) -> str:
    try:
        return (
            certificate.subject.native.get("common_name", "") or certificate.subject.human_friendly
        )
    except (AttributeError, ValueError):  # pragma: no cover - unusual certificates
        return certificate.subject.human_friendly


def stamp_text(key: SigningKey) -> str:
    """The words of the visible stamp: who signed, when, and a trial key's warning."""
    lines = [_("Ditandatangani secara elektronik (PAdES)"), "%(signer)s", "%(ts)s"]
    if key.is_trial:
        lines.append(_("%(mark)s - bukan sertifikat resmi instansi") % {"mark": TRIAL_MARK})
    return "\n".join(lines)


# Room for the signature (hex digits) in a file signed with each key, learnt from its first
# signature in this process. Left to itself, pyHanko signs every document twice: once, with a
# dummy digest, only to measure the signature, then for real; a key's signature is the same
# size every time (no timestamp server), so the first measure serves them all.
_reserved: dict[tuple[int, str], int] = {}
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]")


def _reserved_in(signed: bytes) -> int | None:
    """The hex digits reserved for the last signature of `signed`: the gap its /ByteRange
    leaves around /Contents (its `<` and `>` excluded)."""
    ranges = _BYTE_RANGE.findall(signed)
    if not ranges:
        return None
    first_length, second_start = (int(value) for value in ranges[-1])
    gap = second_start - first_length - 2
    return gap if gap > 0 else None


# The stamp sits in the top margin of the last page, right, above the letterhead, where no
# document of ours prints anything (points from the bottom left of an A4 page, 595 x 842).
STAMP_BOX = (330, 796, 572, 838)


def sign_pdf(
    content: bytes,
    *,
    unit: Unit | None,
    reason: str,
    location: str,
    document: str = "",
    by=None,
    stamp_box: tuple[int, int, int, int] = STAMP_BOX,
) -> SignedFile:
    """Apply a PAdES (ETSI.CAdES.detached) signature with the key that signs `unit`'s
    documents, with a visible stamp on the last page (`stamp_box`, in points from the
    page's bottom left, for layouts other than our A4 documents), and log the use."""
    # pyHanko takes a quarter of a second to import: loaded lazily, when a key or PDF is used.
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers

    status = key_status(unit)
    if not status.usable:
        raise (SigningKeyMissing if status.key is None else SigningError)(status.message)
    key = status.key
    signer = load_signer(key)
    if key.is_trial:
        reason = f"{reason} ({TRIAL_MARK})"
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
        pdf_signer = signers.PdfSigner(
            metadata,
            signer,
            stamp_style=stamp.TextStampStyle(
                stamp_text=stamp_text(key),
                border_width=1,
                timestamp_format="%d-%m-%Y %H:%M %Z",
                text_box_style=TextBoxStyle(font_size=7),
            ),
            new_field_spec=fields.SigFieldSpec("ZiTrackerSignature", on_page=-1, box=stamp_box),
        )
        cache_key = (key.pk, key.fingerprint)
        signed = pdf_signer.sign_pdf(writer, bytes_reserved=_reserved.get(cache_key)).getvalue()
        if cache_key not in _reserved and (reserved := _reserved_in(signed)):
            _reserved[cache_key] = reserved
    except Exception as error:  # pyHanko raises many kinds; the caller shows a message
        logger.exception("signing failed")
        raise SigningError(_("Penandatanganan gagal: %(error)s") % {"error": error}) from None
    digest = hashlib.sha256(signed).hexdigest()
    SigningKeyUse.objects.create(
        key=key, unit=unit, document=document[:300] or reason[:300], sha256=digest, used_by=by
    )
    return SignedFile(
        content=signed,
        sha256=digest,
        certificate_subject=signer.signing_cert.subject.human_friendly,
        certificate_sha256=certificate_fingerprint(signer.signing_cert),
        key=key,
        trial=key.is_trial,
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


def our_fingerprints(extra: set[str] | None = None) -> set[str]:
    """Certificates this installation signs with or has signed with (every stored key,
    retired ones included), plus those recorded on documents. One query."""
    return set(SigningKey.objects.values_list("fingerprint", flat=True)) | set(extra or ())


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
    fingerprints = our_fingerprints(known_certificates)
    reports = []
    for signature in embedded:
        try:
            certificate = signature.signer_cert
            fingerprint = certificate_fingerprint(certificate)
            signer = common_name(certificate)
        except Exception:
            fingerprint, signer = "", ""
        ours = bool(fingerprint) and fingerprint in fingerprints
        # Our own certificate is the trust root of our signatures (self-signed or not).
        context_roots = [certificate] if ours else []
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
