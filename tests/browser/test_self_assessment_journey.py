"""A staff member answers an area of the LKE, attaches a PDF, sees the score move, logs progress
with that PDF picked from the unit's library through its search."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import CycleFactory, WorkPlanItemFactory
from tests.files import pdf_bytes
from units.models import Unit


@pytest.fixture
def sorong_cycle(demo_world):
    cycle = CycleFactory(unit=Unit.objects.get(code="BPS-9171"))
    WorkPlanItemFactory(
        cycle=cycle,
        title="Sosialisasi ZI kepada seluruh pegawai",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    return cycle


def question(page, code: str):
    return page.locator(f"#q-{code.replace('.', '-')}")


def test_staff_answers_an_area_attaches_a_pdf_and_logs_progress(
    page, live_server, demo_world, sorong_cycle, login, tmp_path
):
    login("staf", demo_world.DEMO_PASSWORD)
    page.get_by_role("link", name="BPS Kota Sorong").first.click()
    page.get_by_role("link", name=re.compile("2026")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikhtisar penilaian unit")
    page.get_by_role("link", name="Manajemen Perubahan").first.click()

    score = page.locator(".area-summary .area-score")
    expect(score).to_have_text("0,00")

    # A Ya/Tidak question: 1 × 0.5 (weight) ÷ 2 (questions) = 0.25
    first = question(page, "A.MP.PMN.i.a")
    first.get_by_label("Ya").check()
    first.get_by_role("button", name="Simpan jawaban").click()
    expect(first.get_by_text("Tersimpan.")).to_be_visible()
    expect(score).to_have_text("0,25")

    # A percentage item: 8 changes by 10 agents of change = 80 % of weight 2, shared by 2 questions
    percent = question(page, "A.MP.RFM.i.a")
    percent.get_by_label("Jumlah Agen Perubahan").fill("10")
    percent.get_by_label("Jumlah Perubahan yang dibuat").fill("8")
    percent.get_by_role("button", name="Simpan jawaban").click()
    expect(percent.get_by_text("80,0%")).to_be_visible()
    expect(score).to_have_text("1,05")  # 0.25 + 0.8 × 2 ÷ 2

    # Attach a newly uploaded PDF to the first question
    document = tmp_path / "sk-tim-zi.pdf"
    document.write_bytes(pdf_bytes("SK Tim ZI"))
    first = question(page, "A.MP.PMN.i.a")
    first.get_by_text("Lampirkan bukti").click()
    first.get_by_label("Unggah berkas baru").set_input_files(str(document))
    first.get_by_label("Judul").fill("SK Tim Kerja ZI 2026")
    first.get_by_role("button", name="Unggah dan lampirkan").click()
    expect(
        question(page, "A.MP.PMN.i.a").get_by_role("link", name="SK Tim Kerja ZI 2026")
    ).to_be_visible()

    # Log progress on the area's work plan (a plain form post), with the SK just uploaded
    # as its evidence, found by searching the unit's library (the page never lists it)
    item = page.locator(".work-item", has_text="Sosialisasi ZI kepada seluruh pegawai")
    item.get_by_text("Catat kemajuan").click()
    item.get_by_label("Kemajuan (%)").fill("60")
    item.get_by_label("Yang sudah dikerjakan").fill("Sosialisasi di dua bidang selesai")
    item.get_by_label("Bukti dukung dari pustaka").fill("SK Tim Kerja ZI 2026")
    item.get_by_role("radio", name=re.compile("SK Tim Kerja ZI 2026")).check()
    item.get_by_role("button", name="Simpan kemajuan").click()
    expect(page.locator("ul.messages")).to_contain_text("dicatat: 60%")
    done = page.locator(".work-item", has_text="Sosialisasi ZI")
    expect(done.locator("progress")).to_have_attribute("value", "60")
    expect(done.locator(".progress-log")).to_contain_text("SK Tim Kerja ZI 2026")

    # The overview tells the same story
    page.get_by_role("link", name="Ikhtisar").click()
    expect(page.locator(".areas-table").first).to_contain_text("1,05 / 8,00")
