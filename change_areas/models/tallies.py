"""Figures kept per subtree, so a dashboard over 100,000 units reads a few rows.

`BranchTally` holds, for one unit, framework and year, the sum of what the
cycles of every unit *below* it contribute to the dashboards (stages,
totals, eligibility, score bands, area values per layer); the unit's own
cycle is read beside it. `CalibrationTally` holds, per question and per
area, the sums of the pairs of values two finished layers gave across the
same cycles. `change_areas.tallies` keeps both current in the transaction
that changes a cycle, and rebuilds them from scratch on request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from change_areas.models.catalog import Framework


class BranchTally(models.Model):
    """The dashboards' figures of a year's cycles strictly below one unit (JSON, see tallies)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("rekap cabang")
        verbose_name_plural = _("rekap cabang")
        constraints = [
            models.UniqueConstraint(fields=["unit", "framework", "year"], name="branch_tally_once")
        ]
        indexes = [models.Index(fields=["framework", "year"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.framework_id} {self.year}"


class CalibrationPair(models.TextChoices):
    """Two layers compared: the first's value against the second's."""

    SELF_TPI = "self-tpi", _("Penilaian unit dibanding TPI")
    TPI_TPN = "tpi-tpn", _("TPI dibanding TPN")
    SELF_TPN = "self-tpn", _("Penilaian unit dibanding TPN")


class CalibrationTally(models.Model):
    """Sums of value pairs of one question (or area) over the finished cycles below a unit.

    Values are 0..1 for questions and points of the area's weight for areas,
    stored in ten-thousandths (integers), so sums stay exact.
    """

    QUESTION = "q"
    AREA = "a"

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    pair = models.CharField(max_length=10, choices=CalibrationPair.choices)
    kind = models.CharField(max_length=1, choices=[(QUESTION, "question"), (AREA, "area")])
    code = models.CharField(max_length=80)
    pairs = models.IntegerField(default=0)
    sum_first = models.BigIntegerField(default=0)
    sum_second = models.BigIntegerField(default=0)
    sum_absolute = models.BigIntegerField(default=0)
    over = models.IntegerField(default=0)
    under = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("rekap kalibrasi")
        verbose_name_plural = _("rekap kalibrasi")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "framework", "year", "pair", "kind", "code"],
                name="calibration_tally_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.pair} {self.kind}:{self.code}"
