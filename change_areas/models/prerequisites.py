"""Recorded proposal prerequisites (syarat pengusulan) of an instansi or a unit for a year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Prerequisite


class PrerequisiteRecord(models.Model):
    """The value of one prerequisite for a year.

    Instansi-level prerequisites (opini BPK, SAKIP, Indeks RB, SPIP) are
    recorded on the instansi: the root of the unit's tree. Unit-level ones on
    the unit itself.
    """

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="prerequisite_records",
        verbose_name=_("instansi/unit"),
    )
    prerequisite = models.ForeignKey(
        Prerequisite, on_delete=models.PROTECT, related_name="records", verbose_name=_("syarat")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.CharField(_("nilai"), max_length=40)
    note = models.TextField(_("catatan"), blank=True)
    evidence = models.ForeignKey(
        "change_areas.Evidence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti dukung"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catatan syarat pengusulan")
        verbose_name_plural = _("catatan syarat pengusulan")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "prerequisite", "year"], name="prerequisite_record_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.prerequisite} {self.year}: {self.value}"
