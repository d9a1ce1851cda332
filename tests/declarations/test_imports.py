"""Witness and signatory lists from xlsx/csv: every row or none, errors by spreadsheet row."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.models import DeclarationKind
from declarations.resources import import_participants
from tests.factories import DeclarationFactory


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def pakta(headed_unit, catalogs):
    return DeclarationFactory(unit=headed_unit, kind=DeclarationKind.PAKTA_INTEGRITAS)


def test_witnesses_from_a_csv_replace_the_list(draft):
    content = csv_bytes(
        "nama,jabatan,instansi\n"
        "Musa Sombuk,Kepala Perwakilan,Ombudsman RI Perwakilan Papua Barat\n"
        "Lambock V. Nahattands,Wali Kota,Pemerintah Kota Sorong\n"
    )
    result = import_participants(
        declaration=draft, who="witnesses", content=content, file_name="saksi.csv", by=None
    )
    assert result.ok and result.count == 2
    assert [(w.name, w.institution, w.order) for w in draft.witnesses.all()] == [
        ("Musa Sombuk", "Ombudsman RI Perwakilan Papua Barat", 0),
        ("Lambock V. Nahattands", "Pemerintah Kota Sorong", 1),
    ]


def test_signatories_from_an_xlsx(pakta):
    content = xlsx_bytes(
        [
            ["name", "nip", "position"],
            ["Budi Santoso", "199001012015031001", "Statistisi Ahli Pertama"],
            ["Ani Wijaya", "199203112014122002", "Pranata Komputer"],
        ]
    )
    result = import_participants(
        declaration=pakta, who="declarants", content=content, file_name="pegawai.xlsx", by=None
    )
    assert result.ok and result.count == 2
    assert [(d.name, d.nip, d.unit) for d in pakta.declarants.all()] == [
        ("Budi Santoso", "199001012015031001", pakta.unit),
        ("Ani Wijaya", "199203112014122002", pakta.unit),
    ]


def test_a_nip_stored_as_a_number_is_refused_because_digits_were_lost(pakta):
    content = xlsx_bytes([["name", "nip"], ["Budi Santoso", 199001012015031001]])
    result = import_participants(
        declaration=pakta, who="declarants", content=content, file_name="p.xlsx", by=None
    )
    assert not result.ok
    assert (
        result.errors[0].startswith("Baris 2:")
        and "ubah format kolom NIP menjadi teks" in result.errors[0]
    )


def test_one_bad_nip_rejects_the_whole_file_with_row_numbers(pakta):
    before = list(pakta.declarants.values_list("name", flat=True))
    content = csv_bytes(
        "name,nip,position\n"
        "Budi Santoso,199001012015031001,Statistisi\n"
        "Salah Tanggal,199013012015031001,Statistisi\n"
        "Terlalu Pendek,12345,Statistisi\n"
    )
    result = import_participants(
        declaration=pakta, who="declarants", content=content, file_name="p.csv", by=None
    )

    assert not result.ok
    assert any(
        error.startswith("Baris 3:") and "bukan tanggal lahir" in error for error in result.errors
    )
    assert any(error.startswith("Baris 4:") and "18 angka" in error for error in result.errors)
    assert list(pakta.declarants.values_list("name", flat=True)) == before


def test_missing_columns_are_named(draft):
    result = import_participants(
        declaration=draft,
        who="witnesses",
        content=csv_bytes("jabatan\nKetua\n"),
        file_name="s.csv",
        by=None,
    )
    assert not result.ok and result.errors == ["Kolom wajib tidak ada: name."]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x00\x01garbage", "s.xlsx", "Berkas tidak dapat dibaca"),
        (b"name\n", "s.csv", "Berkas hanya berisi baris judul"),
        ("nama\nÉlan\n".encode("latin-1"), "s.csv", "UTF-8"),
        (b"name\nA\n", "s.pdf", "Berkas harus berformat .xlsx atau .csv."),
    ],
)
def test_unreadable_files_get_a_clear_message(draft, content, name, message):
    result = import_participants(
        declaration=draft, who="witnesses", content=content, file_name=name, by=None
    )
    assert not result.ok and message in " ".join(result.errors)
    assert draft.witnesses.count() == 2


def test_an_issued_declaration_takes_no_import(final, client_for, unit_admin):
    response = client_for(unit_admin).post(
        reverse("declarations:import", kwargs={"pk": final.pk}),
        {"who": "witnesses", "file": SimpleUploadedFile("s.csv", b"name\nBaru\n")},
    )
    assert response.status_code == 302
    assert final.witnesses.count() == 2


def test_the_page_imports_and_reports_errors(draft, client_for, unit_admin):
    client = client_for(unit_admin)
    url = reverse("declarations:import", kwargs={"pk": draft.pk})
    bad = client.post(
        url, {"who": "declarants", "file": SimpleUploadedFile("p.csv", b"name,nip\nX,1\n")}
    )
    assert bad.status_code == 400 and "Baris 2:" in bad.content.decode()
    good = client.post(
        url,
        {"who": "witnesses", "file": SimpleUploadedFile("s.csv", b"name,institution\nBaru,KPK\n")},
    )
    assert good.status_code == 302
    assert [w.name for w in draft.witnesses.all()] == ["Baru"]
    assert draft.witnesses.get().history.get().history_user == unit_admin
