"""Work plans: what a unit plans per change area in a cycle, and what it has done."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Area
from change_areas.models.cycles import Cycle

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class WorkPlanStatus(models.TextChoices):
    PLANNED = "direncanakan", _("Direncanakan")
    IN_PROGRESS = "berjalan", _("Sedang berjalan")
    DONE = "selesai", _("Selesai")
    ON_HOLD = "tertunda", _("Tertunda")
    CANCELLED = "dibatalkan", _("Dibatalkan")


OPEN_STATUSES = (WorkPlanStatus.PLANNED, WorkPlanStatus.IN_PROGRESS, WorkPlanStatus.ON_HOLD)


class WorkPlanItemQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> WorkPlanItemQuerySet:
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today, status__in=OPEN_STATUSES)


class WorkPlanItem(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="work_plan_items", verbose_name=_("siklus")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="work_plan_items", verbose_name=_("area")
    )
    title = models.CharField(_("kegiatan"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penanggung jawab"),
        help_text=_("Anggota tim yang mengerjakan kegiatan ini; ia yang diingatkan."),
    )
    # Kept for activities whose person in charge is no member of the team (or was typed
    # before people could be chosen and matched nobody).
    person_in_charge = models.CharField(
        _("penanggung jawab di luar tim"), max_length=200, blank=True
    )
    start_date = models.DateField(_("mulai"), null=True, blank=True)
    due_date = models.DateField(_("tenggat"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=WorkPlanStatus.choices, default=WorkPlanStatus.PLANNED
    )
    percent = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0, validators=PERCENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()
    objects = WorkPlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegiatan rencana kerja")
        verbose_name_plural = _("rencana kerja")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="work_plan_percent_max_100"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="work_plan_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def person_label(self) -> str:
        """Who is in charge, as pages show it: the member, else the name typed. No query
        when `assignee` was loaded."""
        return str(self.assignee) if self.assignee_id else self.person_in_charge

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and self.status in OPEN_STATUSES)


class ProgressEntry(models.Model):
    item = models.ForeignKey(
        WorkPlanItem,
        on_delete=models.CASCADE,
        related_name="progress_entries",
        verbose_name=_("kegiatan"),
    )
    date = models.DateField(_("tanggal"), default=timezone.localdate)
    note = models.TextField(_("catatan kemajuan"))
    percent = models.PositiveSmallIntegerField(_("kemajuan (%)"), validators=PERCENT)
    evidence = models.ForeignKey(
        "change_areas.Evidence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_entries",
        verbose_name=_("bukti dukung"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catatan kemajuan")
        verbose_name_plural = _("catatan kemajuan")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.percent}%"
