"""Validators for identifiers of Indonesian civil servants and units."""

import datetime
import re

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

UNIT_CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"

validate_unit_code = RegexValidator(
    rf"^{UNIT_CODE_PATTERN}\Z",
    _("Kode unit hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung."),
)


def validate_nip(value: str) -> None:
    """An ASN NIP: 18 digits = birth date (8) + appointment month (6) + sex (1) + serial (3).

    Checks the parts that can be checked without a registry, so that a typo is
    caught at once with a message saying which part is wrong.
    """
    if not re.fullmatch(r"\d{18}", value or ""):
        raise ValidationError(_("NIP harus terdiri dari 18 angka."), code="nip_format")
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP tidak valid: delapan angka pertama (%(part)s) bukan tanggal lahir."),
            code="nip_birth_date",
            params={"part": value[0:8]},
        ) from None
    if not 1 <= int(value[12:14]) <= 12:
        raise ValidationError(
            _("NIP tidak valid: angka ke-13 dan ke-14 (%(part)s) bukan bulan pengangkatan."),
            code="nip_appointment",
            params={"part": value[12:14]},
        )
    if value[14] not in "12":
        raise ValidationError(
            _("NIP tidak valid: angka ke-15 harus 1 (laki-laki) atau 2 (perempuan)."),
            code="nip_sex",
        )


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}


def validate_logo(value) -> None:
    """A letterhead logo: PNG, JPEG or WebP by its bytes, at most 2 MB (every PDF embeds it).

    Only a new upload is read; a logo already stored was checked when it came.
    """
    if not value or getattr(value, "_committed", True):
        return
    if value.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Logo paling besar 2 MB."), code="too_large")
    head = value.read(8192)
    value.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise ValidationError(_("Logo harus berkas PNG, JPEG atau WebP."), code="type")
