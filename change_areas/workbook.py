"""The official LKE workbook (Lampiran III of PermenPAN-RB 90/2021), out and in.

Units fill the LKE in a KemenPAN-RB Excel workbook whose sheet "LKE ZI" has
one row per node of the LKE tree: columns A (running number), B–G
"Penilaian" (component letter, part numeral, area number, indicator numeral,
question letter, question text; count rows start with "- "), H "Bobot",
I "Penjelasan" (the criteria), J "Pilihan Jawaban" (Ya/Tidak, A/B/C, …, %,
Jumlah, Nilai (0-4)), K "Jawaban", L "Nilai" (a formula), M " %" (value ÷
weight), O "Catatan/Keterangan/Penjelasan", P and Q the supporting documents
and their links; then the total rows "TOTAL PENGUNGKIT", "TOTAL HASIL" and
"NILAI EVALUASI ZONA INTEGRITAS". `docs/catalogs.md` ("The official LKE
workbook") describes the layout and where ours departs from it.

`export_workbook` draws that sheet from the catalog of the cycle's framework
(any version: nothing here names a question), with the workbook's own
formulas, so Excel or LibreOffice recompute every figure from the answers in
column K; reviewer layers the person may read get their own Jawaban / Nilai /
Catatan columns with the same formulas, so each layer's total is recomputed
too. One deliberate difference: an indicator is SUM of its question values ÷
the number of questions × weight, where the official file writes AVERAGE —
Excel's AVERAGE skips an unanswered question ("Blm Diisi"), which would
score an incomplete LKE above what the regulation gives it (an unanswered
question counts 0; DESIGN §4). A column "Kode ZI Tracker" carries our stable
codes, so a returned workbook is read by code.

`import_workbook` reads a filled workbook back into a layer: by the code
column when present, otherwise by position (the question and count rows in
catalog order, the answer type of each checked), through the same checks as
an LKE file (`change_areas.lke`), all or nothing, with errors by the
workbook's own row numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from change_areas import expressions, lke, selectors
from change_areas.models import (
    Area,
    Component,
    Cycle,
    Indicator,
    Layer,
    Part,
    Question,
    QuestionInput,
    QuestionOption,
)
from lib.imports import ImportFileError

SHEET = "LKE ZI"
INFO_SHEET = "Info"
CODE_HEADER = "Kode ZI Tracker"
HEADER_ROW = 2
FIRST_ROW = 4
NOT_FILLED = "Blm Diisi"  # the official workbook's word for an unanswered question

TITLE = (
    "LAMPIRAN III\n"
    "PERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI\n"
    "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WILAYAH BEBAS DARI KORUPSI DAN WILAYAH "
    "BIROKRASI BERSIH DAN MELAYANI"
)

# Column J: how the official workbook names each answer type.
TYPE_LABELS = {
    "ya_tidak": "Ya/Tidak",
    "abc": "A/B/C",
    "abcd": "A/B/C/D",
    "abcde": "A/B/C/D/E",
    "persen": "%",
    "persentase": "%",
    "nilai_0_4": "Nilai\n(0-4)",
}
COUNT_LABEL = "Jumlah"
LABEL_TYPES = {" ".join(label.lower().split()) for label in [*TYPE_LABELS.values(), COUNT_LABEL]}

# The unit's own columns, as the official file has them.
COL_NO, COL_WEIGHT, COL_CRITERION, COL_TYPE = "A", "H", "I", "J"
COL_ANSWER, COL_VALUE, COL_SHARE, COL_NOTE = "K", "L", "M", "O"
COL_DOCUMENTS, COL_LINKS = "P", "Q"
FIRST_EXTRA_COLUMN = 18  # R: reviewer layers, then our code column

LAYER_TITLES = {
    Layer.PRE: "Penilaian Pendahuluan",
    Layer.TPI: "TPI",
    Layer.TPN: "TPN",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
STRUCTURE_FILL = PatternFill("solid", fgColor="F2F2F2")
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class LayerColumns:
    layer: str
    answer: str
    value: str
    note: str


@dataclass
class _Row:
    """A row of the sheet that the total formulas point at."""

    number: int
    value_cells: dict[str, str] = field(default_factory=dict)  # layer → L-style cell


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _number(value) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number == int(number) else number


def _criterion(question: Question, options: list[QuestionOption]) -> str:
    if options and any(o.criterion for o in options):
        lines = [
            f"{o.key.lower()}. {o.criterion}" if len(o.key) == 1 else o.criterion for o in options
        ]
        return "\n".join(line for line in lines if line.strip())
    return question.criterion


def _option_formula(cell: str, options: list[QuestionOption]) -> str:
    """IF(K8="Ya",1,IF(K8="Tidak",0,"Blm Diisi")) from the catalog's options and values."""
    formula = f'"{NOT_FILLED}"'
    for option in reversed(options):
        formula = f'IF({cell}="{option.key}",{_number(option.value)},{formula})'
    return formula


def _persen_formula(question: Question, inputs: dict[str, str]) -> str:
    """The percentage rule of the catalog as a formula over the question's count cells.

    The same expression the engine evaluates (`change_areas.expressions`),
    written in Excel: kept within 0..1, a division by zero giving the rule's
    `if_division_by_zero`, as `scoring.rule_value` does.
    """
    rule = question.value_rule or {}
    blank = "OR(" + ",".join(f'{cell}=""' for cell in inputs.values()) + ")"
    try:
        value = expressions.excel_formula(expressions.preset(rule), inputs)
    except (expressions.ExpressionError, KeyError) as error:
        raise ValueError(f"the rule of {question.code} cannot be written as a formula") from error
    zero = _number(rule.get("if_division_by_zero", 0))
    return f'IF({blank},"{NOT_FILLED}",MIN(1,MAX(0,IFERROR({value},{zero}))))'


class _Catalog:
    """The framework's active catalog in sheet order, read in a fixed number of queries."""

    def __init__(self, framework) -> None:
        active = {"framework": framework, "is_active": True}
        self.components = list(Component.objects.filter(**active).order_by("order", "code"))
        self.areas = list(
            Area.objects.filter(**active, component__isnull=False).order_by("order", "code")
        )
        self.parts = list(Part.objects.filter(**active).order_by("order", "code"))
        self.indicators = list(Indicator.objects.filter(**active).order_by("order", "code"))
        self.questions = list(
            Question.objects.filter(**active)
            .order_by("order", "code")
            .prefetch_related(
                Prefetch(
                    "options", QuestionOption.objects.filter(is_active=True).order_by("order")
                ),
                Prefetch("inputs", QuestionInput.objects.filter(is_active=True).order_by("order")),
            )
        )
        self.questions_of: dict[int, list[Question]] = {}
        for question in self.questions:
            self.questions_of.setdefault(question.indicator_id, []).append(question)
        self.children_of: dict[int | None, list[Indicator]] = {}
        for indicator in self.indicators:
            self.children_of.setdefault(indicator.parent_id, []).append(indicator)

    def top_indicators(self, *, area: Area, part: Part | None) -> list[Indicator]:
        return [
            i
            for i in self.children_of.get(None, [])
            if i.area_id == area.pk and (part is None or i.part_id == part.pk)
        ]

    def answer_rows(self) -> list[tuple[str, Question, QuestionInput | None]]:
        """(code, question, input) of every row that takes an answer, in sheet order."""
        rows: list[tuple[str, Question, QuestionInput | None]] = []
        for _kind, question in self._question_order():
            rows.append((question.code, question, None))
            rows.extend((i.code, question, i) for i in question.inputs.all())
        return rows

    def _question_order(self):
        for component in self.components:
            for _header, area, part in self.sections(component):
                for indicator in self.top_indicators(area=area, part=part):
                    yield from self._indicator_questions(indicator)

    def _indicator_questions(self, indicator: Indicator):
        for child in self.children_of.get(indicator.pk, []):
            yield from self._indicator_questions(child)
        for question in self.questions_of.get(indicator.pk, []):
            yield "question", question

    def sections(self, component: Component):
        """(part-kind header or None, area, part or None) in the official order.

        Pengungkit is printed part kind first (I. PEMENUHAN: areas 1–6, then
        II. REFORM: areas 1–6); a component without parts lists its areas.
        """
        areas = [a for a in self.areas if a.component_id == component.pk]
        parts = [p for p in self.parts if p.area_id in {a.pk for a in areas}]
        if not parts:
            for area in areas:
                yield None, area, None
            return
        kinds: list[str] = []
        for part in parts:
            if part.kind not in kinds:
                kinds.append(part.kind)
        for kind in kinds:
            for area in areas:
                for part in parts:
                    if part.area_id == area.pk and part.kind == kind:
                        yield kind, area, part

    @staticmethod
    def merged(indicator: Indicator, questions: list[Question]) -> bool:
        """An indicator whose one question repeats its name is one row, as the official file
        prints the Hasil survey and performance items."""
        return (
            len(questions) == 1
            and not questions[0].inputs.all()
            and _text(questions[0].text).lower() == _text(indicator.name).lower()
        )


# --------------------------------------------------------------------------
# Export


def export_workbook(cycle: Cycle, *, layers: list[str], evidence_url=None) -> bytes:
    """The cycle's LKE in the official layout with its formulas, for the given layers.

    `layers` starts with Layer.SELF (columns K/L/O); each further layer gets
    Jawaban/Nilai/Catatan columns from R on. `evidence_url(evidence)` gives
    the link written beside an answer's documents. A fixed number of queries.
    """
    catalog = _Catalog(cycle.framework)
    answers = {layer: selectors.layer_answers_with_evidence(cycle, layer) for layer in layers}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    columns = [LayerColumns(Layer.SELF, COL_ANSWER, COL_VALUE, COL_NOTE)]
    next_column = FIRST_EXTRA_COLUMN
    for layer in layers[1:]:
        letters = [get_column_letter(next_column + offset) for offset in range(3)]
        columns.append(LayerColumns(layer, *letters))
        next_column += 3
    code_column = get_column_letter(next_column)
    writer = _Writer(sheet, catalog, columns, answers, code_column, evidence_url)
    writer.header()
    writer.body()
    _info_sheet(workbook, cycle, layers)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class _Writer:
    def __init__(self, sheet, catalog, columns, answers, code_column, evidence_url) -> None:
        self.sheet = sheet
        self.catalog = catalog
        self.columns: list[LayerColumns] = columns
        self.answers = answers
        self.code_column = code_column
        self.evidence_url = evidence_url
        self.row = FIRST_ROW
        self.counter = 0
        self.validations: dict[str, DataValidation] = {}

    # -- layout

    def header(self) -> None:
        sheet = self.sheet
        last = get_column_letter(max(15, openpyxl.utils.column_index_from_string(self.code_column)))
        sheet["B1"] = TITLE
        sheet.merge_cells(f"B1:{last}1")
        sheet["B1"].alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet["B1"].font = BOLD
        sheet.row_dimensions[1].height = 60
        headers = {
            COL_NO: "No",
            "B": "Penilaian",
            COL_WEIGHT: "Bobot",
            COL_CRITERION: "Penjelasan",
            COL_TYPE: "Pilihan Jawaban",
            COL_ANSWER: "Jawaban",
            COL_VALUE: "Nilai",
            COL_SHARE: " %",
            COL_NOTE: "Catatan/Keterangan/Penjelasan",
            COL_DOCUMENTS: "Daftar Bukti Dukung",
            COL_LINKS: "Tautan Bukti Dukung",
            self.code_column: CODE_HEADER,
        }
        for layer_columns in self.columns[1:]:
            title = LAYER_TITLES[layer_columns.layer]
            headers[layer_columns.answer] = f"Jawaban {title}"
            headers[layer_columns.value] = f"Nilai {title}"
            headers[layer_columns.note] = f"Catatan {title}"
        for column, text in headers.items():
            cell = sheet[f"{column}{HEADER_ROW}"]
            cell.value = text
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = BORDER
        sheet.merge_cells(f"B{HEADER_ROW}:G{HEADER_ROW}")
        widths = {"A": 6, "B": 4, "C": 5, "D": 4, "E": 5, "F": 4, "G": 52, "H": 9, "I": 60}
        widths.update({"J": 14, "K": 12, "L": 11, "M": 9, "N": 3, "O": 40, "P": 40, "Q": 40})
        for layer_columns in self.columns[1:]:
            widths.update(
                {layer_columns.answer: 12, layer_columns.value: 11, layer_columns.note: 40}
            )
        widths[self.code_column] = 26
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = f"H{FIRST_ROW}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    def body(self) -> None:
        totals: list[tuple[Component, _Row]] = []
        for component in self.catalog.components:
            totals.append((component, self.component(component)))
        self.row += 1
        total_rows = []
        for component, component_row in totals:
            total_rows.append(self.total_row(f"TOTAL {component.name.upper()}", [component_row]))
        self.row += 1
        self.total_row("NILAI EVALUASI ZONA INTEGRITAS", total_rows, grand=True)
        for validation in self.validations.values():
            self.sheet.add_data_validation(validation)

    def next_row(self) -> int:
        row = self.row
        self.row += 1
        self.counter += 1
        self.sheet[f"{COL_NO}{row}"] = self.counter
        return row

    def structure(self, row: int, column: str, marker: str, name: str, weight) -> None:
        sheet = self.sheet
        letter_index = openpyxl.utils.column_index_from_string(column)
        sheet.cell(row=row, column=letter_index, value=marker)
        sheet.cell(row=row, column=letter_index + 1, value=name)
        if letter_index + 1 < 7:
            sheet.merge_cells(
                start_row=row, start_column=letter_index + 1, end_row=row, end_column=7
            )
        sheet[f"{COL_WEIGHT}{row}"] = _number(weight)
        for index in range(1, 14):
            cell = sheet.cell(row=row, column=index)
            cell.fill = STRUCTURE_FILL
            cell.font = BOLD
            cell.border = BORDER

    def sum_row(self, row: int, children: list[_Row]) -> _Row:
        node = _Row(row)
        for layer_columns in self.columns:
            cells = ",".join(child.value_cells[layer_columns.layer] for child in children)
            target = f"{layer_columns.value}{row}"
            self.sheet[target] = f"=SUM({cells})" if cells else "=0"
            self.sheet[target].number_format = "0.00"
            node.value_cells[layer_columns.layer] = target
        self.sheet[f"{COL_SHARE}{row}"] = (
            f"=IF({COL_WEIGHT}{row}=0,0,{COL_VALUE}{row}/{COL_WEIGHT}{row})"
        )
        self.sheet[f"{COL_SHARE}{row}"].number_format = "0.00%"
        return node

    def component(self, component: Component) -> _Row:
        row = self.next_row()
        self.structure(row, "B", f"{component.code}.", component.name.upper(), component.weight)
        children: list[_Row] = []
        header_row: int | None = None
        header_children: list[_Row] = []
        current_kind = None
        kind_index = 0
        area_index = 0
        for kind, area, part in self.catalog.sections(component):
            if kind is not None and kind != current_kind:
                if header_row is not None:
                    children.append(self.sum_row(header_row, header_children))
                current_kind = kind
                header_row = self.next_row()
                header_children = []
                area_index = 0
                label = str(dict(Part._meta.get_field("kind").choices).get(kind, kind))
                weight = sum(
                    p.weight
                    for p in self.catalog.parts
                    if p.kind == kind
                    and p.area_id
                    in {a.pk for a in self.catalog.areas if a.component_id == component.pk}
                )
                self.structure(header_row, "C", f"{ROMAN[kind_index]}.", label.upper(), weight)
                kind_index += 1
            area_index += 1
            if part is not None:
                node = self.area(area, part, marker=f"{area_index}.", column="D")
                header_children.append(node)
            else:
                node = self.area(area, None, marker=f"{ROMAN[area_index - 1]}.", column="C")
                children.append(node)
        if header_row is not None:
            children.append(self.sum_row(header_row, header_children))
        return self.sum_row(row, children)

    def area(self, area: Area, part: Part | None, *, marker: str, column: str) -> _Row:
        row = self.next_row()
        weight = part.weight if part is not None else area.weight
        self.structure(row, column, marker, area.name.upper(), weight)
        children = [
            self.indicator(indicator, column=chr(ord(column) + 1))
            for indicator in self.catalog.top_indicators(area=area, part=part)
        ]
        return self.sum_row(row, children)

    def indicator(self, indicator: Indicator, *, column: str) -> _Row:
        row = self.next_row()
        questions = self.catalog.questions_of.get(indicator.pk, [])
        marker = f"{indicator.number}." if indicator.number else "-"
        if self.catalog.merged(indicator, questions):
            return self.question(questions[0], row=row, weight_of=indicator, column=column)
        self.structure(row, column, marker, indicator.name, indicator.weight)
        children = self.catalog.children_of.get(indicator.pk, [])
        if children:
            nodes = [self.indicator(child, column=column) for child in children]
            return self.sum_row(row, nodes)
        question_rows = [self.question(question, column=column) for question in questions]
        node = _Row(row)
        for layer_columns in self.columns:
            cells = ",".join(q.value_cells[layer_columns.layer] for q in question_rows)
            target = f"{layer_columns.value}{row}"
            count = max(len(question_rows), 1)
            self.sheet[target] = f"=SUM({cells})/{count}*{COL_WEIGHT}{row}" if cells else "=0"
            self.sheet[target].number_format = "0.00"
            node.value_cells[layer_columns.layer] = target
        self.sheet[f"{COL_SHARE}{row}"] = (
            f"=IF({COL_WEIGHT}{row}=0,0,{COL_VALUE}{row}/{COL_WEIGHT}{row})"
        )
        self.sheet[f"{COL_SHARE}{row}"].number_format = "0.00%"
        return node

    def question(
        self, question: Question, *, column: str, row: int | None = None, weight_of=None
    ) -> _Row:
        """A question row (and its count rows). `weight_of`: the indicator it is merged into."""
        sheet = self.sheet
        merged = weight_of is not None
        if row is None:
            row = self.next_row()
        options = list(question.options.all()) if question.has_options else []
        inputs = list(question.inputs.all())
        marker_column = chr(ord(column) + (0 if merged else 1))
        sheet[f"{marker_column}{row}"] = (
            f"{weight_of.number}" if merged else (f"{question.number}." if question.number else "-")
        )
        text_column = chr(ord(marker_column) + 1)
        sheet[f"{text_column}{row}"] = _text(weight_of.name if merged else question.text)
        if text_column < "G":
            sheet.merge_cells(f"{text_column}{row}:G{row}")
        if merged:
            sheet[f"{COL_WEIGHT}{row}"] = _number(weight_of.weight)
        sheet[f"{COL_CRITERION}{row}"] = _criterion(question, options)
        sheet[f"{COL_TYPE}{row}"] = TYPE_LABELS.get(question.answer_type, question.answer_type)
        sheet[f"{self.code_column}{row}"] = question.code
        for index in range(1, 14):
            sheet.cell(row=row, column=index).border = BORDER
            sheet.cell(row=row, column=index).alignment = WRAP
        input_rows: dict[str, int] = {}
        for spec_input in inputs:
            input_rows[spec_input.key] = self.row
            self.count_row(spec_input)
        node = _Row(row)
        for layer_columns in self.columns:
            answer = self.answers[layer_columns.layer].get(question.code)
            answer_cell = f"{layer_columns.answer}{row}"
            value_cell = f"{layer_columns.value}{row}"
            input_cells = {key: f"{layer_columns.answer}{r}" for key, r in input_rows.items()}
            for spec_input in inputs:
                self.count_value(layer_columns, spec_input, input_rows, answer)
            if options:
                sheet[answer_cell] = answer.option if answer and answer.option else None
                formula = _option_formula(answer_cell, options)
                self.validate(answer_cell, "list", '"' + ",".join(o.key for o in options) + '"')
            elif question.answer_type == "persen":
                sheet[answer_cell] = "=" + _persen_formula(question, input_cells)
                sheet[answer_cell].number_format = "0.00%"
                formula = f'IF({answer_cell}="","{NOT_FILLED}",{answer_cell})'
            elif question.answer_type == "persentase":
                number = answer.number if answer else None
                sheet[answer_cell] = None if number is None else _number(number / 100)
                sheet[answer_cell].number_format = "0.00%"
                formula = f'IF({answer_cell}="","{NOT_FILLED}",MIN(1,MAX(0,{answer_cell})))'
                self.validate(answer_cell, "decimal", "0", "1")
            else:  # nilai_0_4: a survey index
                number = answer.number if answer else None
                sheet[answer_cell] = None if number is None else _number(number)
                formula = f'IF({answer_cell}="","{NOT_FILLED}",MIN(1,MAX(0,{answer_cell}/4)))'
                self.validate(answer_cell, "decimal", "0", "4")
            sheet[answer_cell].fill = ANSWER_FILL
            if merged:
                formula = f'IF(ISNUMBER({formula}),{formula}*{COL_WEIGHT}{row},"{NOT_FILLED}")'
            sheet[value_cell] = "=" + formula
            sheet[value_cell].number_format = "0.00"
            sheet[f"{layer_columns.note}{row}"] = lke._safe_text(answer.note) if answer else None
            node.value_cells[layer_columns.layer] = value_cell
            if layer_columns.layer == Layer.SELF and answer is not None:
                documents = list(answer.evidence.all())
                if documents:
                    sheet[f"{COL_DOCUMENTS}{row}"] = "\n".join(
                        lke._safe_text(e.title) for e in documents
                    )
                    if self.evidence_url:
                        sheet[f"{COL_LINKS}{row}"] = "\n".join(
                            self.evidence_url(e) for e in documents
                        )
        return node

    def count_row(self, spec_input: QuestionInput) -> None:
        row = self.next_row()
        sheet = self.sheet
        sheet[f"G{row}"] = f"- {_text(spec_input.label)}"
        sheet[f"{COL_TYPE}{row}"] = COUNT_LABEL
        sheet[f"{self.code_column}{row}"] = spec_input.code
        for layer_columns in self.columns:
            # A count is no score: its value cell is text, which SUM leaves out.
            sheet[f"{layer_columns.value}{row}"] = (
                f'=IF({layer_columns.answer}{row}="","{NOT_FILLED}","")'
            )
        for index in range(1, 14):
            sheet.cell(row=row, column=index).border = BORDER

    def count_value(self, layer_columns, spec_input, input_rows, answer) -> None:
        cell = f"{layer_columns.answer}{input_rows[spec_input.key]}"
        computed = (spec_input.computed or {}).get("sum")
        if computed:
            parts = [f"{layer_columns.answer}{input_rows[key]}" for key in computed]
            blank = ",".join(f'{part}=""' for part in parts)
            self.sheet[cell] = f'=IF(OR({blank}),"",{"+".join(parts)})'
        else:
            raw = (answer.inputs or {}).get(spec_input.key) if answer else None
            self.sheet[cell] = _number(raw)
            self.sheet[cell].fill = ANSWER_FILL
            self.validate(cell, "whole", "0")

    def validate(self, cell: str, kind: str, first: str, second: str | None = None) -> None:
        key = f"{kind}:{first}:{second}"
        validation = self.validations.get(key)
        if validation is None:
            validation = DataValidation(
                type=kind,
                formula1=first,
                formula2=second,
                operator=None if kind == "list" or second else "greaterThanOrEqual",
                allow_blank=True,
                showErrorMessage=True,
            )
            self.validations[key] = validation
        validation.add(cell)

    def total_row(self, label: str, children: list[_Row], *, grand: bool = False) -> _Row:
        row = self.next_row()
        self.sheet[f"B{row}"] = label
        self.sheet.merge_cells(f"B{row}:G{row}")
        node = self.sum_row(row, children)
        self.sheet[f"{COL_SHARE}{row}"] = None
        for index in range(1, 14):
            cell = self.sheet.cell(row=row, column=index)
            cell.font = BOLD
            cell.fill = HEADER_FILL if grand else STRUCTURE_FILL
            cell.border = BORDER
        return node


def _info_sheet(workbook, cycle: Cycle, layers: list[str]) -> None:
    info = workbook.create_sheet(INFO_SHEET)
    rows = [
        ("Unit", cycle.unit.name),
        ("Kode unit", cycle.unit.code),
        ("Tahun", cycle.year),
        ("Kerangka", str(cycle.framework)),
        ("Lapis", ", ".join(str(Layer(layer).label) for layer in layers)),
        ("Dibuat", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (
            "Catatan",
            "Nilai indikator = jumlah nilai pertanyaan ÷ banyaknya pertanyaan × bobot: "
            "pertanyaan yang belum diisi bernilai 0. Kolom Kode ZI Tracker dipakai saat "
            "lembar kerja diimpor kembali.",
        ),
    ]
    for row in rows:
        info.append(row)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    for cell in info["A"]:
        cell.font = BOLD


# --------------------------------------------------------------------------
# Import


def read_workbook(content: bytes) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    except Exception:  # openpyxl raises many kinds on a file that is no workbook
        raise ImportFileError(
            _("Berkas bukan lembar kerja Excel (.xlsx) yang dapat dibaca.")
        ) from None


def workbook_dataset(
    cycle: Cycle, workbook, *, layer: str = Layer.SELF
) -> tuple[tablib.Dataset, list[int]]:
    """The workbook's answers of a layer as an LKE dataset (code, answer, note) and the
    workbook row of each dataset row. Raises ImportFileError when the sheet is not there."""
    if SHEET not in workbook.sheetnames:
        raise ImportFileError(
            _('Lembar "%(sheet)s" tidak ada di berkas; unggah lembar kerja LKE resmi.')
            % {"sheet": SHEET}
        )
    sheet = workbook[SHEET]
    headers = _headers(sheet)
    if layer == Layer.SELF:
        answer_col, note_col = headers.get("jawaban"), headers.get("catatan/keterangan/penjelasan")
    else:
        title = LAYER_TITLES[layer].lower()
        answer_col, note_col = headers.get(f"jawaban {title}"), headers.get(f"catatan {title}")
    if answer_col is None:
        raise ImportFileError(
            _('Kolom "Jawaban" tidak ditemukan di baris judul lembar "%(sheet)s".')
            % {"sheet": SHEET}
        )
    type_col = headers.get("pilihan jawaban")
    code_col = headers.get(CODE_HEADER.lower())
    catalog = _Catalog(cycle.framework)
    if code_col is not None:
        located = [
            (row[0].row, _text(row[code_col - 1].value))
            for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
            if _text(row[code_col - 1].value)
        ]
    else:
        located = _by_position(sheet, catalog, type_col)
    kinds = {code: (question, spec_input) for code, question, spec_input in catalog.answer_rows()}
    dataset = tablib.Dataset(headers=["code", "answer", "note"])
    numbers: list[int] = []
    for row_number, code in located:
        answer_cell = sheet.cell(row=row_number, column=answer_col)
        note = sheet.cell(row=row_number, column=note_col).value if note_col else None
        question, spec_input = kinds.get(code, (None, None))
        dataset.append(
            [code, _answer_text(answer_cell, question, spec_input), _text_or_blank(note)]
        )
        numbers.append(row_number)
    return dataset, numbers


def _headers(sheet) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 6)):
        for cell in row:
            text = _text(cell.value).lower()
            if text and text not in found:
                found[text] = cell.column
        if "pilihan jawaban" in found:
            break
    return found


_INDICATOR_MARK = re.compile(r"^[ivxlc]+\.?$", re.IGNORECASE)


def _by_position(sheet, catalog: _Catalog, type_col: int | None) -> list[tuple[int, str]]:
    """Rows that take an answer, matched in order to the catalog's; raises on a mismatch."""
    if type_col is None:
        raise ImportFileError(
            _('Kolom "Pilihan Jawaban" tidak ditemukan; lembar kerja tidak dapat dibaca.')
        )
    rows: list[tuple[int, str]] = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        kind = " ".join(_text(row[type_col - 1].value).lower().split())
        if kind not in LABEL_TYPES:
            continue
        marker = _text(row[4].value)  # column E: an indicator numeral (i., ii.) marks no answer
        if marker and _INDICATOR_MARK.match(marker) and not _text(row[6].value):
            continue
        rows.append((row[0].row, kind))
    expected = catalog.answer_rows()
    if len(rows) != len(expected):
        raise ImportFileError(
            _(
                "Lembar kerja memuat %(found)d baris jawaban, LKE %(framework)s memuat %(expected)d; "
                "gunakan lembar kerja versi yang sama atau hasil Unduh lembar kerja."
            )
            % {"found": len(rows), "expected": len(expected), "framework": catalog_name(catalog)}
        )
    located = []
    for (row_number, kind), (code, question, spec_input) in zip(rows, expected, strict=True):
        wanted = COUNT_LABEL if spec_input else TYPE_LABELS.get(question.answer_type, "")
        if kind != " ".join(wanted.lower().split()):
            raise ImportFileError(
                _(
                    "Baris %(row)d: jenis jawaban '%(found)s' tidak sesuai dengan %(code)s "
                    "('%(expected)s'); urutan lembar kerja berbeda dengan LKE ini."
                )
                % {
                    "row": row_number,
                    "found": kind,
                    "code": code,
                    "expected": wanted.replace("\n", " "),
                }
            )
        located.append((row_number, code))
    return located


def catalog_name(catalog: _Catalog) -> str:
    return str(catalog.components[0].framework) if catalog.components else ""


def _text_or_blank(value) -> str:
    return "" if value is None else lke._unsafe_text(str(value).strip())


def _answer_text(cell, question: Question | None, spec_input: QuestionInput | None) -> str:
    """The answer column as the LKE file's `answer` text; formulas (computed cells) are blank."""
    value = cell.value
    if value is None or (isinstance(value, str) and value.startswith("=")):
        return ""
    if (
        question is not None
        and spec_input is None
        and question.answer_type == "persentase"
        and isinstance(value, int | float)
        and "%" in (cell.number_format or "")
    ):
        value = value * 100
    if isinstance(value, float):
        value = round(value, 6)
        if value == int(value):
            value = int(value)
    return str(value).strip()


def import_workbook(cycle: Cycle, content: bytes, *, layer: str = Layer.SELF, by=None) -> int:
    """Write a filled workbook's answers into the layer: all or nothing (lke.LkeImportError
    with row messages, or ImportFileError for a file that is no LKE workbook)."""
    workbook = read_workbook(content)
    dataset, rows = workbook_dataset(cycle, workbook, layer=layer)
    return lke.import_dataset(cycle, layer, dataset, by=by, row_numbers=rows)
