"""All-or-nothing imports through django-import-export, with row-numbered errors.

The admin's import screen already refuses a file with errors; commands and
views use `import_file` so that a file with one bad row changes nothing and
the person is told which rows are wrong and why.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import admin as import_export_admin
from import_export.formats import base_formats
from import_export.resources import Resource
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lib.text import clean

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
# An error page lists this many problems, then says how many more there are.
MAX_LISTED_ERRORS = 100


def capped(errors: list[str], limit: int = MAX_LISTED_ERRORS) -> list[str]:
    """The first `limit` errors and, when there are more, one line saying how many."""
    if len(errors) <= limit:
        return errors
    rest = len(errors) - limit
    return [
        *errors[:limit],
        ngettext(
            "… dan %(count)d kesalahan lain. Perbaiki yang di atas lalu unggah ulang.",
            "… dan %(count)d kesalahan lain. Perbaiki yang di atas lalu unggah ulang.",
            rest,
        )
        % {"count": rest},
    ]


class ImportFileError(Exception):
    """The file cannot be imported as it is: not a spreadsheet, no header, formulas, no data.

    `errors` says what is wrong, by row where it can (capped at MAX_LISTED_ERRORS).
    """

    def __init__(self, errors: str | list[str]) -> None:
        self.errors = capped([errors] if isinstance(errors, str) else list(errors))
        super().__init__("\n".join(self.errors))


@dataclass
class ImportReport:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


Cell = str | int | float | bool | date | datetime | time | None


def _cleaned(value) -> Cell:
    return clean(value) if isinstance(value, str) else value


def _csv_rows(content: bytes) -> list[list[Cell]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("Berkas CSV harus berenkode UTF-8.")) from None
    text = clean(text)
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with ";" between cells (the comma is the
    # decimal separator there); read whichever the header line uses.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(
            _("Berkas CSV tidak dapat dibaca: %(error)s.") % {"error": error}
        ) from None


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula | DataTableFormula)


def _xlsx_rows(content: bytes) -> list[list[Cell]]:
    """The active sheet's values; a formula anywhere is refused, by row and column.

    A formula's value is whatever the program that saved the file last
    computed, if it computed anything (a file written by a script often holds
    none), so an import takes values only.
    """
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl and zipfile raise many kinds on a broken file
        raise ImportFileError(
            _("Berkas tidak dapat dibaca sebagai .xlsx: %(error)s.")
            % {"error": str(error) or type(error).__name__}
        ) from None
    try:
        rows: list[list[Cell]] = []
        formulas: list[tuple[int, int, str]] = []
        for number, row in enumerate(book.active.iter_rows(), start=1):
            values = []
            for index, cell in enumerate(row):
                if _is_formula(cell):
                    text = getattr(cell.value, "text", cell.value)
                    formulas.append((number, index, str(text)[:40]))
                    values.append(None)
                else:
                    values.append(_cleaned(cell.value))
            rows.append(values)
    except Exception as error:
        raise ImportFileError(
            _("Berkas tidak dapat dibaca sebagai .xlsx: %(error)s.")
            % {"error": str(error) or type(error).__name__}
        ) from None
    finally:
        book.close()
    if formulas:
        headers = rows[0] if rows else []

        def column(index: int) -> str:
            name = headers[index] if index < len(headers) and headers[index] else None
            return str(name) if name else get_column_letter(index + 1)

        raise ImportFileError(
            [
                _(
                    "Baris %(row)d, kolom %(column)s: berisi rumus (%(formula)s); "
                    "isi sel dengan nilainya, bukan rumus."
                )
                % {"row": number, "column": column(index), "formula": formula}
                for number, index, formula in formulas
            ]
        )
    return rows


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_dataset(content: bytes, *, file_name: str, allow_empty: bool = False) -> tablib.Dataset:
    """A tablib Dataset from an uploaded .csv or .xlsx file, every text cell cleaned.

    Refused with ImportFileError, in words a person can act on: another kind
    of file, a broken file, no header row, a formula in any cell (by row and
    column), a row with more cells than the header has columns (by row: in a
    CSV that is usually a decimal comma without quotes), and a file with no
    row below its header (unless `allow_empty`).
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ImportFileError(_("Berkas harus berformat .xlsx atau .csv."))
    rows = _csv_rows(content) if suffix == ".csv" else _xlsx_rows(content)
    while rows and all(_blank(value) for value in rows[-1]):
        rows.pop()  # trailing empty rows of a spreadsheet
    headers = list(rows[0]) if rows else []
    # In a CSV, a row longer than its header row is misaligned even if the extra cells are
    # empty ("B.1,3,75," is four cells): a spreadsheet pads every row to the same width.
    strict_width = len(headers) if suffix == ".csv" else None
    while headers and _blank(headers[-1]):
        headers.pop()
    if not headers:
        raise ImportFileError(_("Baris pertama berkas harus berisi nama kolom."))
    width = len(headers)
    dataset = tablib.Dataset(headers=[str(header or "").strip() for header in headers])
    too_wide = []
    for number, row in enumerate(rows[1:], start=2):
        extra = [value for value in row[width:] if not _blank(value)]
        if strict_width is not None and len(row) > strict_width:
            extra = row[width:]
        if extra:
            too_wide.append(
                _(
                    "Baris %(row)d: %(count)d isian, padahal baris judul punya %(columns)d kolom. "
                    "Bilangan desimal dengan koma di berkas CSV harus diapit tanda kutip "
                    '("3,75"), atau simpan berkas dengan titik koma sebagai pemisah kolom.'
                )
                % {"row": number, "count": width + len(extra), "columns": width}
            )
            continue
        cells = list(row[:width])
        dataset.append(cells + [""] * (width - len(cells)))
    if too_wide:
        raise ImportFileError(too_wide)
    if not allow_empty and not any(not all(_blank(value) for value in row) for row in dataset):
        raise ImportFileError(_("Berkas hanya berisi baris judul; tidak ada baris untuk diimpor."))
    return dataset


class CleanCSV(base_formats.CSV):
    """The admin's CSV import, read by `read_dataset` (cleaned, checked, errors by row)."""

    def create_dataset(self, in_stream, **kwargs):
        content = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return read_dataset(content, file_name="import.csv")


class CleanXLSX(base_formats.XLSX):
    """The admin's xlsx import, read by `read_dataset` (no formulas, cleaned cells)."""

    def create_dataset(self, in_stream, **kwargs):
        return read_dataset(in_stream, file_name="import.xlsx")


class ImportExportMixin(import_export_admin.ImportExportMixin):
    """django-import-export's admin, importing .csv and .xlsx through `read_dataset`."""

    import_formats = [CleanCSV, CleanXLSX]


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(str(m) for m in messages)}"
                if name != "__all__"
                else " ".join(str(m) for m in messages)
                for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error)


def import_dataset(resource: Resource, dataset: tablib.Dataset, **kwargs) -> ImportReport:
    """Import every row or none. Row numbers in errors count the header as row 1."""
    result = resource.import_data(
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        **kwargs,
    )
    report = ImportReport(total_rows=result.total_rows)
    for error in result.base_errors:
        report.errors.append(_messages(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            report.errors.append(
                _("Baris %(row)d: %(message)s")
                % {"row": number + 1, "message": _messages(error.error)}
            )
    for invalid in result.invalid_rows:
        report.errors.append(
            _("Baris %(row)d: %(message)s")
            % {"row": invalid.number + 1, "message": _messages(invalid.error)}
        )
    if report.errors:
        report.errors = capped(report.errors)
        return report
    totals = result.totals
    report.created = totals.get("new", 0)
    report.updated = totals.get("update", 0)
    report.unchanged = totals.get("skip", 0)
    return report
