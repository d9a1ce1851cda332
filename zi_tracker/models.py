"""The roof's own rows: exports of the dashboards built on the task worker."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.jobs import BackgroundJob
from units.models import Unit


class ExportKind(models.TextChoices):
    PORTFOLIO_XLSX = "portfolio_xlsx", _("Portofolio (xlsx)")
    PORTFOLIO_PDF = "portfolio_pdf", _("Portofolio (PDF)")
    CALIBRATION_XLSX = "calibration_xlsx", _("Kalibrasi (xlsx)")


class ExportJob(BackgroundJob):
    """A dashboard's spreadsheet or PDF, written by the task worker (`dashboards.export_jobs`).

    The unit is the root of the exported subtree: whoever may view it (and the
    person who asked for it) may open the job's page and download the file.
    `query` is the page's filter query string, read again by the worker.
    """

    kind = models.CharField(_("jenis"), max_length=30, choices=ExportKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    query = models.TextField(_("saringan"), blank=True)
    language = models.CharField(_("bahasa"), max_length=10, blank=True)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    file = models.FileField(_("berkas"), upload_to="dashboards/exports/", blank=True)

    keep_days_setting = "ZI_EXPORT_JOB_KEEP_DAYS"
    progress_step = 500  # rows between two progress writes

    class Meta(BackgroundJob.Meta):
        verbose_name = _("pekerjaan ekspor")
        verbose_name_plural = _("pekerjaan ekspor")

    def get_absolute_url(self) -> str:
        return reverse("dashboards:export_job", kwargs={"job_id": self.pk})

    def source_url(self) -> str:
        """The page the export was asked from, with its filters (to make it again)."""
        name = (
            "dashboards:calibration"
            if self.kind == ExportKind.CALIBRATION_XLSX
            else ("dashboards:portfolio")
        )
        url = reverse(name, kwargs={"code": self.unit.code})
        return f"{url}?{self.query}" if self.query else url

    @property
    def counts_rows(self) -> bool:
        """A spreadsheet reports its rows as it writes them; a PDF is laid out in one go."""
        return self.kind != ExportKind.PORTFOLIO_PDF

    @property
    def is_pdf(self) -> bool:
        return self.kind == ExportKind.PORTFOLIO_PDF
