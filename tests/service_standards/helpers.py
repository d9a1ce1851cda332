"""Small builders shared by the service_standards tests."""

from __future__ import annotations

import io

import openpyxl
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

HEADERS = ["responden", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]


def respondent_dataset(rows, *, headers=HEADERS, numbered=True) -> tablib.Dataset:
    data = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows, start=1):
        data.append([number, *row] if numbered else list(row))
    return data


def respondent_csv(rows, *, headers=HEADERS, name="responden.csv") -> SimpleUploadedFile:
    text = respondent_dataset(rows, headers=headers).export("csv")
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def respondent_xlsx(rows, *, headers=HEADERS, name="responden.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def tiny_pdf() -> bytes:
    from service_standards.demo import _minutes_pdf

    return _minutes_pdf("FGD contoh")
