"""Writes to a unit's public service: services, standard versions, FGDs, maklumat, SKM.

Every change goes through one of these functions, from a view, the admin, an
import or a command, so validation and history are the same everywhere.

Permission: given the acting person (`by=`), a function refuses them as the
view that calls it does, with `units.access.check` on the object's unit —
EDIT_SELF to write services, drafts, FGDs, the maklumat draft and SKM data;
SUBMIT_SELF to publish a standard, sign the maklumat and (un)publish SKM
results — raising Http404 for outsiders and PermissionDenied for insiders
without the capability. `by=None` is the system (commands, demo data,
migrations) and is trusted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from lib.concurrency import check_revision
from lib.writes import record, refuse_unknown
from service_standards import skm
from service_standards.models import (
    STANDARD_MAKLUMAT_TEXT,
    Consultation,
    Maklumat,
    Respondent,
    SatisfactionSurvey,
    Service,
    StandardVersion,
)
from units import access
from units.access import Perm
from units.models import Unit, User
from units.validators import validate_nip

SERVICE_FIELDS = ("name", "slug", "description", "channel", "category", "is_active", "position")

# Minutes of an FGD: what a unit scans or writes, checked by content, not by name.
MINUTES_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def minutes_max_bytes() -> int:
    return settings.ZI_SERVICE_UPLOAD_MAX_BYTES


def _authorise(by: User | None, unit: Unit, perm: Perm) -> None:
    """Refuse a person without `perm` on the unit as `access.check` does; the system (None) may."""
    if by is not None:
        access.check(by, unit, perm)


# --- services -------------------------------------------------------------------------


def unique_slug(unit: Unit, name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "layanan"
    taken = set(
        Service.objects.filter(unit=unit, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _check_service_unique(service: Service) -> None:
    """Clear messages for duplicate names and slugs (Django's generic one is unclear here)."""
    others = Service.objects.filter(unit_id=service.unit_id).exclude(pk=service.pk)
    errors = {}
    if service.name and others.filter(name=service.name).exists():
        errors["name"] = _("Layanan bernama %(name)s sudah ada di unit ini.") % {
            "name": service.name
        }
    if service.slug and others.filter(slug=service.slug).exists():
        errors["slug"] = _("Alamat singkat %(slug)s sudah dipakai layanan lain di unit ini.") % {
            "slug": service.slug
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_create(*, unit: Unit, by: User | None, **fields: Any) -> Service:
    refuse_unknown(fields, allowed=SERVICE_FIELDS, what="service")
    _authorise(by, unit, Perm.EDIT_SELF)
    if not fields.get("slug"):
        fields["slug"] = unique_slug(unit, fields.get("name", ""))
    if "position" not in fields:
        fields["position"] = (
            Service.objects.filter(unit=unit).aggregate(last=Max("position"))["last"] or 0
        ) + 1
    service = Service(unit=unit, **fields)
    _check_service_unique(service)
    service.full_clean()
    record(service, by=by, reason="service_create")
    service.save()
    return service


@transaction.atomic
def service_update(*, service: Service, by: User | None, **fields: Any) -> Service:
    refuse_unknown(fields, allowed=SERVICE_FIELDS, what="service")
    _authorise(by, service.unit, Perm.EDIT_SELF)
    for name, value in fields.items():
        setattr(service, name, value)
    _check_service_unique(service)
    service.full_clean()
    record(service, by=by, reason="service_update")
    service.save()
    return service


# --- standard versions ----------------------------------------------------------------

# What a caller may set on a draft: why it changed, and its components.
VERSION_FIELDS = ("change_note", *StandardVersion.CONTENT_FIELDS)


@transaction.atomic
def version_create(
    *, service: Service, by: User | None, copy_from: StandardVersion | None = None, **fields: Any
) -> StandardVersion:
    """A new draft version; with `copy_from`, its components are copied (the usual way)."""
    refuse_unknown(fields, allowed=VERSION_FIELDS, what="version")
    _authorise(by, service.unit, Perm.EDIT_SELF)
    # Lock the service so two people creating drafts at once get distinct numbers.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    number = (service.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    values: dict[str, Any] = {}
    if copy_from is not None:
        if copy_from.service_id != service.pk:
            raise ValidationError(_("Versi sumber milik layanan lain."))
        values = {name: getattr(copy_from, name) for name in StandardVersion.CONTENT_FIELDS}
        values = {k: list(v) if isinstance(v, list) else v for k, v in values.items()}
    values.update(fields)
    version = StandardVersion(
        service=service, number=number, based_on=copy_from, created_by=by, **values
    )
    version.full_clean()
    record(version, by=by, reason="version_create")
    version.save()
    return version


def _ensure_draft(version: StandardVersion) -> None:
    if not version.is_draft:
        raise ValidationError(
            _("Versi %(number)d sudah %(status)s dan tidak dapat diubah; buat versi baru.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )


# Decree details a draft may carry before it is published (the admin's publish action uses them).
PREPARED_FIELDS = ("decree_number", "decree_date", "effective_date", "consultation")


@transaction.atomic
def version_update(
    *,
    version: StandardVersion,
    by: User | None,
    expected_revision: int | None = None,
    **fields: Any,
) -> StandardVersion:
    """Change a draft's components. Published and superseded versions never change.

    With `expected_revision` (the revision the edit form was opened at), a draft
    someone saved in the meantime raises EditConflict and nothing is written.
    """
    refuse_unknown(fields, allowed={*VERSION_FIELDS, *PREPARED_FIELDS}, what="version")
    _authorise(by, version.service.unit, Perm.EDIT_SELF)
    version = StandardVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_draft(version)
    check_revision(version, expected_revision)
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.revision += 1
    record(version, by=by, reason="version_update")
    version.save()
    return version


@transaction.atomic
def version_delete(*, version: StandardVersion, by: User | None) -> None:
    """Discard a draft (history keeps it)."""
    _authorise(by, version.service.unit, Perm.EDIT_SELF)
    version = StandardVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_draft(version)
    record(version, by=by, reason="version_delete")
    version.delete()


@dataclass
class PublishOutcome:
    version: StandardVersion
    superseded: StandardVersion | None
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def version_publish(
    *,
    version: StandardVersion,
    by: User | None,
    decree_number: str,
    decree_date,
    effective_date,
    consultation: Consultation | None = None,
) -> PublishOutcome:
    """Publish a draft: supersede the service's published version, then publish this one.

    One transaction; the service row is locked first, so two people publishing
    at once take turns, and the partial unique constraint refuses a second
    published row whatever happens. Without a consultation (FGD) the version
    is still published, with a warning: PermenPAN-RB 15/2014 expects standards
    to be drawn up with the public.
    """
    _authorise(by, version.service.unit, Perm.SUBMIT_SELF)
    Service.objects.select_for_update().filter(pk=version.service_id).first()
    version = (
        StandardVersion.objects.select_for_update().select_related("service").get(pk=version.pk)
    )
    _ensure_draft(version)
    missing = version.missing_components()
    if missing:
        raise ValidationError(
            _("Versi belum dapat diterbitkan; komponen berikut masih kosong: %(list)s.")
            % {"list": ", ".join(missing)}
        )
    errors = {}
    if not (decree_number or "").strip():
        errors["decree_number"] = _("Isi nomor keputusan penetapan standar pelayanan.")
    if decree_date is None:
        errors["decree_date"] = _("Isi tanggal keputusan.")
    if effective_date is None:
        errors["effective_date"] = _("Isi tanggal mulai berlaku.")
    if decree_date and effective_date and effective_date < decree_date:
        errors["effective_date"] = _("Tanggal berlaku tidak boleh sebelum tanggal keputusan.")
    if consultation is not None and consultation.unit_id != version.service.unit_id:
        errors["consultation"] = _("Konsultasi publik itu milik unit lain.")
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    superseded = (
        StandardVersion.objects.select_for_update()
        .filter(service_id=version.service_id, status=StandardVersion.Status.PUBLISHED)
        .first()
    )
    if superseded is not None:
        superseded.status = StandardVersion.Status.SUPERSEDED
        superseded.superseded_at = now
        record(superseded, by=by, reason=f"version_superseded {version.number}")
        superseded.save()

    version.status = StandardVersion.Status.PUBLISHED
    version.decree_number = decree_number.strip()
    version.decree_date = decree_date
    version.effective_date = effective_date
    version.consultation = consultation
    version.published_at = now
    version.published_by = by
    version.full_clean()
    record(version, by=by, reason="version_publish")
    version.save()

    warnings = []
    if consultation is None:
        warnings.append(
            _(
                "Standar pelayanan diterbitkan tanpa catatan konsultasi publik (FGD). "
                "PermenPAN-RB 15/2014 mewajibkan penyusunan bersama masyarakat; catat FGD-nya."
            )
        )
    return PublishOutcome(version=version, superseded=superseded, warnings=warnings)


# --- consultations --------------------------------------------------------------------


@dataclass
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    original_name: str


def check_minutes_upload(uploaded) -> CheckedUpload:
    """Read an uploaded file and check its size and type by its content."""
    limit = minutes_max_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB.")
            % {"size": f"{uploaded.size / 1048576:.1f}", "max": f"{limit / 1048576:.0f}"}
        )
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("Berkas terlalu besar; paling besar %(max)s MB.") % {"max": f"{limit / 1048576:.0f}"}
        )
    if not content:
        raise ValidationError(_("Berkas kosong."))
    kind = filetype.guess(content)
    if kind is None or kind.mime not in MINUTES_TYPES:
        raise ValidationError(_("Jenis berkas tidak diterima. Unggah PDF, JPG, PNG, atau DOCX."))
    name = Path(getattr(uploaded, "name", "") or "notulen").name
    stem = get_valid_filename(Path(name).stem)[:80] or "notulen"
    return CheckedUpload(
        content, kind.mime, MINUTES_TYPES[kind.mime], stem + MINUTES_TYPES[kind.mime]
    )


def _attach_minutes(consultation: Consultation, upload: CheckedUpload) -> None:
    consultation.minutes_name = upload.original_name
    consultation.minutes_size = len(upload.content)
    consultation.minutes_content_type = upload.content_type
    consultation.minutes_sha256 = hashlib.sha256(upload.content).hexdigest()
    consultation.minutes.save("minutes" + upload.extension, ContentFile(upload.content), save=False)


CONSULTATION_FIELDS = ("held_on", "title", "place", "participants", "summary")


@transaction.atomic
def consultation_create(
    *,
    unit: Unit,
    by: User | None,
    services: Iterable[Service] = (),
    minutes: CheckedUpload | None = None,
    **fields: Any,
) -> Consultation:
    refuse_unknown(fields, allowed=CONSULTATION_FIELDS, what="consultation")
    _authorise(by, unit, Perm.EDIT_SELF)
    services = list(services)
    if any(service.unit_id != unit.pk for service in services):
        raise ValidationError(_("Layanan yang dipilih harus milik unit ini."))
    consultation = Consultation(unit=unit, created_by=by, **fields)
    consultation.full_clean(exclude=["minutes"])
    if minutes is not None:
        _attach_minutes(consultation, minutes)
    record(consultation, by=by, reason="consultation_create")
    consultation.save()
    consultation.services.set(services)
    return consultation


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    by: User | None,
    services: Iterable[Service] | None = None,
    minutes: CheckedUpload | None = None,
    **fields: Any,
) -> Consultation:
    refuse_unknown(fields, allowed=CONSULTATION_FIELDS, what="consultation")
    _authorise(by, consultation.unit, Perm.EDIT_SELF)
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.full_clean(exclude=["minutes"])
    if minutes is not None:
        _attach_minutes(consultation, minutes)
    record(consultation, by=by, reason="consultation_update")
    consultation.save()
    if services is not None:
        services = list(services)
        if any(service.unit_id != consultation.unit_id for service in services):
            raise ValidationError(_("Layanan yang dipilih harus milik unit ini."))
        consultation.services.set(services)
    return consultation


# --- maklumat -------------------------------------------------------------------------


@transaction.atomic
def maklumat_save_draft(
    *, unit: Unit, by: User | None, text: str, expected_revision: int | None = None
) -> Maklumat:
    """Create or change the unit's draft maklumat.

    With `expected_revision` (0 when the person saw no draft), a draft someone
    created or saved in the meantime raises EditConflict and nothing is written.
    """
    _authorise(by, unit, Perm.EDIT_SELF)
    draft = (
        Maklumat.objects.select_for_update().filter(unit=unit, status=Maklumat.Status.DRAFT).first()
    )
    if draft is None:
        # Also when the draft the person was editing has just been signed: their
        # text becomes the next draft, and the signed maklumat stays as it is.
        draft = Maklumat(unit=unit)
    else:
        check_revision(draft, expected_revision)
    draft.text = (text or "").strip() or STANDARD_MAKLUMAT_TEXT
    draft.revision += 1
    draft.full_clean()
    record(draft, by=by, reason="maklumat_save_draft")
    draft.save()
    return draft


@transaction.atomic
def maklumat_sign(
    *,
    maklumat: Maklumat,
    by: User | None,
    signed_on,
    signed_place: str,
    signer_name: str | None = None,
    signer_nip: str | None = None,
    signer_position: str | None = None,
) -> Maklumat:
    """Record that the head of unit signed the draft; the previous signed one is superseded.

    The signer defaults to the head recorded on the unit (name, NIP, position).
    """
    _authorise(by, maklumat.unit, Perm.SUBMIT_SELF)
    maklumat = Maklumat.objects.select_for_update().select_related("unit").get(pk=maklumat.pk)
    if maklumat.status != Maklumat.Status.DRAFT:
        raise ValidationError(_("Hanya draf maklumat yang dapat ditandatangani."))
    unit = maklumat.unit
    name = (signer_name if signer_name is not None else unit.head_name).strip()
    nip = (signer_nip if signer_nip is not None else unit.head_nip).strip()
    position = (signer_position if signer_position is not None else unit.head_position).strip()
    errors = {}
    if not name:
        errors["signer_name"] = _(
            "Nama pimpinan unit belum diisi; lengkapi profil unit atau isi nama penanda tangan."
        )
    if nip:
        try:
            validate_nip(nip)
        except ValidationError as error:
            errors["signer_nip"] = error.messages
    if not (signed_place or "").strip():
        errors["signed_place"] = _("Isi tempat penandatanganan.")
    if signed_on is None:
        errors["signed_on"] = _("Isi tanggal penandatanganan.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("Tanggal penandatanganan tidak boleh di masa depan.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = (
        Maklumat.objects.select_for_update()
        .filter(unit=unit, status=Maklumat.Status.SIGNED)
        .first()
    )
    if previous is not None:
        previous.status = Maklumat.Status.SUPERSEDED
        previous.superseded_at = now
        record(previous, by=by, reason="maklumat_superseded")
        previous.save()
    maklumat.status = Maklumat.Status.SIGNED
    maklumat.signer_name = name
    maklumat.signer_nip = nip
    maklumat.signer_position = position or _("Kepala %(unit)s") % {"unit": unit.name}
    maklumat.signed_place = signed_place.strip()
    maklumat.signed_on = signed_on
    maklumat.signed_at = now
    maklumat.signed_by = by
    maklumat.full_clean()
    record(maklumat, by=by, reason="maklumat_sign")
    maklumat.save()
    return maklumat


# --- SKM ------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    unit: Unit,
    by: User | None,
    year: int,
    period_kind: str,
    period_number: int,
    service: Service | None = None,
    note: str = "",
) -> SatisfactionSurvey:
    _authorise(by, unit, Perm.EDIT_SELF)
    if service is not None and service.unit_id != unit.pk:
        raise ValidationError({"service": _("Layanan itu milik unit lain.")})
    duplicate = SatisfactionSurvey.objects.filter(
        unit=unit, service=service, year=year, period_kind=period_kind, period_number=period_number
    )
    if duplicate.exists():
        raise ValidationError(_("Periode survei ini sudah ada; buka dan perbarui datanya."))
    survey = SatisfactionSurvey(
        unit=unit,
        service=service,
        year=year,
        period_kind=period_kind,
        period_number=period_number,
        note=note,
    )
    survey.full_clean(exclude=["period_start", "period_end"])
    record(survey, by=by, reason="survey_create")
    survey.save()
    return survey


def _ensure_survey_draft(survey: SatisfactionSurvey) -> None:
    if survey.is_published:
        raise ValidationError(
            _(
                "Hasil periode ini sudah dipublikasikan; tarik publikasinya dahulu "
                "untuk mengubah data."
            )
        )


def _store_result(survey: SatisfactionSurvey, result: skm.SkmResult) -> None:
    for code, value in zip(skm.ELEMENT_CODES, result.nrr_decimal(), strict=True):
        setattr(survey, f"nrr_{code}", value)
    survey.respondent_count = result.respondent_count
    survey.ikm = result.ikm
    survey.grade = result.grade


@dataclass
class RespondentRow:
    row_number: int
    values: tuple[int | None, ...]  # None where the respondent left the element blank
    sex: str = ""
    age: int | None = None
    education: str = ""
    occupation: str = ""
    service_used: str = ""


@transaction.atomic
def survey_replace_respondents(
    *, survey: SatisfactionSurvey, by: User | None, rows: Sequence[RespondentRow]
) -> SatisfactionSurvey:
    """Replace the period's respondents with these rows and recompute the result."""
    _authorise(by, survey.unit, Perm.EDIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    _ensure_survey_draft(survey)
    if not rows:
        raise ValidationError(_("Berkas tidak berisi responden."))
    result = _computed(row.values for row in rows)
    survey.respondents.all().delete()
    Respondent.objects.bulk_create(
        [
            Respondent(
                survey=survey,
                row_number=row.row_number,
                sex=row.sex,
                age=row.age,
                education=row.education,
                occupation=row.occupation,
                service_used=row.service_used,
                **dict(zip(skm.ELEMENT_CODES, row.values, strict=True)),
            )
            for row in rows
        ],
        batch_size=500,
    )
    _store_result(survey, result)
    survey.source = SatisfactionSurvey.Source.RESPONDENTS
    survey.full_clean()
    record(survey, by=by, reason=f"survey_import {result.respondent_count}")
    survey.save()
    return survey


@transaction.atomic
def survey_set_averages(
    *,
    survey: SatisfactionSurvey,
    by: User | None,
    averages: Sequence[Decimal],
    respondent_count: int,
) -> SatisfactionSurvey:
    """Enter the nine element averages directly (respondent rows kept elsewhere)."""
    _authorise(by, survey.unit, Perm.EDIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    _ensure_survey_draft(survey)
    if len(averages) != len(skm.ELEMENT_CODES):
        raise ValidationError(_("Isi rata-rata kesembilan unsur."))
    for code, value in zip(skm.ELEMENT_CODES, averages, strict=True):
        if value is None or not Decimal("1") <= value <= Decimal("4"):
            raise ValidationError(
                {
                    f"nrr_{code}": _("Rata-rata %(code)s harus antara 1,00 dan 4,00.")
                    % {"code": code.upper()}
                }
            )
    if respondent_count < 1:
        raise ValidationError({"respondent_count": _("Isi jumlah responden (paling sedikit 1).")})
    result = skm.from_averages(averages, respondent_count=respondent_count)
    survey.respondents.all().delete()
    _store_result(survey, result)
    # The entered values are kept as entered, not re-rounded.
    for code, value in zip(skm.ELEMENT_CODES, averages, strict=True):
        setattr(survey, f"nrr_{code}", value)
    survey.source = SatisfactionSurvey.Source.AVERAGES
    survey.full_clean()
    record(survey, by=by, reason="survey_set_averages")
    survey.save()
    return survey


@transaction.atomic
def survey_recompute(*, survey: SatisfactionSurvey, by: User | None) -> SatisfactionSurvey:
    """Recompute the stored result from the kept respondent rows."""
    _authorise(by, survey.unit, Perm.EDIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.source != SatisfactionSurvey.Source.RESPONDENTS:
        return survey
    rows = survey.respondents.values_list(*skm.ELEMENT_CODES)
    result = _computed(rows)
    _store_result(survey, result)
    survey.full_clean()
    record(survey, by=by, reason="survey_recompute")
    survey.save()
    return survey


def _computed(rows) -> skm.SkmResult:
    try:
        return skm.compute(rows)
    except skm.UnansweredElements as error:
        raise ValidationError(
            _(
                "Unsur %(codes)s tidak dijawab satu responden pun; rata-ratanya tidak dapat dihitung."
            )
            % {"codes": ", ".join(code.upper() for code in error.codes)}
        ) from None


@transaction.atomic
def survey_set_population(
    *, survey: SatisfactionSurvey, population: int | None, by: User | None
) -> SatisfactionSurvey:
    """Record the period's population of service users, from which the sample is sized."""
    _authorise(by, survey.unit, Perm.EDIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if population is not None and population < 1:
        raise ValidationError({"population": _("Populasi paling sedikit 1.")})
    survey.population = population
    survey.full_clean()
    record(survey, by=by, reason="survey_set_population")
    survey.save(update_fields=["population", "updated_at"])
    return survey


@transaction.atomic
def survey_publish(
    *, survey: SatisfactionSurvey, by: User | None, small_sample_confirmed: bool = False
) -> SatisfactionSurvey:
    """Publish the period's result. A sample smaller than the population needs
    (Krejcie–Morgan), or a period without its population, is published only when the
    person confirms it after the warning; the warning is kept in history."""
    _authorise(by, survey.unit, Perm.SUBMIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_published:
        raise ValidationError(_("Hasil periode ini sudah dipublikasikan."))
    if not survey.has_result:
        raise ValidationError(
            _("Belum ada hasil: impor data responden atau isi rata-rata per unsur.")
        )
    warning = survey.sample_warning
    if warning and not small_sample_confirmed:
        raise ValidationError(
            [warning, _("Centang konfirmasi untuk tetap mempublikasikan hasil ini.")]
        )
    survey.status = SatisfactionSurvey.Status.PUBLISHED
    survey.published_at = timezone.now()
    survey.published_by = by
    record(
        survey, by=by, reason="survey_publish" + (f" (dikonfirmasi: {warning})" if warning else "")
    )
    survey.save()
    return survey


@transaction.atomic
def survey_unpublish(*, survey: SatisfactionSurvey, by: User | None) -> SatisfactionSurvey:
    _authorise(by, survey.unit, Perm.SUBMIT_SELF)
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_published:
        raise ValidationError(_("Hasil periode ini belum dipublikasikan."))
    survey.status = SatisfactionSurvey.Status.DRAFT
    survey.published_at = None
    survey.published_by = None
    record(survey, by=by, reason="survey_unpublish")
    survey.save()
    return survey


# --- text lists -----------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*–])\s+")


def parse_lines(text: str) -> list[str]:
    """One item per line; blank lines dropped; typed bullets and numbers removed."""
    items = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line).strip()
        if line:
            items.append(line)
    return items
