"""Recommendations of the reviewers and their follow-up (tindak lanjut).

A reviewer layer (TPI, TPN) writes recommendations per change area while it
evaluates; they go into its report (LHE). The unit answers each with what it
did and the evidence; the reviewer marks it done, or not done (with why), and
an item stays open until done — on the unit's home, in the dashboards and in
the unit's next cycle.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Area
from change_areas.models.cycles import Cycle, Layer


class RecommendationStatus(models.TextChoices):
    OPEN = "terbuka", _("Belum ditindaklanjuti")
    ANSWERED = "ditanggapi", _("Menunggu verifikasi penilai")
    DONE = "selesai", _("Selesai")


class RecommendationQuerySet(models.QuerySet):
    def open(self) -> RecommendationQuerySet:
        """Not done yet: waiting for the unit or for the reviewer's verdict."""
        return self.exclude(status=RecommendationStatus.DONE)

    def for_unit(self, unit) -> RecommendationQuerySet:
        return self.filter(cycle__unit=unit)


class Recommendation(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("siklus")
    )
    layer = models.CharField(_("lapis"), max_length=10, choices=Layer.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("area"),
        help_text=_("Kosongkan untuk rekomendasi umum."),
    )
    text = models.TextField(_("rekomendasi"))
    due_date = models.DateField(_("batas tindak lanjut"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rekomendasi")
        verbose_name_plural = _("rekomendasi")
        ordering = ["cycle", "layer", "area__order", "pk"]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_done(self) -> bool:
        return self.status == RecommendationStatus.DONE

    @property
    def is_answered(self) -> bool:
        return self.status == RecommendationStatus.ANSWERED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and not self.is_done)


class Verdict(models.TextChoices):
    NONE = "", _("—")
    DONE = "selesai", _("Dinyatakan selesai")
    NOT_DONE = "belum_selesai", _("Dinyatakan belum selesai")


class FollowUp(models.Model):
    """One entry in a recommendation's follow-up: what the unit did (with evidence), or the
    reviewer's verdict on it."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("rekomendasi"),
    )
    side = models.CharField(_("pihak"), max_length=10, choices=Layer.choices)
    note = models.TextField(_("uraian"))
    evidence = models.ForeignKey(
        "change_areas.Evidence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("bukti dukung"),
    )
    verdict = models.CharField(
        _("putusan"), max_length=20, choices=Verdict.choices, default="", blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.note[:40]}"
