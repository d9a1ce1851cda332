"""Dashboard exports on the task worker: the portfolio's PDF always, spreadsheets of many rows.

`export_start(kind=..., unit=..., query=..., by=...)` records an `ExportJob`
and hands it to the worker (`zi_tracker.tasks.build_export_job`), which calls
`export_run`: the same builders as the immediate downloads (`reports`,
`exports`), with the spreadsheet's rows read from the database in chunks and
written straight into a temporary file, then into storage. Progress, the
heartbeat, recovery of a stalled job and pruning are `lib.jobs`'.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from lib import jobs
from units.models import Unit, User
from zi_tracker.dashboards import exports, reports, selectors
from zi_tracker.models import ExportJob, ExportKind


def threshold() -> int:
    """Spreadsheets of more rows than this are written by the worker."""
    return settings.ZI_EXPORT_BACKGROUND_ROWS


def export_start(*, kind: str, unit: Unit, query: str, total: int, by: User) -> ExportJob:
    """Record the export and queue it for the worker; the job's page follows it."""
    labels = {
        ExportKind.PORTFOLIO_XLSX: _("Portofolio %(unit)s (xlsx)"),
        ExportKind.PORTFOLIO_PDF: _("Portofolio %(unit)s (PDF)"),
        ExportKind.CALIBRATION_XLSX: _("Kalibrasi %(unit)s (xlsx)"),
    }
    job = ExportJob.objects.create(
        kind=kind,
        unit=unit,
        query=query,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        label=(labels[kind] % {"unit": unit.name})[:255],
        total=total,
        created_by=by,
    )
    return jobs.job_enqueue(job)


def export_run(job: ExportJob) -> ExportJob:
    """Build the job's file in the language of the person who asked for it."""
    builders = {
        ExportKind.PORTFOLIO_XLSX: _portfolio_xlsx,
        ExportKind.PORTFOLIO_PDF: _portfolio_pdf,
        ExportKind.CALIBRATION_XLSX: _calibration_xlsx,
    }
    build = builders[job.kind]
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return jobs.job_run(job, lambda progress: build(job, QueryDict(job.query), progress))


def _spreadsheet(write, progress) -> File:
    """`write(target, progress)` into a temporary file on disk, handed over open:
    `lib.jobs.job_run` copies it into storage and closes it (which deletes it)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by job_run)
    try:
        write(target, progress)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return File(target)


def _portfolio_xlsx(job: ExportJob, query: QueryDict, progress) -> tuple[str, File]:
    filters = reports.portfolio_form(query, job.unit).filters()
    if filters is None:
        raise ValueError(_("Belum ada kerangka LKE."))
    rows = selectors.export_rows(job.unit, filters)
    content = _spreadsheet(
        lambda target, progress: exports.write_portfolio(
            rows, filters=filters, target=target, progress=progress
        ),
        progress,
    )
    return exports.portfolio_filename(job.unit, filters.year), content


def _portfolio_pdf(job: ExportJob, query: QueryDict, progress) -> tuple[str, File]:
    rendered = reports.portfolio_pdf(job.unit, query)
    return rendered.filename, ContentFile(rendered.content)


def _calibration_xlsx(job: ExportJob, query: QueryDict, progress) -> tuple[str, File]:
    context = reports.calibration_context(job.unit, query)
    content = _spreadsheet(
        lambda target, progress: exports.write_calibration(
            target=target, progress=progress, **reports.calibration_tables(context)
        ),
        progress,
    )
    return exports.calibration_filename(job.unit, context["year"]), content
