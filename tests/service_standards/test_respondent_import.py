"""SKM respondent files: xlsx/csv, all or nothing, errors in Indonesian with row numbers."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from service_standards import services
from service_standards.models import PeriodKind, Respondent, SatisfactionSurvey
from service_standards.respondent_files import parse_dataset, parse_file, template_xlsx
from tests.service_standards.helpers import (
    respondent_csv,
    respondent_dataset,
    respondent_xlsx,
)
from tests.service_standards.test_skm import HAND_WORKED


@pytest.fixture
def survey(unit):
    return services.survey_create(
        unit=unit, by=None, year=2024, period_kind=PeriodKind.SEMESTER, period_number=1
    )


def import_url(survey):
    return reverse(
        "service_standards:survey_import", kwargs={"code": survey.unit.code, "survey_id": survey.pk}
    )


def test_bad_rows_are_named_by_row_and_nothing_is_kept():
    rows = [
        (4, 4, 4, 4, 4, 4, 4, 4, 4),
        (4, 5, 4, 4, 4, 4, 4, 4, 4),  # row 3: a 5
        (4, 4, "", 4, 4, 4, 4, 4, 4),  # row 4: blank U3 — allowed (averaged over answers given)
        (4, 4, 4, "baik", 4, 4, 4, 4, 4),  # row 5: not a number
        (4, 4, 4, 4, 0, 4, 4, 4, 3.5),  # row 6: 0 and a fraction
    ]
    parsed = parse_dataset(respondent_dataset(rows))
    assert not parsed.ok
    text = "\n".join(parsed.errors)
    assert "Baris 2" not in text
    assert "Baris 3: U2 bernilai 5; nilai harus 1–4." in text
    assert "Baris 4" not in text
    assert "Baris 5: U4 berisi 'baik', bukan angka bulat 1–4." in text
    assert (
        "Baris 6: U5 bernilai 0; nilai harus 1–4; U9 berisi '3.5', bukan angka bulat 1–4." in text
    )


def test_missing_element_columns_are_named():
    parsed = parse_dataset(respondent_dataset([(4,) * 8], headers=HEADERS_WITHOUT_U9))
    assert parsed.errors == [
        "Kolom U9 tidak ditemukan di baris 1 (judul kolom). Kolom wajib: U1 sampai U9."
    ]


HEADERS_WITHOUT_U9 = ["responden", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8"]


def test_demographics_are_read_and_checked():
    headers = [
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "U6",
        "U7",
        "U8",
        "U9",
        "Jenis Kelamin",
        "Umur",
        "Pendidikan",
        "Pekerjaan",
        "Layanan",
    ]
    rows = [
        (4, 4, 4, 4, 4, 4, 4, 4, 4, "Perempuan", 34, "S1", "Mahasiswa", "Perpustakaan"),
        (3, 3, 3, 3, 3, 3, 3, 3, 3, "L", "", "", "", ""),
        (3, 3, 3, 3, 3, 3, 3, 3, 3, "X", 7, "", "", ""),
    ]
    parsed = parse_dataset(respondent_dataset(rows, headers=headers, numbered=False))
    assert parsed.errors == [
        "Baris 4: jenis kelamin 'X' tidak dikenal (isi L atau P); "
        "umur '7' tidak wajar (isi 10–120)."
    ]
    first, second = parsed.rows
    assert (first.sex, first.age, first.education, first.occupation, first.service_used) == (
        "P",
        34,
        "S1",
        "Mahasiswa",
        "Perpustakaan",
    )
    assert (second.sex, second.age) == ("L", None)


def test_trailing_empty_rows_are_ignored_and_a_header_only_file_is_refused():
    parsed = parse_dataset(
        respondent_dataset([(4,) * 9, ("",) * 9], numbered=False, headers=HEADERS_WITHOUT_NUMBER)
    )
    assert parsed.ok and len(parsed.rows) == 1
    empty = parse_dataset(respondent_dataset([], headers=HEADERS_WITHOUT_NUMBER))
    assert empty.errors == ["Berkas tidak berisi responden (hanya baris judul)."]


HEADERS_WITHOUT_NUMBER = ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]


def test_an_unreadable_file_says_so():
    from lib.imports import ImportFileError

    with pytest.raises(ImportFileError, match=r"xlsx atau \.csv"):
        parse_file(b"%PDF-1.4", file_name="responden.pdf")


def test_the_template_workbook_is_a_valid_respondent_file():
    parsed = parse_file(template_xlsx(), file_name="templat.xlsx")
    assert parsed.ok, parsed.errors
    assert len(parsed.rows) == 1


@pytest.mark.parametrize("make_file", [respondent_csv, respondent_xlsx])
def test_importing_a_file_computes_the_result(make_file, survey, staff, client_for):
    response = client_for(staff).post(import_url(survey), {"file": make_file(HAND_WORKED)})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.respondent_count == 4
    assert survey.ikm == Decimal("88.19") and survey.grade == "B"
    assert survey.nrr_u3 == Decimal("3.2500")
    assert survey.source == SatisfactionSurvey.Source.RESPONDENTS
    assert Respondent.objects.filter(survey=survey).count() == 4
    record = survey.history.first()
    assert record.history_user == staff and record.history_change_reason == "survey_import 4"


def test_a_bad_file_changes_nothing_and_the_page_lists_the_rows(survey, staff, client_for):
    client = client_for(staff)
    client.post(import_url(survey), {"file": respondent_csv(HAND_WORKED)})
    before = list(Respondent.objects.filter(survey=survey).values_list("u1", flat=True))
    history_before = survey.history.count()

    bad = [*HAND_WORKED, (4, 4, 4, 4, 4, 4, 4, 4, 5)]
    response = client.post(import_url(survey), {"file": respondent_csv(bad)})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Berkas ditolak; tidak ada data yang diimpor" in content
    assert "Baris 6: U9 bernilai 5; nilai harus 1–4." in content
    survey.refresh_from_db()
    assert survey.ikm == Decimal("88.19") and survey.respondent_count == 4
    assert list(Respondent.objects.filter(survey=survey).values_list("u1", flat=True)) == before
    assert survey.history.count() == history_before


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(survey, staff, client_for):
    upload = SimpleUploadedFile("responden.xlsx", b"not a workbook at all")
    response = client_for(staff).post(import_url(survey), {"file": upload})
    assert response.status_code == 400
    assert "Berkas tidak dapat dibaca" in response.content.decode()
    assert not Respondent.objects.exists()


def test_a_published_period_cannot_be_reimported(survey, staff, coordinator, client_for):
    client_for(staff).post(import_url(survey), {"file": respondent_csv(HAND_WORKED)})
    services.survey_publish(survey=survey, by=coordinator, small_sample_confirmed=True)
    response = client_for(staff).post(import_url(survey), {"file": respondent_csv([(1,) * 9])})
    assert response.status_code == 400
    assert "sudah dipublikasikan" in response.content.decode()
    survey.refresh_from_db()
    assert survey.respondent_count == 4


def test_averages_can_be_entered_directly_and_are_validated(survey, staff, client_for):
    url = reverse(
        "service_standards:survey_averages",
        kwargs={"code": survey.unit.code, "survey_id": survey.pk},
    )
    client = client_for(staff)
    bad = {"respondent_count": "150", **{f"nrr_u{i}": "3,50" for i in range(1, 10)}}
    bad["nrr_u4"] = "4,20"
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Nilai rata-rata harus antara 1,00 dan 4,00." in response.content.decode()
    survey.refresh_from_db()
    assert survey.ikm is None

    good = {"respondent_count": "150", **{f"nrr_u{i}": "3,5324" for i in range(1, 10)}}
    assert client.post(url, good).status_code == 302
    survey.refresh_from_db()
    assert survey.ikm == Decimal("88.31") and survey.grade == "A"
    assert survey.respondent_count == 150
    assert survey.source == SatisfactionSurvey.Source.AVERAGES
