"""Who does what in a cycle: a change area or a question given to a member of the unit's
team, with a due date. Work-plan activities carry their person in charge themselves
(`WorkPlanItem.assignee`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Area, Question
from change_areas.models.cycles import Cycle


class Assignment(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("siklus")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ditugaskan kepada"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pertanyaan"),
    )
    due_date = models.DateField(_("tenggat"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditugaskan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        ordering = ["cycle", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, question__isnull=True)
                | Q(area__isnull=True, question__isnull=False),
                name="assignment_area_or_question",
            ),
            models.UniqueConstraint(
                fields=["cycle", "area"],
                condition=Q(area__isnull=False),
                name="assignment_one_per_area",
            ),
            models.UniqueConstraint(
                fields=["cycle", "question"],
                condition=Q(question__isnull=False),
                name="assignment_one_per_question",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "cycle"])]

    def __str__(self) -> str:
        target = self.question.code if self.question_id else self.area.code
        return f"{target} → {self.assignee}"
