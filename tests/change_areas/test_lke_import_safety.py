"""An LKE import never loses data: a file changes only what it names (an input of a
percentage question, a note only when it has a note column), refuses formulas, files
with no rows and rows wider than their header, lists at most 100 errors, and writes
nothing when it changes nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas import lke, services
from change_areas.models import Answer, Cycle, Layer
from tests.change_areas.helpers import question
from tests.files import upload

LHKPN = "A.PW.RFM.iii.LHKPN.a"
STORED = {"n1": 12, "n2": 6, "n3": 4, "n4": 2, "n5": 11}
CSV = "text/csv"


@pytest.fixture
def lhkpn(cycle, staff):
    """LHKPN as the issue found it: 11 of 12 reported, with a note."""
    services.answer_save(
        cycle=cycle,
        question=question(LHKPN),
        inputs={"n2": 6, "n3": 4, "n4": 2, "n5": 11},
        note="Data e-LHKPN Januari",
        by=staff,
    )
    return Answer.objects.get(cycle=cycle, question__code=LHKPN)


def rows(*lines, headers=("code", "answer", "note")) -> tablib.Dataset:
    return tablib.Dataset(*lines, headers=list(headers))


def import_url(cycle: Cycle) -> str:
    return reverse("change_areas:lke_import", kwargs={"pk": cycle.pk})


def post_file(client, cycle, name: str, content: bytes, content_type: str = CSV):
    return client.post(import_url(cycle), {"file": upload(name, content, content_type)})


def xlsx(*lines) -> bytes:
    book = openpyxl.Workbook()
    for line in lines:
        book.active.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Merged at the level of what a row names


def test_a_file_naming_one_input_keeps_its_siblings_and_the_note(cycle, lhkpn):
    written = lke.import_dataset(cycle, Layer.SELF, rows([f"{LHKPN}.n5", "9", ""]))

    answer = Answer.objects.get(pk=lhkpn.pk)
    assert written == 1
    assert answer.inputs == {**STORED, "n5": 9}
    assert float(answer.value) == 0.75  # 9 of 12
    assert answer.note == "Data e-LHKPN Januari"


def test_an_input_above_the_stored_whole_is_refused_by_its_row(cycle, lhkpn):
    with pytest.raises(lke.LkeImportError) as refused:
        lke.import_dataset(cycle, Layer.SELF, rows([f"{LHKPN}.n5", "99", ""]))

    assert refused.value.errors == [
        f"Baris 2 ({LHKPN}.n5): Jumlah Lainnya yang sudah melaporkan (99) tidak boleh lebih dari "
        "Jumlah yang harus melaporkan (12)."
    ]
    assert Answer.objects.get(pk=lhkpn.pk).inputs == STORED


def test_a_blank_input_cell_clears_that_input_only(cycle, lhkpn):
    lke.import_dataset(cycle, Layer.SELF, rows([f"{LHKPN}.n4", "", ""]))

    answer = Answer.objects.get(pk=lhkpn.pk)
    assert answer.inputs == {"n2": 6, "n3": 4, "n5": 11}  # n1 needs n4: no longer computed
    assert answer.value is None  # incomplete: not answered
    assert answer.note == "Data e-LHKPN Januari"


def test_a_file_without_a_note_column_keeps_every_note(cycle, lhkpn, staff):
    services.answer_save(
        cycle=cycle, question=question("A.MP.PMN.i.a"), option="Tidak", note="Belum", by=staff
    )

    lke.import_dataset(cycle, Layer.SELF, rows(["A.MP.PMN.i.a", "Ya"], headers=("code", "answer")))

    answer = Answer.objects.get(cycle=cycle, question__code="A.MP.PMN.i.a")
    assert (answer.option, answer.note) == ("Ya", "Belum")


def writes(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_file_that_changes_nothing_writes_nothing(cycle, lhkpn):
    same = rows([LHKPN, "", "Data e-LHKPN Januari"], [f"{LHKPN}.n5", "11", ""])

    with CaptureQueriesContext(connection) as captured:
        written = lke.import_dataset(cycle, Layer.SELF, same)

    assert written == 0
    assert writes(captured) == []


# --------------------------------------------------------------------------
# Files refused whole, with reasons by row


def test_a_header_only_file_is_refused_and_writes_nothing(cycle, lhkpn, staff, client_for):
    client = client_for(staff)
    client.get(import_url(cycle))  # the session settles

    with CaptureQueriesContext(connection) as captured:
        response = post_file(client, cycle, "lke.csv", b"code,answer,note\n")

    assert response.status_code == 400
    assert "hanya berisi baris judul" in response.content.decode()
    assert writes(captured) == []


def test_a_dataset_without_lke_rows_is_refused(cycle):
    with pytest.raises(lke.LkeImportError, match="tidak berisi baris LKE"):
        lke.import_dataset(cycle, Layer.SELF, rows(["", "", ""]))


def test_a_formula_in_the_answer_column_is_refused_by_row_and_column(
    cycle, lhkpn, staff, client_for
):
    content = xlsx(["code", "answer", "note"], ["A.MP.PMN.i.a", "Ya", ""], [LHKPN, "=B2*100", ""])

    response = post_file(client_for(staff), cycle, "lke.xlsx", content, "application/octet-stream")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Baris 3, kolom answer: berisi rumus (=B2*100)" in html
    assert not Answer.objects.filter(cycle=cycle, question__code="A.MP.PMN.i.a").exists()
    assert Answer.objects.get(pk=lhkpn.pk).version == lhkpn.version


def test_an_unquoted_decimal_comma_is_explained_by_row(cycle, staff, client_for):
    content = b"code,answer,note\nA.MP.PMN.i.a,Ya,\nB.BBA.a.1,3,75,\n"

    response = post_file(client_for(staff), cycle, "lke.csv", content)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Baris 3: 4 isian, padahal baris judul punya 3 kolom" in html
    assert "&quot;3,75&quot;" in html
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_a_semicolon_csv_with_decimal_commas_is_read(cycle, staff, client_for):
    content = b"code;answer;note\nB.BBA.a.1;3,75;Survei IPAK\n"

    response = post_file(client_for(staff), cycle, "lke.csv", content)

    assert response.status_code == 302
    answer = Answer.objects.get(cycle=cycle)
    assert (float(answer.number), answer.note) == (3.75, "Survei IPAK")


def test_a_hundred_thousand_bad_rows_list_the_first_hundred_and_a_count(cycle, staff, client_for):
    lines = ["code,answer,note"] + [f"X.{number},Ya," for number in range(100_000)]

    response = post_file(client_for(staff), cycle, "lke.csv", "\n".join(lines).encode())

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("kode tidak dikenal") == 100
    assert "dan 99900 kesalahan lain" in html
    assert len(response.content) < 60_000
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_control_characters_in_cells_are_dropped_not_stored(cycle, staff, client_for):
    content = b"code,answer,note\nA.MP.PMN.i.a,Ya,SK\x00 tim\x07 ada\n"

    response = post_file(client_for(staff), cycle, "lke.csv", content)

    assert response.status_code == 302
    assert Answer.objects.get(cycle=cycle).note == "SK tim ada"


def test_an_xlsx_count_written_as_text_with_grouping_is_a_count(cycle, staff, client_for):
    content = xlsx(
        ["code", "answer", "note"],
        ["A.MP.RFM.i.b.n1", "1.234", ""],
        ["A.MP.RFM.i.b.n2", 1000, ""],
    )

    post_file(client_for(staff), cycle, "lke.xlsx", content, "application/octet-stream")

    assert Answer.objects.get(cycle=cycle).inputs == {"n1": 1234, "n2": 1000}
