"""Spreadsheets of the dashboards (openpyxl, write-only: rows stream out as they are read).

Text cells are always written as text: a unit name or decree number that
starts with = + - @ is shown as typed and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from change_areas.models import Stage
from lib.pdf import RenderedFile
from units.models import UnitKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value, *, number_format: str | None = None, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store "=…" as a formula; force plain text whatever it starts with.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("Ya") if value else _("Tidak")


def _number(value) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: its heading, how a row gives its cell, and the cell's format."""

    header: str
    value: Callable[[Any], Any]
    number_format: str | None = None


def _workbook(sheets: Iterable[tuple[str, list[Column], Iterable[Any]]], target, progress) -> None:
    """Write the sheets into `target` (a binary file), calling `progress(rows written)`
    after every row; rows are read as they are written, never all held at once."""
    book = Workbook(write_only=True)
    written = 0
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, column.header, bold=True) for column in columns])
        for row in rows:
            sheet.append(
                [
                    _cell(sheet, column.value(row), number_format=column.number_format)
                    for column in columns
                ]
            )
            written += 1
            progress(written)
    book.save(target)


def _no_progress(done: int) -> None:
    """In a request nobody watches the rows go by."""


def portfolio_filename(root, year) -> str:
    return f"portofolio-{root.code}-{year}.xlsx".lower()


def portfolio_xlsx(rows, *, root, filters) -> RenderedFile:
    """Every filtered unit of the portfolio, one row each (not only the page shown)."""
    buffer = io.BytesIO()
    write_portfolio(rows, filters=filters, target=buffer)
    return RenderedFile(portfolio_filename(root, filters.year), XLSX, buffer.getvalue())


def write_portfolio(rows, *, filters, target, progress=_no_progress) -> None:
    """The portfolio's rows as a spreadsheet, written into `target` as they are read."""
    stages = dict(Stage.choices)
    kinds = dict(UnitKind.choices)
    no_cycle = _("Belum ada siklus")
    targets = {"wbk": "Menuju WBK", "wbbm": "Menuju WBBM"}
    framework = filters.framework.short_name or filters.framework.code

    def number(name):
        return lambda row: _number(row[name])

    def percent(name):
        return lambda row: None if row[name] is None else float(row[name]) * 100

    def yes_no(name):
        return lambda row: _yes_no(row[name])

    def with_cycle(value):
        """Blank for a unit without a cycle that year."""
        return lambda row: value(row) if row["cycle_id"] is not None else ""

    columns = [
        Column(_("Kode"), itemgetter("code")),
        Column(_("Unit"), itemgetter("name")),
        Column(_("Jenis"), lambda row: str(kinds.get(row["kind"], row["kind"]))),
        Column(_("Provinsi"), itemgetter("province")),
        Column(_("Kabupaten/kota"), itemgetter("regency")),
        Column(_("Tahun"), lambda row: filters.year),
        Column(_("Kerangka"), lambda row: framework),
        Column(_("Target"), with_cycle(lambda row: targets.get(row["target"], ""))),
        Column(
            _("Tahap"),
            lambda row: (
                str(stages.get(row["stage"], row["stage"]))
                if row["cycle_id"] is not None
                else str(no_cycle)
            ),
        ),
        Column(_("Nilai unit"), number("self_total"), "0.00"),
        Column(_("Kelengkapan unit (%)"), percent("self_completeness"), "0.0"),
        Column(_("Layak WBK (unit)"), with_cycle(yes_no("self_wbk_eligible"))),
        Column(_("Layak WBBM (unit)"), with_cycle(yes_no("self_wbbm_eligible"))),
        Column(_("Nilai TPI"), number("tpi_total"), "0.00"),
        Column(_("Kelengkapan TPI (%)"), percent("tpi_completeness"), "0.0"),
        Column(_("Layak WBK (TPI)"), yes_no("tpi_wbk_eligible")),
        Column(_("Layak WBBM (TPI)"), yes_no("tpi_wbbm_eligible")),
        Column(_("Nilai TPN"), number("tpn_total"), "0.00"),
        Column(_("Rencana kerja (%)"), number("work_plan_percent"), "0.0"),
    ]
    _workbook([(_("Portofolio"), columns, rows)], target, progress)


def calibration_filename(root, year) -> str:
    return f"kalibrasi-{root.code}-{year}.xlsx".lower()


def calibration_xlsx(*, root, year, **tables) -> RenderedFile:
    """The calibration tables: one sheet per area, one per question."""
    buffer = io.BytesIO()
    write_calibration(target=buffer, **tables)
    return RenderedFile(calibration_filename(root, year), XLSX, buffer.getvalue())


def write_calibration(
    *, first_label, second_label, areas, questions, target, progress=_no_progress
) -> None:
    """The calibration tables written into `target`: one sheet per area, one per question."""
    area_columns = [
        Column(_("Kode area"), attrgetter("code")),
        Column(_("Area"), attrgetter("name")),
        Column(_("Bobot"), attrgetter("weight"), "0.00"),
        Column(_("Pasangan"), attrgetter("pairs")),
        Column(f"{first_label} (% bobot)", attrgetter("mean_first"), "0.00"),
        Column(f"{second_label} (% bobot)", attrgetter("mean_second"), "0.00"),
        Column(_("Selisih rata-rata (poin %)"), attrgetter("mean_difference"), "0.00"),
        Column(_("Selisih mutlak rata-rata (poin %)"), attrgetter("mean_absolute"), "0.00"),
        Column(_("Lebih tinggi"), attrgetter("over")),
        Column(_("Lebih rendah"), attrgetter("under")),
    ]
    question_columns = [
        Column(_("Kode pertanyaan"), attrgetter("code")),
        Column(_("Pertanyaan"), attrgetter("text")),
        Column(_("Area"), attrgetter("area_name")),
        Column(_("Pasangan"), attrgetter("pairs")),
        Column(f"{first_label} (0–1)", attrgetter("mean_first"), "0.00"),
        Column(f"{second_label} (0–1)", attrgetter("mean_second"), "0.00"),
        Column(_("Selisih rata-rata"), attrgetter("mean_difference"), "0.00"),
        Column(_("Selisih mutlak rata-rata"), attrgetter("mean_absolute"), "0.00"),
        Column(_("Lebih tinggi"), attrgetter("over")),
        Column(_("Lebih rendah"), attrgetter("under")),
        Column(_("Lebih tinggi (%)"), attrgetter("over_share"), "0.0"),
    ]
    _workbook(
        [
            (_("Per area"), area_columns, areas),
            (_("Per pertanyaan"), question_columns, questions),
        ],
        target,
        progress,
    )
