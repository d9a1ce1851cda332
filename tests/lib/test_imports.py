"""Reading an uploaded spreadsheet: xlsx and csv by their content, anything else refused
in words a person understands."""

import io

import openpyxl
import pytest

from lib.imports import (
    MAX_LISTED_ERRORS,
    CleanCSV,
    CleanXLSX,
    ImportFileError,
    capped,
    read_dataset,
)
from units.admin import UnitAdmin


def test_read_dataset_accepts_xlsx_and_refuses_other_files():
    workbook = openpyxl.Workbook()
    workbook.active.append(["code", "name"])
    workbook.active.append(["X", "Unit X"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = read_dataset(buffer.getvalue(), file_name="units.xlsx")
    assert data.headers == ["code", "name"]
    with pytest.raises(ImportFileError, match=r"xlsx atau \.csv"):
        read_dataset(b"<html>", file_name="units.html")
    with pytest.raises(ImportFileError, match="tidak dapat dibaca"):
        read_dataset(b"not a workbook", file_name="units.xlsx")


def xlsx(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_every_text_cell_comes_out_without_control_characters():
    # openpyxl refuses to write C0 controls; a file from elsewhere may still hold C1 ones
    content = xlsx(["code", "name\x85"], ["X", "Unit\x9b X\x7f"], ["Y", 3])
    data = read_dataset(content, file_name="units.xlsx")
    assert data.headers == ["code", "name"]
    assert list(data) == [("X", "Unit X"), ("Y", 3)]

    data = read_dataset(b"code,name\nX,Unit\x00\x01 X\r\n", file_name="units.csv")
    assert list(data) == [("X", "Unit X")]


def test_a_formula_anywhere_is_refused_by_row_and_column():
    content = xlsx(["code", "name"], ["X", "=1+1"], ["=A2", "Unit"])

    with pytest.raises(ImportFileError) as refused:
        read_dataset(content, file_name="units.xlsx")

    assert refused.value.errors == [
        "Baris 2, kolom name: berisi rumus (=1+1); isi sel dengan nilainya, bukan rumus.",
        "Baris 3, kolom code: berisi rumus (=A2); isi sel dengan nilainya, bukan rumus.",
    ]


def test_a_file_with_only_its_header_is_refused_unless_allowed():
    with pytest.raises(ImportFileError, match="hanya berisi baris judul"):
        read_dataset(b"code,name\n,\n\n", file_name="units.csv")
    assert len(read_dataset(b"code,name\n", file_name="units.csv", allow_empty=True)) == 0


def test_a_broken_file_says_why():
    with pytest.raises(ImportFileError) as refused:
        read_dataset(b"PK\x03\x04 broken", file_name="units.xlsx")
    assert refused.value.errors[0].startswith("Berkas tidak dapat dibaca sebagai .xlsx: ")
    assert len(refused.value.errors[0]) > len("Berkas tidak dapat dibaca sebagai .xlsx: ") + 3


def test_trailing_empty_columns_and_rows_of_a_spreadsheet_are_ignored():
    data = read_dataset(b"code,name,,\nX,Unit X,,\n,,,\n", file_name="units.csv")
    assert data.headers == ["code", "name"]
    assert list(data) == [("X", "Unit X")]


def test_error_lists_are_capped_at_a_hundred_with_a_count():
    listed = capped([f"Baris {number}: salah" for number in range(2, 1002)])
    assert len(listed) == MAX_LISTED_ERRORS + 1 == 101
    assert listed[99] == "Baris 101: salah"
    assert listed[100].startswith("… dan 900 kesalahan lain.")
    assert capped(["satu"]) == ["satu"]


def test_the_admin_imports_through_the_same_reader():
    assert UnitAdmin.import_formats == [CleanCSV, CleanXLSX]
    with pytest.raises(ImportFileError, match="berisi rumus"):
        CleanXLSX().create_dataset(xlsx(["code"], ["=1"]))
