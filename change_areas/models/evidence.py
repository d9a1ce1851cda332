"""Evidence (bukti dukung): files a unit uploads once and links to any question, any year.

The bytes live in `EvidenceFile`, named by their SHA-256 and stored once
through Django's storage API (local disk or S3-compatible storage); an
`Evidence` row is the unit's document: title, type, validity. Replacing a
document's file points it at a new blob; the old blob stays, and the old
version is in the history. Files are served only by a view that checks access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lib.dates import plausible_date


def _blob_path(instance: EvidenceFile, filename: str) -> str:
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class EvidenceFile(models.Model):
    """Immutable content-addressed bytes of an uploaded document."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("berkas"), upload_to=_blob_path, max_length=200)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    content_type = models.CharField(_("jenis isi"), max_length=120)
    extension = models.CharField(_("ekstensi"), max_length=10)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("berkas bukti")
        verbose_name_plural = _("berkas bukti")

    def __str__(self) -> str:
        return self.sha256


class DocumentType(models.TextChoices):
    SK = "sk", _("Surat keputusan")
    KEBIJAKAN = "kebijakan", _("Kebijakan / peraturan")
    SOP = "sop", _("SOP")
    RENCANA = "rencana", _("Rencana kerja")
    LAPORAN = "laporan", _("Laporan")
    NOTULEN = "notulen", _("Notulen / daftar hadir")
    FOTO = "foto", _("Foto kegiatan")
    SURVEI = "survei", _("Hasil survei")
    LAINNYA = "lainnya", _("Lainnya")


class EvidenceQuerySet(models.QuerySet):
    def for_unit(self, unit) -> EvidenceQuerySet:
        return self.filter(unit=unit)

    def valid_on(self, day) -> EvidenceQuerySet:
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))


class Evidence(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="evidence", verbose_name=_("unit")
    )
    title = models.CharField(_("judul"), max_length=255)
    document_type = models.CharField(
        _("jenis dokumen"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.LAINNYA,
    )
    valid_until = models.DateField(
        _("berlaku sampai"), null=True, blank=True, validators=[plausible_date]
    )
    description = models.TextField(_("keterangan"), blank=True)
    blob = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="documents", verbose_name=_("berkas")
    )
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("change_areas:evidence_download", kwargs={"pk": self.pk})

    def is_expired(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.valid_until is not None and self.valid_until < day
