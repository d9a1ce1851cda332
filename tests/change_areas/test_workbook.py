"""The official LKE workbook: exported with its own formulas, recomputed by a formula engine
(the `formulas` package, a pure-Python Excel calculator) and compared with our scorecard;
filled workbooks imported back, all or nothing."""

from __future__ import annotations

import io
import random

import formulas
import openpyxl
import pytest
from django.urls import reverse

from change_areas import lke, scoring, selectors, services, workbook
from change_areas.models import Framework, Layer
from lib.imports import ImportFileError
from tests.factories import CycleFactory

LARGEST_PERCENT_COUNT = 40


def random_answers(spec: scoring.CatalogSpec, rng: random.Random) -> dict[str, scoring.AnswerData]:
    """A random answer set: any option, counts (a part never above its whole, as the rule's
    limits require), percentages and survey indices; some left out."""
    answers: dict[str, scoring.AnswerData] = {}
    for question in spec.questions:
        if rng.random() < 0.1:
            continue  # unanswered: counts 0
        if question.options:
            answers[question.code] = scoring.AnswerData(option=rng.choice(list(question.options)))
        elif question.inputs:
            typed = {
                spec_input.key: float(rng.randint(0, LARGEST_PERCENT_COUNT))
                for spec_input in question.typed_inputs
            }
            for limit in scoring.input_constraints(question).limits:  # a part within its whole
                whole = scoring.computed_inputs(question, typed)[limit.at_most]
                typed[limit.key] = min(typed[limit.key], whole)
            answers[question.code] = scoring.AnswerData(inputs=typed)
        elif question.answer_type == "nilai_0_4":
            answers[question.code] = scoring.AnswerData(number=round(rng.uniform(0, 4), 2))
        else:
            answers[question.code] = scoring.AnswerData(number=round(rng.uniform(0, 100), 1))
    return answers


def recompute(content: bytes, tmp_path, name: str = "lke.xlsx") -> dict[str, object]:
    """Every cell of the workbook's LKE sheet as the formula engine computes it, by address."""
    path = tmp_path / name
    path.write_bytes(content)
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    prefix = f"'[{name}]{workbook.SHEET}'!".upper()
    values = {}
    for key, ranged in solution.items():
        if key.upper().startswith(prefix) and ":" not in key:
            value = ranged.value[0, 0]
            values[key[len(prefix) :].upper()] = value
    return values


def total_cells(content: bytes) -> dict[str, str]:
    """Label of each total row (column B) → the address of its Nilai cell (column L)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))[workbook.SHEET]
    return {
        str(row[1].value): f"L{row[1].row}"
        for row in sheet.iter_rows(min_row=workbook.FIRST_ROW)
        if isinstance(row[1].value, str) and row[1].value.startswith(("TOTAL", "NILAI"))
    }


def number(value) -> float:
    return float(value) if not isinstance(value, str) else 0.0


def test_exported_workbook_recomputes_to_the_scorecard_on_20_random_answer_sets(
    unit, framework, tmp_path
):
    spec = selectors.catalog_spec(framework)
    rng = random.Random(19)
    compared = 0
    for year in range(2011, 2031):
        cycle = CycleFactory(unit=unit, year=year)
        answers = random_answers(spec, rng)
        services.answers_save_many(
            cycle=cycle,
            layer=Layer.SELF,
            answers={code: (data, "") for code, data in answers.items()},
            spec=spec,
        )
        card = selectors.scorecard(cycle, Layer.SELF)
        content = workbook.export_workbook(cycle, layers=[Layer.SELF])
        values = recompute(content, tmp_path, f"lke-{year}.xlsx")
        cells = total_cells(content)
        assert number(values[cells["NILAI EVALUASI ZONA INTEGRITAS"]]) == pytest.approx(
            card.total, abs=1e-6
        ), f"answer set {year}"
        assert number(values[cells["TOTAL PENGUNGKIT"]]) == pytest.approx(
            card.components["A"].value, abs=1e-6
        )
        assert number(values[cells["TOTAL HASIL"]]) == pytest.approx(
            card.components["B"].value, abs=1e-6
        )
        compared += 1
    assert compared == 20


def test_every_area_and_part_row_recomputes_to_its_node(filled_cycle, tmp_path):
    """Not only the total: the value of each area (Hasil) and part (Pengungkit) row."""
    services.answer_save(
        cycle=filled_cycle,
        question=filled_cycle.framework.questions.get(code="A.MP.PMN.i.b"),
        option="B",
    )
    card = selectors.scorecard(filled_cycle, Layer.SELF)
    content = workbook.export_workbook(filled_cycle, layers=[Layer.SELF])
    values = recompute(content, tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[workbook.SHEET]
    names = {node.name.upper(): node for node in card.areas.values()}
    checked = 0
    for row in sheet.iter_rows(min_row=workbook.FIRST_ROW):
        if row[3].value and str(row[3].value).endswith(".") and row[4].value:  # D "1." E area
            area = names[str(row[4].value)]
            parts = [p for p in card.parts.values() if p.code.startswith(area.code + ".")]
            part_values = {round(p.value, 6) for p in parts}
            assert round(number(values[f"L{row[0].row}"]), 6) in part_values
            checked += 1
    assert checked == 12  # six areas × pemenuhan and reform
    assert number(values[total_cells(content)["TOTAL PENGUNGKIT"]]) == pytest.approx(
        card.components["A"].value
    )
    assert card.total < 100  # the B answer is in it


def test_unanswered_questions_count_zero_in_the_workbook_as_in_the_scorecard(unit, tmp_path):
    cycle = CycleFactory(unit=unit, filled=True, leave_out=("A.MP.PMN.i.a", "B.BBA.a.1"))
    card = selectors.scorecard(cycle, Layer.SELF)
    content = workbook.export_workbook(cycle, layers=[Layer.SELF])
    values = recompute(content, tmp_path)
    assert number(values[total_cells(content)["NILAI EVALUASI ZONA INTEGRITAS"]]) == pytest.approx(
        card.total
    )
    assert card.total == pytest.approx(100 - 0.25 - 17.5)


def test_reviewer_layers_get_their_own_columns_and_totals(submitted, tmp_path):
    services.answer_save(
        cycle=submitted,
        question=submitted.framework.questions.get(code="A.MP.PMN.i.a"),
        layer=Layer.TPI,
        option="Tidak",
        note="SK belum ada",
    )
    content = workbook.export_workbook(submitted, layers=[Layer.SELF, Layer.TPI])
    sheet = openpyxl.load_workbook(io.BytesIO(content))[workbook.SHEET]
    headers = {cell.value: cell.column_letter for cell in sheet[workbook.HEADER_ROW] if cell.value}
    assert {"Jawaban TPI", "Nilai TPI", "Catatan TPI", workbook.CODE_HEADER} <= set(headers)
    values = recompute(content, tmp_path)
    total_row = total_cells(content)["NILAI EVALUASI ZONA INTEGRITAS"][1:]
    tpi_total = number(values[f"{headers['Nilai TPI']}{total_row}"])
    assert tpi_total == pytest.approx(selectors.scorecard(submitted, Layer.TPI).total)
    assert tpi_total == pytest.approx(100 - 0.25)
    assert number(values[f"L{total_row}"]) == pytest.approx(100)


def test_the_layout_follows_the_official_sheet(filled_cycle):
    content = workbook.export_workbook(filled_cycle, layers=[Layer.SELF])
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[workbook.SHEET]
    header = [sheet[f"{column}2"].value for column in "BHIJKLMO"]
    assert header == [
        "Penilaian",
        "Bobot",
        "Penjelasan",
        "Pilihan Jawaban",
        "Jawaban",
        "Nilai",
        " %",
        "Catatan/Keterangan/Penjelasan",
    ]
    rows = {str(row[0].value): row for row in sheet.iter_rows(min_row=4) if row[0].value}
    first = rows["1"]
    assert (first[1].value, first[2].value, first[7].value) == ("A.", "PENGUNGKIT", 60)
    assert (rows["2"][2].value, rows["2"][3].value, rows["2"][7].value) == ("I.", "PEMENUHAN", 30)
    assert (rows["3"][3].value, rows["3"][4].value, rows["3"][7].value) == (
        "1.",
        "MANAJEMEN PERUBAHAN",
        4,
    )
    question = rows["5"]
    assert question[5].value == "a."
    assert question[9].value == "Ya/Tidak"
    assert question[10].value == "Ya"
    assert question[11].value.startswith("=IF(K")
    texts = [str(row[1].value) for row in sheet.iter_rows(min_row=4) if row[1].value]
    assert texts[-3:] == ["TOTAL PENGUNGKIT", "TOTAL HASIL", "NILAI EVALUASI ZONA INTEGRITAS"]
    survey = next(row for row in sheet.iter_rows(min_row=4) if row[9].value == "Nilai\n(0-4)")
    assert survey[7].value == 17.5  # the Hasil item carries its weight on its own row


def test_a_filled_workbook_imports_back_to_the_same_answers(unit, framework, coordinator):
    spec = selectors.catalog_spec(framework)
    source = CycleFactory(unit=unit, year=2025)
    answers = random_answers(spec, random.Random(7))
    services.answers_save_many(
        cycle=source,
        layer=Layer.SELF,
        answers={code: (data, f"catatan {code}") for code, data in answers.items()},
        spec=spec,
    )
    content = workbook.export_workbook(source, layers=[Layer.SELF])
    target = CycleFactory(unit=unit, year=2026)
    written = workbook.import_workbook(target, content, by=coordinator)
    assert written == len(answers)
    before = selectors.layer_answers(source, Layer.SELF)
    after = selectors.layer_answers(target, Layer.SELF)
    assert set(after) == set(before)
    for code, answer in before.items():
        copy = after[code]
        assert (copy.option, copy.number, copy.inputs, copy.note) == (
            answer.option,
            answer.number,
            answer.inputs,
            answer.note,
        ), code
    assert selectors.scorecard(target, Layer.SELF).total == pytest.approx(
        selectors.scorecard(source, Layer.SELF).total
    )
    history = target.answers.get(question__code="A.MP.PMN.i.a").history.first()
    assert history.history_user == coordinator


def _filled_sheet(cycle) -> tuple[openpyxl.Workbook, dict[str, int]]:
    content = workbook.export_workbook(cycle, layers=[Layer.SELF])
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[workbook.SHEET]
    code_column = next(c.column for c in sheet[2] if c.value == workbook.CODE_HEADER)
    rows = {
        sheet.cell(row=r, column=code_column).value: r
        for r in range(workbook.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row=r, column=code_column).value
    }
    return book, rows


def _bytes(book: openpyxl.Workbook) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_a_workbook_without_the_code_column_is_read_by_position(unit, coordinator):
    source = CycleFactory(unit=unit, year=2025, filled=True, options={"A.MP.PMN.i.b": "C"})
    book, _rows = _filled_sheet(source)
    sheet = book[workbook.SHEET]
    code_column = next(c.column for c in sheet[2] if c.value == workbook.CODE_HEADER)
    sheet.delete_cols(code_column)
    target = CycleFactory(unit=unit, year=2026)
    workbook.import_workbook(target, _bytes(book), by=coordinator)
    assert selectors.layer_answers(target, Layer.SELF)["A.MP.PMN.i.b"].option == "C"
    assert selectors.scorecard(target, Layer.SELF).total == pytest.approx(
        selectors.scorecard(source, Layer.SELF).total
    )


def test_a_workbook_of_another_shape_is_refused_by_position_with_the_row(unit, coordinator):
    source = CycleFactory(unit=unit, year=2025, filled=True)
    book, rows = _filled_sheet(source)
    sheet = book[workbook.SHEET]
    code_column = next(c.column for c in sheet[2] if c.value == workbook.CODE_HEADER)
    sheet.delete_cols(code_column)
    sheet.cell(row=rows["A.MP.PMN.i.b"], column=10).value = "A/B/C/D"
    target = CycleFactory(unit=unit, year=2026)
    with pytest.raises(ImportFileError, match=f"Baris {rows['A.MP.PMN.i.b']}: jenis jawaban"):
        workbook.import_workbook(target, _bytes(book), by=coordinator)
    assert not target.answers.exists()


def test_one_bad_row_imports_nothing_and_names_the_workbook_row(unit, coordinator):
    source = CycleFactory(unit=unit, year=2025, filled=True)
    book, rows = _filled_sheet(source)
    sheet = book[workbook.SHEET]
    sheet[f"K{rows['A.MP.PMN.i.b']}"] = "Z"
    sheet[f"K{rows['A.MP.RFM.i.a.n1']}"] = -3
    target = CycleFactory(unit=unit, year=2026)
    with pytest.raises(lke.LkeImportError) as raised:
        workbook.import_workbook(target, _bytes(book), by=coordinator)
    assert raised.value.errors[0].startswith(f"Baris {rows['A.MP.PMN.i.b']} (A.MP.PMN.i.b)")
    assert any(f"Baris {rows['A.MP.RFM.i.a.n1']}" in error for error in raised.value.errors)
    assert not target.answers.exists()


def test_a_formula_where_a_value_is_typed_is_refused_by_its_row(unit, coordinator):
    """The workbook's own formulas (a percentage, a sum of inputs) are read as blank, but a
    formula in a cell a person fills would be read as nothing: refused, never a cleared answer."""
    source = CycleFactory(unit=unit, year=2025, filled=True)
    book, rows = _filled_sheet(source)
    sheet = book[workbook.SHEET]
    sheet[f"K{rows['A.MP.PMN.i.b']}"] = '=IF(1=1,"A","B")'
    sheet[f"K{rows['A.MP.RFM.i.a.n1']}"] = "=2+3"
    target = CycleFactory(unit=unit, year=2026)
    with pytest.raises(lke.LkeImportError) as raised:
        workbook.import_workbook(target, _bytes(book), by=coordinator)
    assert raised.value.errors == [
        f'Baris {rows["A.MP.PMN.i.b"]} (A.MP.PMN.i.b): berisi rumus (=IF(1=1,"A","B")); '
        "isi sel dengan nilainya, bukan rumus.",
        f"Baris {rows['A.MP.RFM.i.a.n1']} (A.MP.RFM.i.a.n1): berisi rumus (=2+3); "
        "isi sel dengan nilainya, bukan rumus.",
    ]
    assert not target.answers.exists()


def test_a_count_cell_is_read_as_the_number_it_holds(unit, coordinator):
    """A numeric cell is a number, never text a reader could take for thousands: 1,234 typed
    in a spreadsheet set to English is 1.234, not 1234 (and not a count)."""
    source = CycleFactory(unit=unit, year=2025, filled=True)
    book, rows = _filled_sheet(source)
    book[workbook.SHEET][f"K{rows['A.MP.RFM.i.a.n1']}"] = 1.234
    target = CycleFactory(unit=unit, year=2026)
    with pytest.raises(lke.LkeImportError, match="bilangan bulat"):
        workbook.import_workbook(target, _bytes(book), by=coordinator)


def test_a_file_that_is_no_workbook_gets_a_message(cycle):
    with pytest.raises(ImportFileError):
        workbook.import_workbook(cycle, b"PK\x03\x04 not really a zip")
    book = openpyxl.Workbook()
    with pytest.raises(ImportFileError, match="LKE ZI"):
        workbook.import_workbook(cycle, _bytes(book))


def test_the_workbook_is_built_from_the_catalog_of_any_version(unit, catalogs, tmp_path):
    """The legacy 52/2014 LKE has no pemenuhan/reform parts; its workbook still adds up."""
    legacy = catalogs["permenpan-rb-52-2014"]
    cycle = CycleFactory(unit=unit, framework=legacy, year=2019, filled=True)
    card = selectors.scorecard(cycle, Layer.SELF)
    content = workbook.export_workbook(cycle, layers=[Layer.SELF])
    values = recompute(content, tmp_path)
    assert number(values[total_cells(content)["NILAI EVALUASI ZONA INTEGRITAS"]]) == pytest.approx(
        card.total
    )
    assert Framework.objects.filter(code="permenpan-rb-52-2014").exists()


# --- pages ------------------------------------------------------------------------------------


def test_download_page_sends_the_workbook(client_for, filled_cycle, staff):
    response = client_for(staff).get(
        reverse("change_areas:lke_workbook_export", kwargs={"pk": filled_cycle.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="lke-zi-UNIT-2026')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [workbook.SHEET, workbook.INFO_SHEET]


def test_upload_page_imports_a_workbook_and_reports_bad_rows(client_for, unit, coordinator):
    from tests.files import upload

    source = CycleFactory(unit=unit, year=2025, filled=True)
    book, rows = _filled_sheet(source)
    target = CycleFactory(unit=unit, year=2026)
    url = reverse("change_areas:lke_workbook_import", kwargs={"pk": target.pk})
    client = client_for(coordinator)
    sheet = book[workbook.SHEET]
    sheet[f"K{rows['A.MP.PMN.i.a']}"] = "Mungkin"
    response = client.post(url, {"file": upload("lke.xlsx", _bytes(book))})
    assert response.status_code == 400
    assert f"Baris {rows['A.MP.PMN.i.a']} (A.MP.PMN.i.a)" in response.content.decode()
    assert not target.answers.exists()
    sheet[f"K{rows['A.MP.PMN.i.a']}"] = "Ya"
    response = client.post(url, {"file": upload("lke.xlsx", _bytes(book))})
    assert response.status_code == 302
    assert target.answers.filter(layer=Layer.SELF).count() == len(
        selectors.catalog_spec(target.framework).questions
    )
