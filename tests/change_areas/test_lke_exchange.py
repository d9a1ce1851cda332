"""LKE files: export and import round-trip, all-or-nothing imports with row numbers,
the lke_* commands, the scorecard as JSON, and the import page."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal

import pytest
import tablib
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation

from change_areas import lke, scoring, selectors, services
from change_areas.models import Answer, Cycle, Layer, Stage
from tests.change_areas.helpers import RETURNED, answer_of, fresh, run
from tests.factories import AnswerFactory, CycleFactory
from tests.files import upload

CSV = "text/csv"


def fill_every_question(cycle: Cycle) -> None:
    """A different answer for every question: options, counts, survey indices and notes."""
    spec = selectors.catalog_spec(cycle.framework)
    answers = {}
    for number, question in enumerate(spec.questions):
        note = f"Catatan {question.code}, ke-{number}" if number % 3 == 0 else ""
        if question.options:
            keys = list(question.options)
            data = scoring.AnswerData(option=keys[number % len(keys)])
        elif question.inputs:
            typed = {
                spec_input.key: float(3 + (number + position) % 7)
                for position, spec_input in enumerate(question.typed_inputs)
            }
            data = scoring.AnswerData(inputs=typed)
        elif question.answer_type == "nilai_0_4":
            data = scoring.AnswerData(number=3.27 if number % 2 else 2.9)
        else:
            data = scoring.AnswerData(number=87.5)
        answers[question.code] = (data, note)
    services.answers_save_many(cycle=cycle, layer=Layer.SELF, answers=answers, spec=spec)


def answers_of(cycle: Cycle) -> dict[str, tuple]:
    return {
        answer.question.code: (
            answer.option,
            answer.number,
            answer.inputs,
            answer.note,
            answer.value,
        )
        for answer in Answer.objects.filter(cycle=cycle, layer=Layer.SELF).select_related(
            "question"
        )
    }


def scorecard_json(unit, year: int = 2026) -> dict:
    return json.loads(run("lke_scorecard", unit.code, str(year), "--json"))


def write_csv(tmp_path, rows: list[list[str]], name: str = "lke.csv"):
    dataset = tablib.Dataset(headers=["code", "answer", "note"])
    for row in rows:
        dataset.append(row)
    path = tmp_path / name
    path.write_text(dataset.export("csv"), encoding="utf-8")
    return path


GOOD_ROWS = [
    ["A.MP.PMN.i.a", "Ya", "Tim sudah dibentuk"],
    ["A.MP.PMN.i.b", "b", ""],
    ["A.MP.RFM.i.a", "", ""],
    ["A.MP.RFM.i.a.n1", "10", ""],
    ["A.MP.RFM.i.a.n2", "8", ""],
    ["B.BBA.a.1", "3,5", ""],
]


# --------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_into_another_unit_round_trips_every_answer(
    cycle, unit, other_unit, tmp_path, suffix
):
    fill_every_question(cycle)
    path = tmp_path / f"lke-{unit.code}.{suffix}"

    exported = run("lke_export", unit.code, "2026", str(path))
    assert "ditulis ke" in exported and path.exists()
    imported = run("lke_import", other_unit.code, "2026", str(path))

    assert "Siklus OTHER 2026 (permenpan-rb-90-2021-lke-2026) dibuka" in imported
    assert "113 jawaban yang berubah diimpor" in imported
    copy = Cycle.objects.get(unit=other_unit, year=2026)
    original = answers_of(cycle)
    assert len(original) == 113
    assert answers_of(copy) == original
    mine, theirs = scorecard_json(unit), scorecard_json(other_unit)
    assert mine.pop("unit") == "UNIT" and theirs.pop("unit") == "OTHER"
    assert mine == theirs
    assert mine["completeness"] == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    cycle, unit, other_unit, tmp_path
):
    fill_every_question(cycle)
    path = tmp_path / "lke.csv"
    run("lke_export", unit.code, "2026", str(path))
    run("lke_import", other_unit.code, "2026", str(path))
    copy = Cycle.objects.get(unit=other_unit, year=2026)
    versions = dict(Answer.objects.filter(cycle=copy).values_list("question__code", "version"))

    again = run("lke_import", other_unit.code, "2026", str(path))

    assert "0 jawaban yang berubah diimpor" in again
    assert "dibuka" not in again
    assert (
        dict(Answer.objects.filter(cycle=copy).values_list("question__code", "version")) == versions
    )


def test_export_has_a_row_per_question_and_per_count_input(cycle):
    AnswerFactory(
        cycle=cycle,
        code="A.PW.RFM.iii.LHKPN.a",
        inputs={"n2": 1, "n3": 5, "n4": 2, "n5": 6},
        note="LHKPN 2025",
    )

    dataset = lke.export_dataset(cycle, Layer.SELF)

    rows = {row[0]: row for row in dataset}
    assert dataset.headers == ["code", "answer", "note", "uraian"]
    assert rows["A.PW.RFM.iii.LHKPN.a"][1:3] == ("75", "LHKPN 2025")
    assert rows["A.PW.RFM.iii.LHKPN.a.n1"][1] == "8"  # the computed input, n2 + n3 + n4
    assert rows["A.PW.RFM.iii.LHKPN.a.n5"][1] == "6"
    assert rows["A.MP.PMN.i.a"][1] == ""
    assert "tim" in rows["A.MP.PMN.i.a"][3].lower()


# --------------------------------------------------------------------------
# One bad row changes nothing


BAD_ROWS = {
    "unknown-code": (["A.MP.TIDAK.ADA", "Ya", ""], "kode tidak dikenal"),
    "letter-not-an-option": (["A.MP.PMN.ii.b", "Z", ""], "'Z' tidak sesuai jenisnya"),
    "negative-count": (["A.MP.RFM.i.b.n1", "-3", ""], "jumlah tidak boleh negatif"),
    "fraction-count": (["A.MP.RFM.i.b.n1", "2.5", ""], "jumlah harus bilangan bulat"),
    "survey-over-4": (["B.BBA.a.1", "5", ""], "Nilai survei harus antara 0 dan 4"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_file_with_one_bad_row_changes_nothing_and_names_the_row(cycle, case):
    AnswerFactory(cycle=cycle, option="Tidak")
    bad_row, message = BAD_ROWS[case]
    rows = [r for r in GOOD_ROWS if r[0] != bad_row[0]]
    rows.insert(2, bad_row)  # row 4: the header is row 1
    dataset = tablib.Dataset(*rows, headers=["code", "answer", "note"])
    before = answers_of(cycle)

    with pytest.raises(lke.LkeImportError) as refused:
        lke.import_dataset(cycle, Layer.SELF, dataset)

    assert len(refused.value.errors) == 1
    error = refused.value.errors[0]
    assert error.startswith(f"Baris 4 ({bad_row[0]})")
    assert message in error
    assert answers_of(cycle) == before
    assert Cycle.objects.get(pk=cycle.pk).self_total == cycle.self_total


def test_computed_lhkpn_count_that_disagrees_names_its_row(cycle):
    dataset = tablib.Dataset(
        ["A.MP.PMN.i.a", "Ya", ""],
        ["A.PW.RFM.iii.LHKPN.a", "", ""],
        ["A.PW.RFM.iii.LHKPN.a.n1", "9", ""],
        ["A.PW.RFM.iii.LHKPN.a.n2", "1", ""],
        ["A.PW.RFM.iii.LHKPN.a.n3", "5", ""],
        ["A.PW.RFM.iii.LHKPN.a.n4", "2", ""],
        ["A.PW.RFM.iii.LHKPN.a.n5", "6", ""],
        headers=["code", "answer", "note"],
    )

    with pytest.raises(lke.LkeImportError) as refused:
        lke.import_dataset(cycle, Layer.SELF, dataset)

    assert refused.value.errors == [
        "Baris 4 (A.PW.RFM.iii.LHKPN.a.n1): 9 tidak sama dengan jumlah isiannya (8)."
    ]
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_computed_lhkpn_count_that_agrees_is_accepted(cycle):
    dataset = tablib.Dataset(
        ["A.PW.RFM.iii.LHKPN.a.n1", "8", ""],
        ["A.PW.RFM.iii.LHKPN.a.n2", "1", ""],
        ["A.PW.RFM.iii.LHKPN.a.n3", "5", ""],
        ["A.PW.RFM.iii.LHKPN.a.n4", "2", ""],
        ["A.PW.RFM.iii.LHKPN.a.n5", "6", ""],
        headers=["code", "answer", "note"],
    )

    assert lke.import_dataset(cycle, Layer.SELF, dataset) == 1

    answer = Answer.objects.get(cycle=cycle)
    assert answer.inputs == {"n1": 8, "n2": 1, "n3": 5, "n4": 2, "n5": 6}
    assert float(answer.value) == 0.75


def test_every_bad_row_is_reported_in_row_order(cycle):
    dataset = tablib.Dataset(
        ["A.MP.PMN.i.a", "Ya", ""],
        ["A.MP.PMN.i.b", "Z", ""],
        ["A.MP.RFM.i.a.n1", "-1", ""],
        ["ZZZ", "Ya", ""],
        headers=["code", "answer", "note"],
    )

    with pytest.raises(lke.LkeImportError) as refused:
        lke.import_dataset(cycle, Layer.SELF, dataset)

    assert [error.split(" (")[0] for error in refused.value.errors] == [
        "Baris 3",
        "Baris 4",
        "Baris 5",
    ]


@pytest.mark.parametrize("case", ["unknown-code", "letter-not-an-option", "negative-count"])
def test_import_command_refuses_a_bad_file_and_leaves_no_cycle_behind(
    catalogs, other_unit, tmp_path, case
):
    bad_row, message = BAD_ROWS[case]
    path = write_csv(tmp_path, [GOOD_ROWS[0], bad_row, GOOD_ROWS[1]])

    with pytest.raises(CommandError) as refused:
        run("lke_import", other_unit.code, "2026", str(path))

    assert f"Baris 3 ({bad_row[0]})" in str(refused.value)
    assert message in str(refused.value)
    assert not Cycle.objects.filter(unit=other_unit).exists()
    assert not Answer.objects.exists()


def test_import_command_with_a_bad_lhkpn_row_names_it(catalogs, other_unit, tmp_path):
    path = write_csv(
        tmp_path,
        [
            ["A.PW.RFM.iii.LHKPN.a.n1", "10", ""],
            ["A.PW.RFM.iii.LHKPN.a.n2", "1", ""],
            ["A.PW.RFM.iii.LHKPN.a.n3", "5", ""],
            ["A.PW.RFM.iii.LHKPN.a.n4", "2", ""],
            ["A.PW.RFM.iii.LHKPN.a.n5", "6", ""],
        ],
    )

    with pytest.raises(CommandError) as refused:
        run("lke_import", other_unit.code, "2026", str(path))

    assert "Baris 2 (A.PW.RFM.iii.LHKPN.a.n1)" in str(refused.value)
    assert not Cycle.objects.filter(unit=other_unit).exists()


def test_bad_file_leaves_an_existing_cycle_as_it_was(cycle, unit, tmp_path):
    AnswerFactory(cycle=cycle, option="Tidak")
    before = answers_of(cycle)
    path = write_csv(tmp_path, [["A.MP.PMN.i.a", "Ya", ""], ["A.MP.PMN.i.b", "Z", ""]])

    with pytest.raises(CommandError):
        run("lke_import", unit.code, "2026", str(path))

    assert Cycle.objects.filter(pk=cycle.pk).exists()
    assert answers_of(cycle) == before


# --------------------------------------------------------------------------
# lke_import opening a cycle


def test_import_opens_a_cycle_on_the_current_framework_targeting_wbk(
    catalogs, other_unit, tmp_path
):
    path = write_csv(tmp_path, GOOD_ROWS)

    output = run("lke_import", other_unit.code, "2025", str(path))

    cycle = Cycle.objects.get(unit=other_unit, year=2025)
    assert (cycle.framework.code, cycle.target) == ("permenpan-rb-90-2021-lke-2026", "wbk")
    assert "Siklus OTHER 2025" in output
    answers = answers_of(cycle)
    assert answers["A.MP.PMN.i.a"][0:4] == ("Ya", None, {}, "Tim sudah dibentuk")
    assert answers["A.MP.PMN.i.b"][0] == "B"
    assert answers["A.MP.RFM.i.a"][2] == {"n1": 10, "n2": 8}
    assert float(answers["B.BBA.a.1"][1]) == 3.5
    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.summaries["self"]["answered"] == 4


def test_import_with_framework_option_opens_a_cycle_on_that_framework(
    catalogs, other_unit, tmp_path
):
    legacy = catalogs["permenpan-rb-52-2014"]
    code = legacy.questions.filter(answer_type="ya_tidak").order_by("order").first().code
    path = write_csv(tmp_path, [[code, "Ya", "legacy"]])

    run("lke_import", other_unit.code, "2026", str(path), "--framework", legacy.code)

    cycle = Cycle.objects.get(unit=other_unit, year=2026)
    assert cycle.framework == legacy
    assert cycle.target == "wbk"
    assert Answer.objects.get(cycle=cycle).question.code == code


def test_import_into_a_unit_that_has_a_cycle_writes_into_it(cycle, unit, tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS)

    output = run("lke_import", unit.code, "2026", str(path))

    assert "dibuka" not in output
    assert Cycle.objects.filter(unit=unit).count() == 1
    assert Answer.objects.filter(cycle=cycle).count() == 4


def test_import_of_an_unknown_unit_or_unreadable_file_is_a_command_error(catalogs, unit, tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS)
    with pytest.raises(CommandError):
        run("lke_import", "TIDAK-ADA", "2026", str(path))
    broken = tmp_path / "lke.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(CommandError):
        run("lke_import", unit.code, "2026", str(broken))
    assert not Cycle.objects.exists()


# --------------------------------------------------------------------------
# lke_scorecard --json and the overview page


def test_scorecard_json_has_the_promised_shape(cycle, unit):
    for code, option in [("A.MP.PMN.i.a", "Ya"), ("A.MP.PMN.ii.c", "B"), ("A.SDM.PMN.i.a", "Ya")]:
        AnswerFactory(cycle=cycle, code=code, option=option)

    data = scorecard_json(unit)

    assert set(data) == {
        "framework",
        "unit",
        "year",
        "layer",
        "total",
        "components",
        "parts",
        "areas",
        "indicators",
        "completeness",
        "eligibility",
    }
    assert (data["framework"], data["unit"], data["year"], data["layer"]) == (
        "permenpan-rb-90-2021-lke-2026",
        "UNIT",
        2026,
        "self",
    )
    assert set(data["components"]) == {"A", "B"}
    assert {"A.MP", "A.TL", "A.SDM", "A.AK", "A.PW", "A.PP"} <= set(data["areas"])
    assert "A.MP.PMN" in data["parts"] and "A.MP.PMN.i" in data["indicators"]
    assert 0 <= data["completeness"] <= 1
    assert data["completeness"] == round(3 / 113, 2)
    numbers = [data["total"], data["completeness"]]
    for group in ("components", "parts", "areas", "indicators"):
        numbers += data[group].values()
    assert all(isinstance(n, int | float) and round(n, 2) == n for n in numbers)
    assert data["total"] == round(sum(data["components"].values()), 2)
    assert set(data["eligibility"]) == {"wbk", "wbbm"}
    for result in data["eligibility"].values():
        assert result["eligible"] is False
        assert result["failed"]
        assert all(set(failure) == {"rule", "message"} for failure in result["failed"])
    assert any("di bawah minimal" in f["message"] for f in data["eligibility"]["wbk"]["failed"])


def test_scorecard_without_json_prints_a_summary(cycle, unit):
    output = run("lke_scorecard", unit.code, "2026")

    assert "Satker Contoh — 2026 — Penilaian unit (LKE ZI 2026): nilai total 0,00" in output
    assert "Menuju WBK: belum memenuhi nilai ambang" in output
    assert "Nilai total (pengungkit + hasil) 0,00 di bawah minimal 75,00" in output


def test_scorecard_speaks_english_when_the_interface_does(cycle, unit):
    with translation.override("en"):
        output = run("lke_scorecard", unit.code, "2026")

    assert "Menuju WBK: threshold not yet met" in output


def _figures(html: str, name: str) -> str:
    match = re.search(
        r'<th scope="row"><a href="[^"]*">'
        + re.escape(name)
        + r'</a>.*?class="figure">([\d.,]+) /',
        html,
        re.DOTALL,
    )
    assert match, name
    return match.group(1)


def _indonesian(number: float) -> str:
    return f"{number:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def test_overview_shows_the_same_scores_and_completeness_as_the_json(
    cycle, unit, staff, client_for
):
    fill_every_question(cycle)
    spec = selectors.catalog_spec(cycle.framework)
    # leave a third of the questions unanswered, so completeness is not 1
    Answer.objects.filter(
        cycle=cycle, question__code__in=[q.code for q in spec.questions[::3]]
    ).delete()
    services.cycle_refresh_summary(cycle=cycle, layer=Layer.SELF)
    data = scorecard_json(unit)

    html = client_for(staff).get(cycle.get_absolute_url()).content.decode()

    names = {area.code: area.name for area in spec.areas}
    for code, value in data["areas"].items():
        assert _figures(html, names[code]) == _indonesian(value), code
    header = re.search(r'class="big-number">([\d.,]+)<', html).group(1)
    assert header == _indonesian(data["total"])
    shown = int(re.search(r"(\d+)% terisi", html).group(1))
    assert shown == round(data["completeness"] * 100)
    assert 0 < data["completeness"] < 1


# --------------------------------------------------------------------------
# The import page


def import_url(cycle: Cycle) -> str:
    return reverse("change_areas:lke_import", kwargs={"pk": cycle.pk})


def csv_upload(rows: list[list[str]], name: str = "lke.csv"):
    dataset = tablib.Dataset(*rows, headers=["code", "answer", "note"])
    return upload(name, dataset.export("csv").encode(), CSV)


def test_import_page_shows_row_numbered_errors_and_imports_nothing(cycle, staff, client_for):
    rows = [*GOOD_ROWS[:2], ["A.MP.PMN.ii.b", "Z", ""], ["A.MP.RFM.i.b.n1", "-2", ""]]

    response = client_for(staff).post(import_url(cycle), {"file": csv_upload(rows)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Berkas tidak diimpor" in html
    assert "Baris 4 (A.MP.PMN.ii.b)" in html
    assert "Baris 5 (A.MP.RFM.i.b.n1)" in html
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_import_page_accepts_a_good_file(cycle, staff, client_for):
    response = client_for(staff).post(import_url(cycle), {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    answers = answers_of(cycle)
    assert set(answers) == {"A.MP.PMN.i.a", "A.MP.PMN.i.b", "A.MP.RFM.i.a", "B.BBA.a.1"}
    record = Answer.objects.get(cycle=cycle, question__code="A.MP.PMN.i.a").history.get()
    assert (record.history_user, record.history_change_reason) == (staff, "lke_import")


def test_import_page_accepts_an_exported_xlsx(cycle, unit, other_unit, staff, client_for):
    fill_every_question(cycle)
    content = lke.export_dataset(cycle, Layer.SELF).export("xlsx")
    target = CycleFactory(unit=unit, year=2027)

    response = client_for(staff).post(
        import_url(target),
        {"file": upload("lke.xlsx", content, "application/octet-stream")},
    )

    assert response.status_code == 302
    assert answers_of(target) == answers_of(cycle)


def test_import_page_refuses_a_file_that_is_not_a_spreadsheet(cycle, staff, client_for):
    response = client_for(staff).post(import_url(cycle), {"file": upload("lke.pdf")})

    assert response.status_code == 400
    assert ".xlsx atau .csv" in response.content.decode()
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_import_page_is_refused_to_viewers(cycle, viewer, client_for):
    response = client_for(viewer).post(import_url(cycle), {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code == 403
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_import_page_is_refused_once_the_self_assessment_is_locked(cycle, staff, client_for):
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.EVALUASI_TPI)

    response = client_for(staff).post(import_url(cycle), {"file": csv_upload(GOOD_ROWS)})

    assert response.status_code == 403
    assert not Answer.objects.filter(cycle=cycle).exists()


# --------------------------------------------------------------------------
# LKE files per layer


def test_lke_export_writes_the_tpi_layer(submitted, tpi_reviewer, tmp_path):
    AnswerFactory(
        cycle=submitted,
        code=RETURNED,
        layer=Layer.TPI,
        option="Tidak",
        note="SK tidak ada",
        by=tpi_reviewer,
    )

    run("lke_export", "UNIT", "2026", str(tmp_path / "tpi.csv"), "--layer", "tpi")
    run("lke_export", "UNIT", "2026", str(tmp_path / "self.csv"))

    def rows(name):
        with open(tmp_path / name, encoding="utf-8") as handle:
            return {row["code"]: row for row in csv.DictReader(handle)}

    tpi, own = rows("tpi.csv"), rows("self.csv")
    assert (tpi[RETURNED]["answer"], tpi[RETURNED]["note"]) == ("Tidak", "SK tidak ada")
    assert (own[RETURNED]["answer"], own[RETURNED]["note"]) == ("Ya", "")
    assert tpi["A.MP.PMN.i.b"]["answer"] == own["A.MP.PMN.i.b"]["answer"] == "A"


def test_lke_scorecard_reports_the_tpi_scorecard(submitted, tpi_reviewer):
    AnswerFactory(cycle=submitted, code=RETURNED, layer=Layer.TPI, option="Tidak", by=tpi_reviewer)

    tpi = json.loads(run("lke_scorecard", "UNIT", "2026", "--layer", "tpi", "--json"))
    own = json.loads(run("lke_scorecard", "UNIT", "2026", "--json"))

    assert (tpi["layer"], tpi["total"], tpi["areas"]["A.MP"]) == ("tpi", 99.75, 7.75)
    assert (own["layer"], own["total"], own["areas"]["A.MP"]) == ("self", 100, 8)


def test_lke_import_writes_the_tpi_layer_without_touching_the_self_layer(submitted, tmp_path):
    path = tmp_path / "tpi.csv"
    path.write_text("code,answer,note\nA.MP.PMN.i.b,C,Tidak ada seleksi\n", encoding="utf-8")
    own_before = list(
        Answer.objects.filter(cycle=submitted, layer=Layer.SELF).values_list(
            "pk", "option", "version"
        )
    )

    run("lke_import", "UNIT", "2026", str(path), "--layer", "tpi")

    imported = answer_of(submitted, "A.MP.PMN.i.b", Layer.TPI)
    assert (imported.option, imported.note) == ("C", "Tidak ada seleksi")
    assert (
        list(
            Answer.objects.filter(cycle=submitted, layer=Layer.SELF).values_list(
                "pk", "option", "version"
            )
        )
        == own_before
    )
    stored = fresh(submitted)
    assert (stored.self_total, stored.summary(Layer.TPI)["total"]) == (Decimal("100.0000"), 99.75)
