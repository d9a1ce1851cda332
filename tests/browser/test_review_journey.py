"""Submit, review, return two questions, fix them, resubmit, finalise: both scorecards side by side."""

import pytest
from playwright.sync_api import expect

from change_areas.models import Cycle, Stage
from tests.factories import CycleFactory
from units.models import Unit


@pytest.fixture
def submitted_ready(demo_world):
    """BPS Kota Sorong's cycle with every question answered at its best (total 100)."""
    return CycleFactory(unit=Unit.objects.get(code="BPS-9171"), filled=True)


def sign_out(page):
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Keluar").click()


def question(page, code: str):
    return page.locator(f"#q-{code.replace('.', '-')}")


def test_submit_review_return_fix_resubmit_finalise(
    page, live_server, demo_world, submitted_ready, login
):
    page.on("dialog", lambda dialog: dialog.accept())
    cycle = submitted_ready

    # The coordinator submits the self-assessment.
    login("koordinator", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    expect(page.locator(".big-number")).to_have_text("100,00")
    page.get_by_role("button", name="Ajukan penilaian unit").click()
    expect(page.locator("ul.messages")).to_contain_text("diajukan")
    sign_out(page)

    # The TPI reviewer scores one answer down, returns two questions with reasons, accepts the rest.
    login("penilai-tpi", demo_world.DEMO_PASSWORD)
    page.get_by_role("link", name="Penilaian", exact=True).click()
    page.get_by_role("link", name="BPS Kota Sorong").click()
    first = question(page, "A.MP.PMN.i.a")
    first.locator(".reviewer-side").get_by_label("Tidak").check()
    first.get_by_role("button", name="Simpan nilai").click()
    expect(question(page, "A.MP.PMN.i.a").get_by_text("Tersimpan.")).to_be_visible()
    for code, reason in (
        ("A.MP.PMN.i.a", "SK tim kerja belum dilampirkan."),
        ("A.MP.PMN.ii.b", "Target prioritas belum terukur."),
    ):
        block = question(page, code)
        block.get_by_placeholder("Alasan perlu perbaikan").fill(reason)
        block.get_by_role("button", name="Perlu perbaikan").click()
        expect(question(page, code).locator(".question-state")).to_contain_text("Perlu perbaikan")
    for area in ("MP", "TL", "SDM", "AK", "PW", "PP", "Hasil"):
        page.locator(".subnav").get_by_role("link", name=area, exact=True).click()
        page.get_by_role("button", name="Terima semua yang belum ditinjau di halaman ini").click()
        expect(page.locator("ul.messages")).to_contain_text("diterima")
    page.get_by_role("button", name="Kembalikan 2 pertanyaan untuk diperbaiki").click()
    expect(page.locator("ul.messages")).to_contain_text("dikembalikan")
    sign_out(page)

    # The coordinator sees exactly those two open, answers in the thread, fixes and resubmits.
    login("koordinator", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    expect(page.get_by_text("Perbaikan diminta penilai")).to_be_visible()
    page.get_by_role("link", name="A.MP.PMN.i.a").click()
    returned = question(page, "A.MP.PMN.i.a")
    expect(returned).to_contain_text("SK tim kerja belum dilampirkan.")
    expect(returned.get_by_role("button", name="Simpan jawaban")).to_be_visible()
    expect(
        question(page, "A.MP.PMN.i.b").get_by_role("button", name="Simpan jawaban")
    ).to_have_count(0)
    returned.get_by_placeholder("Tulis tanggapan…").fill("SK tim sudah kami unggah ulang.")
    returned.get_by_role("button", name="Kirim").click()
    expect(
        question(page, "A.MP.PMN.i.a").get_by_text("SK tim sudah kami unggah ulang.")
    ).to_be_visible()
    returned = question(page, "A.MP.PMN.i.a")
    returned.locator("textarea[name=note]").fill(
        "SK Kepala BPS Kota Sorong tentang Tim ZI terlampir."
    )
    returned.get_by_role("button", name="Simpan jawaban").click()
    expect(question(page, "A.MP.PMN.i.a").get_by_text("Tersimpan.")).to_be_visible()
    page.get_by_role("link", name="Ikhtisar").click()
    page.get_by_role("button", name="Ajukan ulang perbaikan").click()
    expect(page.locator("ul.messages")).to_contain_text("diajukan kembali")
    sign_out(page)

    # The reviewer accepts the fixed questions and finalises.
    login("penilai-tpi", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/tinjau/tpi/area/A.MP/")
    expect(question(page, "A.MP.PMN.i.a").locator(".question-state")).to_contain_text(
        "Sudah diperbaiki unit"
    )
    expect(question(page, "A.MP.PMN.i.a")).to_contain_text("SK tim sudah kami unggah ulang.")
    page.get_by_role("button", name="Terima semua yang belum ditinjau di halaman ini").click()
    page.get_by_role("button", name="Finalkan penilaian TPI").click()
    expect(page.locator("ul.messages")).to_contain_text("difinalkan")
    page.get_by_role("link", name="Perbandingan mandiri dan TPI").click()

    # Both scorecards, differing exactly as entered: one Ya→Tidak of weight 0.5 shared by two questions.
    comparison = page.locator("table.comparison")
    expect(comparison.locator("tr", has_text="Manajemen Perubahan")).to_contain_text("−0,25")
    expect(comparison.locator("tr.total")).to_contain_text("100,00")
    expect(comparison.locator("tr.total")).to_contain_text("99,75")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PENGUSULAN
    assert (float(cycle.self_total), float(cycle.tpi_total)) == (100.0, 99.75)
    assert Cycle.objects.get(pk=cycle.pk).reviews.filter(revision_count=1).count() == 2
