"""Awarded predicates: Menuju WBK / Menuju WBBM by decree, and their revocation."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Predicate
from change_areas.models.cycles import DecisionRoute


class PredicateAwardQuerySet(models.QuerySet):
    def held(self) -> PredicateAwardQuerySet:
        """Awards not revoked."""
        return self.filter(revoked_on__isnull=True)

    def held_on(self, day: datetime.date) -> PredicateAwardQuerySet:
        """Awards in force on a day: decreed on or before it, not revoked by then."""
        return self.filter(decree_date__lte=day).filter(
            models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=day)
        )

    def for_unit(self, unit) -> PredicateAwardQuerySet:
        return self.filter(unit=unit)


class PredicateAward(models.Model):
    """A Menuju WBK/WBBM predicate awarded to a unit by decree, and its revocation.

    A revoked award stays as history; the unit may not be proposed again for
    two years after the revocation decree (PermenPAN-RB 90/2021 Bab IV C).
    """

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="predicate_awards",
        verbose_name=_("unit"),
    )
    predicate = models.CharField(_("predikat"), max_length=10, choices=Predicate.choices)
    cycle = models.ForeignKey(
        "change_areas.Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("siklus evaluasi"),
    )
    year = models.PositiveSmallIntegerField(_("tahun penilaian"))
    decree_number = models.CharField(_("nomor keputusan"), max_length=150)
    decree_date = models.DateField(_("tanggal keputusan"))
    revoked_on = models.DateField(_("tanggal pencabutan"), null=True, blank=True)
    revocation_decree = models.CharField(
        _("nomor keputusan pencabutan"), max_length=150, blank=True
    )
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True)
    revoked_by = models.ForeignKey(
        "units.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("catatan"), blank=True)
    route = models.CharField(
        _("jalur penetapan"),
        max_length=10,
        choices=DecisionRoute.choices,
        default=DecisionRoute.TPN,
    )
    decided_by = models.ForeignKey(
        "units.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    basis = models.TextField(
        _("dasar penetapan"),
        blank=True,
        help_text=_("Evaluasi mandiri: keputusan Menteri yang menetapkan instansi ini."),
    )
    override_reason = models.TextField(
        _("pertimbangan"),
        blank=True,
        help_text=_(
            "Diisi bila predikat ditetapkan walau lapis TPN belum memenuhi semua nilai ambang."
        ),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()
    objects = PredicateAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("predikat yang diberikan")
        verbose_name_plural = _("predikat yang diberikan")
        ordering = ["-decree_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "predicate", "year"], name="predicate_award_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True)
                | models.Q(revoked_on__gte=models.F("decree_date")),
                name="predicate_revoked_after_awarded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_predicate_display()} {self.year} — {self.unit}"

    @property
    def is_held(self) -> bool:
        return self.revoked_on is None

    @property
    def with_consideration(self) -> bool:
        """Set although the TPN layer did not meet every rule ("ditetapkan dengan pertimbangan")."""
        return bool(self.override_reason)


class MandiriDesignation(models.Model):
    """The Menteri's designation of an instansi that may evaluate Menuju WBK itself.

    PermenPAN-RB 5/2024 Lampiran II Bab II B: an instansi pemerintah may run the
    ZI evaluation of its units and set Menuju WBK "secara mandiri"; which
    instansi may do so is set by the Menteri. Recorded by the national admin.
    """

    instansi = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="mandiri_designations",
        verbose_name=_("instansi"),
    )
    decree_number = models.CharField(_("nomor keputusan Menteri"), max_length=150)
    decree_date = models.DateField(_("tanggal keputusan"))
    valid_from = models.PositiveSmallIntegerField(_("berlaku mulai tahun"))
    valid_until = models.PositiveSmallIntegerField(
        _("berlaku sampai tahun"), null=True, blank=True, help_text=_("Kosong: sampai dicabut.")
    )
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        "units.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penetapan instansi evaluasi mandiri")
        verbose_name_plural = _("penetapan instansi evaluasi mandiri")
        ordering = ["-decree_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="mandiri_designation_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instansi} — {self.decree_number}"

    def covers(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_until is None or year <= self.valid_until)
