"""All-or-nothing imports through django-import-export, with row-numbered errors.

The admin's import screen already refuses a file with errors; commands and
views use `import_file` so that a file with one bad row changes nothing and
the person is told which rows are wrong and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.resources import Resource

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, not a spreadsheet, no header)."""


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


def read_dataset(content: bytes, *, file_name: str) -> tablib.Dataset:
    """A tablib Dataset from an uploaded .csv or .xlsx file."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ImportFileError(_("Berkas harus berformat .xlsx atau .csv."))
    try:
        if suffix == ".csv":
            text = content.decode("utf-8-sig")
            dataset = tablib.Dataset().load(text, format="csv")
        else:
            dataset = tablib.Dataset().load(content, format="xlsx")
    except UnicodeDecodeError:
        raise ImportFileError(_("Berkas CSV harus berenkode UTF-8.")) from None
    except Exception as error:  # tablib and openpyxl raise many kinds on a broken file
        raise ImportFileError(
            _("Berkas tidak dapat dibaca: %(error)s") % {"error": error}
        ) from None
    if not dataset.headers:
        raise ImportFileError(_("Baris pertama berkas harus berisi nama kolom."))
    return dataset


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
        return report
    totals = result.totals
    report.created = totals.get("new", 0)
    report.updated = totals.get("update", 0)
    report.unchanged = totals.get("skip", 0)
    return report
