"""Reading an SKM respondent file (xlsx/csv): one row per respondent, U1…U9 on 1–4.

Hand-written rather than a django-import-export resource: the rows are not
model rows to create or update one by one but one period's data set, checked
whole and then swapped in at once (`services.survey_replace_respondents`).
The file is read with the same helper as every import (`lib.imports`)
and the same rule holds: one bad row rejects the file, and every error names
its spreadsheet row (the header is row 1).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lib.imports import read_dataset
from service_standards import skm
from service_standards.models import ELEMENT_LABELS
from service_standards.services import RespondentRow

MAX_ROWS = 20_000
MAX_ERRORS = 50

# Accepted column names (lower case) → field.
OPTIONAL_COLUMNS = {
    "jenis_kelamin": "sex",
    "jenis kelamin": "sex",
    "jk": "sex",
    "sex": "sex",
    "umur": "age",
    "usia": "age",
    "age": "age",
    "pendidikan": "education",
    "education": "education",
    "pekerjaan": "occupation",
    "occupation": "occupation",
    "layanan": "service_used",
    "jenis_layanan": "service_used",
    "jenis layanan": "service_used",
    "service": "service_used",
    "service_used": "service_used",
}
SEX_VALUES = {
    "l": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
    "female": "P",
}
TEMPLATE_HEADERS = [
    "responden",
    *[code.upper() for code in skm.ELEMENT_CODES],
    "jenis_kelamin",
    "umur",
    "pendidikan",
    "pekerjaan",
    "layanan",
]


@dataclass
class ParsedFile:
    rows: list[RespondentRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value) -> int | None:
    """An integer from a cell (4, 4.0, "4", "4,0"); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def parse_dataset(dataset: tablib.Dataset) -> ParsedFile:
    parsed = ParsedFile()
    headers = [_text(header).lower() for header in dataset.headers or []]
    element_index = {}
    for code in skm.ELEMENT_CODES:
        if code in headers:
            element_index[code] = headers.index(code)
    missing = [code.upper() for code in skm.ELEMENT_CODES if code not in element_index]
    if missing:
        parsed.errors.append(
            _(
                "Kolom %(columns)s tidak ditemukan di baris 1 (judul kolom). "
                "Kolom wajib: U1 sampai U9."
            )
            % {"columns": ", ".join(missing)}
        )
        return parsed
    optional_index = {}
    for position, header in enumerate(headers):
        name = OPTIONAL_COLUMNS.get(header)
        if name and name not in optional_index:
            optional_index[name] = position
    if dataset.height > MAX_ROWS:
        parsed.errors.append(
            _("Berkas berisi %(count)d baris; paling banyak %(max)d responden per periode.")
            % {"count": dataset.height, "max": MAX_ROWS}
        )
        return parsed

    for offset, raw in enumerate(dataset, start=2):
        cells = list(raw)
        if all(_text(cell) == "" for cell in cells):
            continue  # trailing empty rows of a spreadsheet
        row_errors = []
        values = []
        for code in skm.ELEMENT_CODES:
            cell = cells[element_index[code]] if element_index[code] < len(cells) else None
            text = _text(cell)
            if text == "":
                values.append(None)  # left blank: averaged over the answers given (14/2017)
                continue
            number = _integer(cell)
            if number is None:
                row_errors.append(
                    _("%(code)s berisi '%(value)s', bukan angka bulat 1–4")
                    % {"code": code.upper(), "value": text[:20]}
                )
                continue
            if not skm.SCALE_MIN <= number <= skm.SCALE_MAX:
                row_errors.append(
                    _("%(code)s bernilai %(value)d; nilai harus 1–4")
                    % {"code": code.upper(), "value": number}
                )
                continue
            values.append(number)
        if values and all(value is None for value in values) and not row_errors:
            row_errors.append(_("tidak ada unsur U1–U9 yang dijawab"))
        extra = {}
        for name, position in optional_index.items():
            text = _text(cells[position]) if position < len(cells) else ""
            if not text:
                continue
            if name == "sex":
                sex = SEX_VALUES.get(text.lower())
                if sex is None:
                    row_errors.append(
                        _("jenis kelamin '%(value)s' tidak dikenal (isi L atau P)")
                        % {"value": text[:20]}
                    )
                else:
                    extra["sex"] = sex
            elif name == "age":
                age = _integer(cells[position])
                if age is None or not 10 <= age <= 120:
                    row_errors.append(
                        _("umur '%(value)s' tidak wajar (isi 10–120)") % {"value": text[:20]}
                    )
                else:
                    extra["age"] = age
            else:
                limit = 200 if name == "service_used" else (60 if name == "education" else 100)
                extra[name] = text[:limit]
        if row_errors:
            if len(parsed.errors) < MAX_ERRORS:
                parsed.errors.append(
                    _("Baris %(row)d: %(errors)s.")
                    % {"row": offset, "errors": "; ".join(row_errors)}
                )
            continue
        parsed.rows.append(RespondentRow(row_number=offset, values=tuple(values), **extra))
    if len(parsed.errors) >= MAX_ERRORS:
        parsed.errors.append(_("… dan baris lain; perbaiki kesalahan di atas lalu unggah ulang."))
    if not parsed.errors and not parsed.rows:
        parsed.errors.append(_("Berkas tidak berisi responden (hanya baris judul)."))
    return parsed


def parse_file(content: bytes, *, file_name: str) -> ParsedFile:
    """Parse an uploaded file; unreadable files raise `lib.imports.ImportFileError`."""
    return parse_dataset(read_dataset(content, file_name=file_name))


def template_xlsx() -> bytes:
    """An empty respondent workbook with the expected columns and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "responden"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([1, 4, 3, 3, 4, 3, 4, 4, 3, 3, "P", 34, "S1", "Mahasiswa", "Perpustakaan"])
    notes = workbook.create_sheet("petunjuk")
    notes.append(
        [
            _(
                "Satu baris per responden. U1–U9 bernilai 1 sampai 4; unsur yang tidak dijawab boleh kosong."
            )
        ]
    )
    for code, label in zip(skm.ELEMENT_CODES, _element_labels(), strict=True):
        notes.append([code.upper(), label])
    notes.append([_("jenis_kelamin: L atau P; umur: tahun; kolom lain boleh kosong.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _element_labels() -> list[str]:
    return [str(label) for _code, label in ELEMENT_LABELS]
