"""Declarations: the pencanangan of a Zona Integritas and the documents signed at it.

A declaration (piagam pencanangan, pakta integritas, komitmen bersama,
pernyataan kesiapan) is organised by one unit (its letterhead), declared by
one or more units of that unit's subtree, signed by declarants (usually each
unit's head) and witnessed by outsiders (Ombudsman, KPK, the regional
government, DPRD, the press, universities).

Life: draft → final (text and PDF frozen, SHA-256 recorded) → signed (a
PAdES-signed copy kept beside the unsigned one). An issued declaration is
never edited or deleted: it can only be revoked or superseded, which keeps
its files and changes its status.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from declarations import texts
from lib.dates import plausible_date
from lib.jobs import BackgroundJob, JobStatus
from units.access import ROLE_PERMS, Perm, memberships_of
from units.models import Unit, actor_field
from units.validators import validate_nip


class DeclarationKind(models.TextChoices):
    PIAGAM = "piagam", _("Piagam pencanangan pembangunan Zona Integritas")
    PAKTA_INTEGRITAS = "pakta_integritas", _("Pakta integritas")
    KOMITMEN_BERSAMA = "komitmen_bersama", _("Komitmen bersama")
    PERNYATAAN_KESIAPAN = "pernyataan_kesiapan", _("Pernyataan kesiapan")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    FINAL = "final", _("Final")
    SIGNED = "signed", _("Ditandatangani")
    REVOKED = "revoked", _("Dicabut")
    SUPERSEDED = "superseded", _("Diganti")


ISSUED_STATUSES = (
    DeclarationStatus.FINAL,
    DeclarationStatus.SIGNED,
    DeclarationStatus.REVOKED,
    DeclarationStatus.SUPERSEDED,
)
VALID_STATUSES = (DeclarationStatus.FINAL, DeclarationStatus.SIGNED)


def new_verification_token() -> str:
    """An unguessable token for the public verification address (printed in the QR code)."""
    return secrets.token_urlsafe(24)


def _pdf_path(declaration: Declaration, filename: str) -> str:
    return f"declarations/{declaration.verification_token}/{filename}"


class DeclarationTemplate(models.Model):
    """The body template of one kind, edited by national admins. Shipped text when absent."""

    kind = models.CharField(_("jenis"), max_length=32, choices=DeclarationKind.choices, unique=True)
    title = models.CharField(_("judul baku"), max_length=255)
    body = models.TextField(
        _("teks baku"),
        help_text=_(
            "Penanda dalam kurung kurawal diisi saat dokumen dibuat, misalnya {unit}, {date}, "
            "{framework}, {city}. Baris yang diawali '1.' menjadi daftar bernomor."
        ),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("templat teks")
        verbose_name_plural = _("templat teks")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        try:
            texts.check_placeholders(self.body, texts.placeholders_for(self.kind))
        except ValidationError as error:
            raise ValidationError({"body": error}) from None


class DeclarationQuerySet(models.QuerySet):
    def issued(self) -> DeclarationQuerySet:
        """Frozen: final, signed, revoked or superseded."""
        return self.filter(status__in=ISSUED_STATUSES)

    def valid(self) -> DeclarationQuerySet:
        """Issued and neither revoked nor superseded."""
        return self.filter(status__in=VALID_STATUSES)

    def drafts(self) -> DeclarationQuerySet:
        return self.filter(status=DeclarationStatus.DRAFT)

    def in_subtree_of(self, unit: Unit) -> DeclarationQuerySet:
        """Organised by, or declared by, the unit or any unit below it."""
        return self.filter(
            Q(unit__path__startswith=unit.path)
            | Q(
                pk__in=DeclaringUnit.objects.filter(unit__path__startswith=unit.path).values(
                    "declaration_id"
                )
            )
        )

    def involving(self, unit: Unit) -> DeclarationQuerySet:
        """Organised by the unit itself or naming it as a declaring unit."""
        return self.filter(
            Q(unit=unit)
            | Q(pk__in=DeclaringUnit.objects.filter(unit=unit).values("declaration_id"))
        )

    def visible_to(self, user) -> DeclarationQuerySet:
        """What the person may see: issued declarations of any unit in their subtrees,
        and drafts of units they administer. Costs no query until evaluated
        (the memberships are cached on the user for the request)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        memberships = memberships_of(user)
        view_paths = {m.unit.path for m in memberships}
        admin_paths = {m.unit.path for m in memberships if Perm.ADMINISTER in ROLE_PERMS[m.role]}

        def within(paths: set[str]) -> Q:
            # The same condition on the organiser (Declaration.unit) and on DeclaringUnit.unit.
            in_paths = Q(pk__in=[])
            for path in paths:
                in_paths |= Q(unit__path__startswith=path)
            return in_paths | Q(
                pk__in=DeclaringUnit.objects.filter(in_paths).values("declaration_id")
            )

        return self.filter(
            (within(view_paths) & ~Q(status=DeclarationStatus.DRAFT))
            | (within(admin_paths) & Q(status=DeclarationStatus.DRAFT))
        )


class Declaration(models.Model):
    """One declaration document and the event at which it was declared."""

    kind = models.CharField(_("jenis"), max_length=32, choices=DeclarationKind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="organised_declarations",
        verbose_name=_("unit penyelenggara"),
        help_text=_(
            "Unit yang menyelenggarakan pencanangan; kop suratnya dipakai. Unit yang "
            "mencanangkan berada di unit ini atau di bawahnya."
        ),
    )
    framework = models.ForeignKey(
        "change_areas.Framework",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kerangka regulasi"),
    )
    title = models.CharField(_("judul"), max_length=300)
    document_number = models.CharField(
        _("nomor dokumen"),
        max_length=100,
        blank=True,
        help_text=_("Kosongkan untuk nomor otomatis saat difinalkan."),
    )
    event_date = models.DateField(_("tanggal"), validators=[plausible_date])
    event_time = models.TimeField(_("pukul"), null=True, blank=True)
    venue = models.CharField(_("tempat"), max_length=200)
    city = models.CharField(_("kota"), max_length=100)
    body = models.TextField(
        _("isi"),
        help_text=_(
            "Teks dokumen. Penanda dalam kurung kurawal ({unit}, {date}, {framework}, {city}, "
            "…) diisi otomatis; baris yang diawali '1.' menjadi daftar bernomor."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DRAFT,
    )
    # Raised by one on every save through the services; edit forms send back the
    # revision they were opened at, so a save over someone else's is refused.
    revision = models.PositiveIntegerField(_("revisi"), default=0, editable=False)
    verification_token = models.CharField(
        _("token verifikasi"),
        max_length=64,
        unique=True,
        default=new_verification_token,
        editable=False,
    )

    # Frozen at finalisation.
    snapshot = models.JSONField(
        _("isi yang dibekukan"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Isi dokumen saat difinalkan: yang ditampilkan halaman verifikasi."),
    )
    content_sha256 = models.CharField(_("SHA-256 isi"), max_length=64, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("difinalkan"), null=True, blank=True, editable=False)
    finalised_by = actor_field(_("difinalkan oleh"), editable=False)

    # Signed copy (PAdES); the unsigned PDF stays as issued.
    signed_pdf = models.FileField(
        _("PDF bertanda tangan"), upload_to=_pdf_path, blank=True, editable=False
    )
    signed_sha256 = models.CharField(
        _("SHA-256 PDF bertanda tangan"), max_length=64, blank=True, editable=False
    )
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True, editable=False)
    signed_by = actor_field(_("ditandatangani oleh"), editable=False)
    signing_certificate = models.CharField(
        _("sertifikat penanda tangan"), max_length=300, blank=True, editable=False
    )
    signing_certificate_sha256 = models.CharField(
        _("SHA-256 sertifikat"), max_length=64, blank=True, editable=False
    )
    signed_with_trial_key = models.BooleanField(
        _("ditandatangani dengan kunci uji coba"), default=False, editable=False
    )

    # Revocation or supersession: the files stay, the status changes.
    ended_at = models.DateTimeField(_("dicabut/diganti"), null=True, blank=True, editable=False)
    ended_by = actor_field(_("dicabut/diganti oleh"), editable=False)
    end_reason = models.TextField(_("alasan pencabutan/penggantian"), blank=True, editable=False)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("diganti dengan"),
        editable=False,
    )

    created_by = actor_field(_("dibuat oleh"), editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["snapshot"])
    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("pencanangan")
        verbose_name_plural = _("pencanangan")
        ordering = ["-event_date", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DeclarationStatus.DRAFT)
                | (~Q(pdf="") & ~Q(pdf_sha256="") & ~Q(content_sha256="")),
                name="declaration_issued_has_frozen_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeclarationStatus.SIGNED)
                | (~Q(signed_pdf="") & ~Q(signed_sha256="")),
                name="declaration_signed_has_signed_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeclarationStatus.SUPERSEDED) | Q(superseded_by__isnull=False),
                name="declaration_superseded_names_replacement",
            ),
        ]

    def __str__(self) -> str:
        number = f"{self.document_number} — " if self.document_number else ""
        return f"{number}{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("declarations:detail", kwargs={"pk": self.pk})

    def get_verification_path(self) -> str:
        return reverse("declarations:verify", kwargs={"token": self.verification_token})

    @property
    def is_draft(self) -> bool:
        return self.status == DeclarationStatus.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES

    @property
    def is_valid(self) -> bool:
        return self.status in VALID_STATUSES

    @property
    def is_signed(self) -> bool:
        """Has a signed copy (also after revocation or supersession)."""
        return bool(self.signed_sha256)

    @property
    def is_pakta(self) -> bool:
        return self.kind == DeclarationKind.PAKTA_INTEGRITAS

    @property
    def status_badge(self) -> str:
        return {
            DeclarationStatus.DRAFT: "muted",
            DeclarationStatus.FINAL: "ok",
            DeclarationStatus.SIGNED: "ok",
            DeclarationStatus.REVOKED: "danger",
            DeclarationStatus.SUPERSEDED: "warning",
        }[DeclarationStatus(self.status)]

    def file_stem(self) -> str:
        """A safe file name (no extension) for downloads: kind, unit code, date, id."""
        return slugify(f"{self.kind}-{self.unit.code}-{self.event_date:%Y-%m-%d}-{self.pk}")


class DeclaringUnit(models.Model):
    """A unit that declares; a joint statement has several (in print order)."""

    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        related_name="declaring_units",
        verbose_name=_("pencanangan"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="declarations_declared", verbose_name=_("unit")
    )
    order = models.PositiveIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit yang mencanangkan")
        verbose_name_plural = _("unit yang mencanangkan")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "unit"], name="declaring_unit_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def clean(self) -> None:
        # The declaration may be unsaved (the admin's add form validates its inlines first).
        try:
            declaration = self.declaration
        except Declaration.DoesNotExist:
            declaration = None
        if self.unit_id and declaration is not None and declaration.unit_id:
            organiser = declaration.unit
            if not self.unit.path.startswith(organiser.path):
                raise ValidationError(
                    {
                        "unit": _(
                            "%(unit)s tidak berada di bawah unit penyelenggara %(organiser)s."
                        )
                        % {"unit": self.unit, "organiser": organiser}
                    }
                )


def _signature_path(instance, filename: str) -> str:
    return f"declarations/signatures/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    lowered = filename.lower()
    for suffix in (".png", ".jpg", ".jpeg", ".webp"):
        if lowered.endswith(suffix):
            return suffix
    return ""


class Participant(models.Model):
    """Fields declarants and witnesses share."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="+", verbose_name=_("pencanangan")
    )
    name = models.CharField(_("nama"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    signature_image = models.ImageField(
        _("gambar tanda tangan"),
        upload_to=_signature_path,
        blank=True,
        help_text=_("Opsional: PNG atau JPEG, latar transparan atau putih, paling besar 2 MB."),
    )
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Declarant(Participant):
    """A person who declares and signs: a unit's head, or each employee of a pakta integritas."""

    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        related_name="declarants",
        verbose_name=_("pencanangan"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Unit yang dipimpin atau tempat bekerja penanda tangan."),
    )
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 angka; kosongkan untuk pejabat non-ASN (misalnya bupati)."),
    )

    history = HistoricalRecords()

    # A row of the signatories' list, as the application's and the admin's forms show it.
    ROW_FIELDS = ("name", "nip", "position", "unit", "signature_image", "order")

    class Meta(Participant.Meta):
        verbose_name = _("penanda tangan")
        verbose_name_plural = _("penanda tangan")


class Witness(Participant):
    """A witness ('Menyaksikan'): Ombudsman, KPK, the regional government, DPRD, press, campus."""

    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        related_name="witnesses",
        verbose_name=_("pencanangan"),
    )
    institution = models.CharField(_("instansi"), max_length=255, blank=True)

    history = HistoricalRecords()

    # A row of the witnesses' list, as the application's and the admin's forms show it.
    ROW_FIELDS = ("name", "position", "institution", "signature_image", "order")

    class Meta(Participant.Meta):
        verbose_name = _("saksi")
        verbose_name_plural = _("saksi")


# The status of a print job: one set of choices for every background job (lib.jobs).
PrintJobStatus = JobStatus


class PrintJob(BackgroundJob):
    """A zip of many declaration PDFs, built by a background task above a small threshold."""

    declaration_ids = models.JSONField(_("pencanangan"), default=list)
    total = models.PositiveIntegerField(_("jumlah berkas"), default=0)
    file = models.FileField(_("berkas zip"), upload_to="declarations/print-jobs/", blank=True)

    keep_days_setting = "ZI_PRINT_JOB_KEEP_DAYS"

    class Meta(BackgroundJob.Meta):
        verbose_name = _("pekerjaan cetak")
        verbose_name_plural = _("pekerjaan cetak")

    def get_absolute_url(self) -> str:
        return reverse("declarations:print_job", kwargs={"job_id": self.pk})


# --- signing keys ---------------------------------------------------------------------------


class SigningKey(models.Model):
    """A PAdES signing key (PKCS#12) kept in the database, encrypted at rest.

    The PKCS#12 and its passphrase are encrypted with `lib.crypto` and never shown
    again; pages show the certificate's subject, fingerprint and validity. A key is
    the installation's own (`owner` empty; one of those is the default) or an
    instansi's (`owner` the unit whose administrators manage it). Which key signs a
    unit's documents: the nearest assignment on the unit or above it, else the
    default (`declarations.signing.signer_for`). A retired key stays, so the
    signatures it made are still recognised as ours.
    """

    name = models.CharField(_("nama"), max_length=200)
    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikelola oleh unit"),
        help_text=_("Kosong: kunci instalasi, dikelola admin nasional."),
    )
    is_trial = models.BooleanField(
        _("kunci uji coba"),
        default=False,
        help_text=_("Swa-tanda-tangan, dibuat oleh ZI Tracker; bukan sertifikat resmi instansi."),
    )
    is_default = models.BooleanField(
        _("kunci bawaan"),
        default=False,
        help_text=_("Menandatangani dokumen unit yang tidak ditetapkan kunci lain."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    pkcs12_encrypted = models.BinaryField(_("PKCS#12 terenkripsi"), editable=False)
    passphrase_encrypted = models.BinaryField(_("kata sandi terenkripsi"), editable=False)
    subject = models.CharField(_("subjek sertifikat"), max_length=500, editable=False)
    issuer = models.CharField(_("penerbit sertifikat"), max_length=500, editable=False)
    fingerprint = models.CharField(
        _("SHA-256 sertifikat"), max_length=64, unique=True, editable=False
    )
    not_before = models.DateTimeField(_("berlaku sejak"), editable=False)
    not_after = models.DateTimeField(_("berlaku sampai"), editable=False)
    created_by = actor_field(_("diunggah oleh"), editable=False)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["pkcs12_encrypted", "passphrase_encrypted"])

    class Meta:
        verbose_name = _("kunci tanda tangan")
        verbose_name_plural = _("kunci tanda tangan")
        ordering = ["-is_default", "owner__path", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="signing_key_one_default",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(owner__isnull=True, is_active=True),
                name="signing_key_default_is_an_active_installation_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("declarations:signing_key", kwargs={"pk": self.pk})

    @property
    def is_expired(self) -> bool:
        return self.not_after < timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_active and not self.is_expired and self.not_before <= timezone.now()


class SigningKeyAssignment(models.Model):
    """The key that signs the documents of a unit and of every unit below it."""

    unit = models.OneToOneField(
        Unit,
        on_delete=models.CASCADE,
        related_name="signing_key_assignment",
        verbose_name=_("unit"),
    )
    key = models.ForeignKey(
        SigningKey,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("kunci tanda tangan"),
    )
    assigned_by = actor_field(_("ditetapkan oleh"), editable=False)
    assigned_at = models.DateTimeField(_("ditetapkan"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penetapan kunci tanda tangan")
        verbose_name_plural = _("penetapan kunci tanda tangan")
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.key}"


class SigningKeyUse(models.Model):
    """One signature made with a key: when, by whom, on what."""

    key = models.ForeignKey(
        SigningKey, on_delete=models.CASCADE, related_name="uses", verbose_name=_("kunci")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    document = models.CharField(_("dokumen"), max_length=300)
    sha256 = models.CharField(_("SHA-256 berkas bertanda tangan"), max_length=64)
    used_by = actor_field(_("oleh"), editable=False)
    used_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("pemakaian kunci tanda tangan")
        verbose_name_plural = _("pemakaian kunci tanda tangan")
        ordering = ["-used_at", "-pk"]
        indexes = [models.Index(fields=["key", "-used_at"])]

    def __str__(self) -> str:
        return f"{self.key} — {self.document}"


def _report_path(report: EvaluationReport, filename: str) -> str:
    return f"reports/{report.verification_token}/{filename}"


class EvaluationReport(models.Model):
    """A reviewer layer's Laporan Hasil Evaluasi (LHE) of one cycle: numbered, on the
    letterhead of the reviewing team's unit (the inspectorate for the TPI), addressed to
    the head of the evaluated unit, signed by the team's lead; its content frozen when
    issued, its PDF kept with its SHA-256, PAdES-signed, verifiable by QR like a
    declaration. Issuing again supersedes the earlier report of the same layer."""

    cycle = models.ForeignKey(
        "change_areas.Cycle",
        on_delete=models.PROTECT,
        related_name="evaluation_reports",
        verbose_name=_("siklus"),
    )
    layer = models.CharField(_("lapis"), max_length=10)
    number = models.CharField(_("nomor"), max_length=120, unique=True)
    issued_on = models.DateField(_("tanggal"), validators=[plausible_date])
    place = models.CharField(_("tempat"), max_length=100)
    issuer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_reports",
        verbose_name=_("unit tim penilai"),
    )
    issuer_name = models.CharField(_("nama penerbit (kop)"), max_length=255)
    addressee = models.CharField(_("kepada"), max_length=300)
    signer = actor_field(_("penanda tangan"))
    signer_name = models.CharField(_("nama penanda tangan"), max_length=200)
    signer_nip = models.CharField(
        _("NIP penanda tangan"), max_length=18, blank=True, validators=[validate_nip]
    )
    signer_position = models.CharField(_("jabatan penanda tangan"), max_length=200)
    snapshot = models.JSONField(_("isi yang dibekukan"), default=dict, editable=False)
    verification_token = models.CharField(
        _("token verifikasi"),
        max_length=64,
        unique=True,
        default=new_verification_token,
        editable=False,
    )
    pdf = models.FileField(_("PDF"), upload_to=_report_path, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64, editable=False)
    signed_pdf = models.FileField(
        _("PDF bertanda tangan"), upload_to=_report_path, blank=True, editable=False
    )
    signed_sha256 = models.CharField(
        _("SHA-256 PDF bertanda tangan"), max_length=64, blank=True, editable=False
    )
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True, editable=False)
    signing_certificate = models.CharField(
        _("sertifikat penanda tangan"), max_length=300, blank=True, editable=False
    )
    signing_certificate_sha256 = models.CharField(
        _("SHA-256 sertifikat"), max_length=64, blank=True, editable=False
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("diganti dengan"),
        editable=False,
    )
    created_by = actor_field(_("diterbitkan oleh"), editable=False)
    created_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = _("laporan hasil evaluasi")
        verbose_name_plural = _("laporan hasil evaluasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cycle", "layer"])]

    def __str__(self) -> str:
        return f"{self.number} — {self.cycle}"

    def get_verification_path(self) -> str:
        return reverse("declarations:report_verify", kwargs={"token": self.verification_token})

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_sha256)

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None
