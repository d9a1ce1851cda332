"""Reading an uploaded spreadsheet: xlsx and csv by their content, anything else refused
in words a person understands."""

import io

import openpyxl
import pytest

from lib.imports import ImportFileError, read_dataset


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
