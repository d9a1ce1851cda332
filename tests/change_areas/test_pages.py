"""The self-assessment pages: what they show, and a constant number of queries whatever the data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas import scoring, selectors, services
from change_areas.models import Layer
from tests.factories import (
    CycleFactory,
    EvidenceFactory,
    ProgressEntryFactory,
    WorkPlanItemFactory,
    member,
)
from units.models import Role


def fill(cycle, *, count: int, one_per_area: bool = False) -> None:
    """Answer the first `count` questions of the LKE (or one question in each area)."""
    spec = selectors.catalog_spec(cycle.framework)
    questions = spec.questions[:count]
    if one_per_area:
        area_of = {indicator.code: indicator.area for indicator in spec.indicators}
        first = {}
        for question in spec.questions:
            first.setdefault(area_of[question.indicator], question)
        questions = list(first.values())
    answers = {}
    for question in questions:
        if question.options:
            answers[question.code] = (
                scoring.AnswerData(option=next(iter(question.options))),
                "catatan",
            )
        elif question.inputs:
            typed = {spec_input.key: 5.0 for spec_input in question.typed_inputs}
            answers[question.code] = (scoring.AnswerData(inputs=typed), "")
        else:
            answers[question.code] = (scoring.AnswerData(number=3.5), "")
    services.answers_save_many(cycle=cycle, layer=Layer.SELF, answers=answers, spec=spec)


def evidence_and_work(cycle, *, documents: int, items: int) -> None:
    for number in range(documents):
        document = EvidenceFactory(
            unit=cycle.unit, file_name=f"bukti-{number}.pdf", title=f"Bukti {number}"
        )
        services.answer_evidence_set(
            cycle=cycle,
            question=cycle.framework.questions.get(code="A.MP.PMN.i.a"),
            evidence=document,
            attach=True,
        )
    for number in range(items):
        item = WorkPlanItemFactory(
            cycle=cycle, title=f"Kegiatan {number}", due_date=datetime.date(2020, 1, 1)
        )
        ProgressEntryFactory(item=item, note="jalan", percent=30, date=datetime.date(2020, 1, 1))


PAGES = [
    ("change_areas:cycle_overview", {}),
    ("change_areas:area", {"area_code": "A.MP"}),
    ("change_areas:area", {"area_code": "A.PW"}),
    ("change_areas:hasil", {}),
    ("change_areas:work_plan", {}),
    ("change_areas:prerequisites", {}),
    ("change_areas:gap_planner", {}),
    ("change_areas:scorecard_json", {}),
    ("change_areas:lke_export", {}),
]


def count_queries(client, url: str) -> int:
    client.get("/")  # the session's first request also looks up the second factor once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("name", "extra"), PAGES, ids=lambda value: str(value))
def test_pages_cost_the_same_queries_with_1_and_with_all_answers(
    name, extra, unit, staff, client_for, django_assert_num_queries
):
    small = CycleFactory(unit=unit, year=2025)
    fill(small, count=1, one_per_area=True)  # one answer on each area page
    evidence_and_work(small, documents=1, items=1)
    client = client_for(staff)
    expected = count_queries(client, reverse(name, kwargs={"pk": small.pk, **extra}))

    large = CycleFactory(unit=unit, year=2026)
    fill(large, count=130)  # every question of the LKE (113) is answered
    evidence_and_work(large, documents=12, items=8)
    assert large.answers.count() == 113
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, kwargs={"pk": large.pk, **extra}))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["change_areas:cycle_list", "change_areas:evidence_library"])
def test_unit_pages_cost_the_same_queries_with_few_and_many_rows(
    name, unit, other_unit, staff, client_for, django_assert_num_queries
):
    small_cycle = CycleFactory(unit=other_unit)
    evidence_and_work(small_cycle, documents=1, items=1)
    other_staff = member(other_unit, Role.STAFF)
    expected = count_queries(
        client_for(other_staff), reverse(name, kwargs={"code": other_unit.code})
    )

    for year in (2023, 2024, 2025, 2026):
        big_cycle = CycleFactory(unit=unit, year=year)
    evidence_and_work(big_cycle, documents=15, items=3)
    client = client_for(staff)
    client.get("/")
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, kwargs={"code": unit.code}))
    assert response.status_code == 200


def test_overview_shows_every_area_with_score_and_completeness(cycle, staff, client_for):
    fill(cycle, count=20)
    cycle.refresh_from_db()
    response = client_for(staff).get(cycle.get_absolute_url())
    html = response.content.decode()
    summary = cycle.summary(Layer.SELF)
    for code, node in summary["areas"].items():
        assert node["name"] in html
        shown = f"{node['value']:.2f}".replace(".", ",")
        assert shown in html, (code, shown)
    assert "Pertanyaan pertama yang belum dijawab" in html
    assert "Menuju WBK" in html and "belum memenuhi" in html


def test_area_page_shows_the_right_control_per_answer_type(cycle, staff, client_for):
    client = client_for(staff)
    mp = client.get(
        reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": "A.MP"})
    ).content.decode()
    assert 'type="radio" name="option" value="Ya"' in mp
    assert 'type="radio" name="option" value="D"' in mp  # A/B/C/D options with their criteria
    assert "Jika semua kegiatan pembangunan telah dilaksanakan sesuai dengan rencana" in mp
    assert 'name="input-n1"' in mp and "Jumlah Agen Perubahan" in mp  # count inputs
    pw = client.get(
        reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": "A.PW"})
    ).content.decode()
    assert (
        "Jumlah yang harus melaporkan" in pw and "dihitung" in pw
    )  # computed input shown, not typed
    assert 'name="input-n1"' not in re.sub(r"(?s).*?A-PW-RFM-iii-LHKPN-a", "", pw, count=1)[:3000]
    hasil = client.get(reverse("change_areas:hasil", kwargs={"pk": cycle.pk})).content.decode()
    # a text field read in the person's language ("3,75"), its range in its label
    assert 'name="number" inputmode="decimal"' in hasil and "Nilai survei (0–4)" in hasil


def test_viewer_sees_the_area_page_read_only(cycle, viewer, client_for):
    html = (
        client_for(viewer)
        .get(reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": "A.MP"}))
        .content.decode()
    )
    assert "Simpan jawaban" not in html
    assert "Peran Anda pada unit ini tidak mencakup pengisian" in html


def test_scorecard_pdf_is_the_recap_with_eligibility(cycle, staff, client_for):
    import io

    from pypdf import PdfReader

    fill(cycle, count=40)
    response = client_for(staff).get(reverse("change_areas:scorecard_pdf", kwargs={"pk": cycle.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "REKAPITULASI LEMBAR KERJA EVALUASI ZONA INTEGRITAS" in text
    assert "Manajemen Perubahan" in text and "Pemenuhan" in text and "Reform" in text
    assert "NILAI EVALUASI ZONA" in text
    total = f"{cycle.__class__.objects.get(pk=cycle.pk).self_total:.2f}".replace(".", ",")
    assert total in text
    assert "Menuju WBK" in text and "di bawah minimal" in text


def test_lke_export_disarms_formulas_and_import_restores_the_note(cycle, staff):
    import tablib

    from change_areas import lke

    question = cycle.framework.questions.get(code="A.MP.PMN.i.a")
    services.answer_save(
        cycle=cycle, question=question, option="Ya", note='=HYPERLINK("http://evil/","x")', by=staff
    )
    dataset = lke.export_dataset(cycle, Layer.SELF)
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["note"] == '\'=HYPERLINK("http://evil/","x")'
    assert not any(str(cell).startswith("=") for line in dataset for cell in line)
    reimported = tablib.Dataset().load(dataset.export("csv"), format="csv")
    other = CycleFactory(unit=cycle.unit, year=2027)
    lke.import_dataset(other, Layer.SELF, reimported)
    assert other.answers.get(question=question).note == '=HYPERLINK("http://evil/","x")'
