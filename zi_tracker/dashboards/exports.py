"""Spreadsheets of the dashboards (openpyxl, write-only: rows stream out as they are read).

Text cells are always written as text: a unit name or decree number that
starts with = + - @ is shown as typed and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

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


def _workbook(sheets: Iterable[tuple[str, list[str], Iterable[list], dict[int, str]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, header, rows, formats in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, name, bold=True) for name in header])
        for row in rows:
            sheet.append(
                [_cell(sheet, value, number_format=formats.get(i)) for i, value in enumerate(row)]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def portfolio_xlsx(rows, *, root, filters) -> RenderedFile:
    """Every filtered unit of the portfolio, one row each (not only the page shown)."""
    stages = dict(Stage.choices)
    kinds = dict(UnitKind.choices)
    no_cycle = _("Belum ada siklus")
    header = [
        _("Kode"),
        _("Unit"),
        _("Jenis"),
        _("Provinsi"),
        _("Kabupaten/kota"),
        _("Tahun"),
        _("Kerangka"),
        _("Target"),
        _("Tahap"),
        _("Nilai mandiri"),
        _("Kelengkapan mandiri (%)"),
        _("Layak WBK (mandiri)"),
        _("Layak WBBM (mandiri)"),
        _("Nilai TPI"),
        _("Kelengkapan TPI (%)"),
        _("Layak WBK (TPI)"),
        _("Layak WBBM (TPI)"),
        _("Nilai TPN"),
        _("Rencana kerja (%)"),
    ]
    targets = {"wbk": "Menuju WBK", "wbbm": "Menuju WBBM"}

    def lines():
        for row in rows:
            has_cycle = row["cycle_id"] is not None
            yield [
                row["code"],
                row["name"],
                str(kinds.get(row["kind"], row["kind"])),
                row["province"],
                row["regency"],
                filters.year,
                filters.framework.short_name or filters.framework.code,
                targets.get(row["target"], "") if has_cycle else "",
                str(stages.get(row["stage"], row["stage"])) if has_cycle else str(no_cycle),
                _number(row["self_total"]),
                None if row["self_completeness"] is None else float(row["self_completeness"]) * 100,
                _yes_no(row["self_wbk_eligible"]) if has_cycle else "",
                _yes_no(row["self_wbbm_eligible"]) if has_cycle else "",
                _number(row["tpi_total"]),
                None if row["tpi_completeness"] is None else float(row["tpi_completeness"]) * 100,
                _yes_no(row["tpi_wbk_eligible"]),
                _yes_no(row["tpi_wbbm_eligible"]),
                _number(row["tpn_total"]),
                _number(row["work_plan_percent"]),
            ]

    formats = {9: "0.00", 10: "0.0", 13: "0.00", 14: "0.0", 17: "0.00", 18: "0.0"}
    content = _workbook([(_("Portofolio"), header, lines(), formats)])
    return RenderedFile(f"portofolio-{root.code}-{filters.year}.xlsx".lower(), XLSX, content)


def calibration_xlsx(*, root, year, first_label, second_label, areas, questions) -> RenderedFile:
    """The calibration tables: one sheet per area, one per question."""
    area_header = [
        _("Kode area"),
        _("Area"),
        _("Bobot"),
        _("Pasangan"),
        f"{first_label} (% bobot)",
        f"{second_label} (% bobot)",
        _("Selisih rata-rata (poin %)"),
        _("Selisih mutlak rata-rata (poin %)"),
        _("Lebih tinggi"),
        _("Lebih rendah"),
    ]
    area_rows = (
        [
            a.code,
            a.name,
            a.weight,
            a.pairs,
            a.mean_first,
            a.mean_second,
            a.mean_difference,
            a.mean_absolute,
            a.over,
            a.under,
        ]
        for a in areas
    )
    question_header = [
        _("Kode pertanyaan"),
        _("Pertanyaan"),
        _("Area"),
        _("Pasangan"),
        f"{first_label} (0–1)",
        f"{second_label} (0–1)",
        _("Selisih rata-rata"),
        _("Selisih mutlak rata-rata"),
        _("Lebih tinggi"),
        _("Lebih rendah"),
        _("Lebih tinggi (%)"),
    ]
    question_rows = (
        [
            q.code,
            q.text,
            q.area_name,
            q.pairs,
            q.mean_first,
            q.mean_second,
            q.mean_difference,
            q.mean_absolute,
            q.over,
            q.under,
            q.over_share,
        ]
        for q in questions
    )
    decimals = {4: "0.00", 5: "0.00", 6: "0.00", 7: "0.00"}
    content = _workbook(
        [
            (_("Per area"), area_header, area_rows, {2: "0.00", **decimals}),
            (_("Per pertanyaan"), question_header, question_rows, {**decimals, 10: "0.0"}),
        ]
    )
    return RenderedFile(f"kalibrasi-{root.code}-{year}.xlsx".lower(), XLSX, content)
