"""The review journey as reviewers and units live it, in a real browser: the TPI returns
questions in two rounds while reviewing the rest; the unit fixes one and leaves one
unchanged (and is warned); the TPI sees what changed, recommends, finalises and issues
the LHE on the inspectorate's letterhead, signed and valid for pdfsig; the unit follows
a recommendation up and the TPI closes it."""

import subprocess

import pytest
from playwright.sync_api import expect

from change_areas.models import Cycle, Recommendation, ReturnedQuestion, ReviewStatus, Stage
from declarations.models import EvaluationReport
from tests.factories import CycleFactory
from tests.files import pdf_bytes
from tests.pdfs import pdf_text
from units.models import Unit


@pytest.fixture
def submitted_ready(demo_world):
    """BPS Kota Sorong's cycle with every question answered at its best (total 100)."""
    return CycleFactory(unit=Unit.objects.get(code="BPS-9171"), filled=True)


@pytest.fixture
def signing(demo_world):
    """The trial signing key a fresh installation makes, as the default key."""
    from declarations import keys
    from declarations.models import SigningKey

    if not SigningKey.objects.filter(is_default=True).exists():
        keys.signing_key_create_trial(by=None)


def sign_out(page):
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Keluar").click()


def question(page, code: str):
    return page.locator(f"#q-{code.replace('.', '-')}")


def status(cycle, code: str) -> str:
    return Cycle.objects.get(pk=cycle.pk).reviews.get(question__code=code, layer="tpi").status


def mark_for_revision(page, code: str, reason: str) -> None:
    block = question(page, code)
    block.get_by_label("Alasan perlu perbaikan").fill(reason)
    block.get_by_role("button", name="Perlu perbaikan").click()
    expect(question(page, code).locator(".question-state")).to_contain_text("Perlu perbaikan")


def accept_every_area(page) -> None:
    for area in ("MP", "TL", "SDM", "AK", "PW", "PP", "Hasil"):
        page.locator(".subnav").get_by_role("link", name=area, exact=True).click()
        page.get_by_role(
            "button", name="Tandai ditinjau semua yang menunggu di halaman ini"
        ).click()
        expect(page.locator("ul.messages")).to_contain_text("ditandai ditinjau")


def test_two_rounds_an_unchanged_answer_the_lhe_and_a_follow_up(
    page, live_server, demo_world, submitted_ready, signing, login, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    cycle = submitted_ready
    review = f"{live_server.url}/siklus/{cycle.pk}/tinjau/tpi/area"

    # The coordinator submits the self-assessment.
    login("koordinator", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    page.get_by_role("button", name="Ajukan penilaian unit").click()
    expect(page.locator("ul.messages")).to_contain_text("diajukan")
    sign_out(page)

    # Round 1: the TPI returns two questions, with reasons on two lines, then reviews on.
    login("penilai-tpi", demo_world.DEMO_PASSWORD)
    page.goto(f"{review}/A.MP/")
    expect(page.locator("#review-header-score")).to_contain_text("sementara, belum final")
    mark_for_revision(
        page, "A.MP.PMN.i.a", "SK tim kerja belum dilampirkan.\nLampirkan yang ditandatangani."
    )
    mark_for_revision(page, "A.MP.PMN.ii.b", "Target prioritas belum terukur.")
    page.get_by_role("button", name="Kembalikan 2 pertanyaan untuk diperbaiki").click()
    expect(page.locator("ul.messages")).to_contain_text("putaran 1")
    page.locator(".subnav").get_by_role("link", name="TL", exact=True).click()
    first = question(page, "A.TL.PMN.i.a")
    first.locator(".reviewer-side input[name=option][value=B]").check()
    first.get_by_role("button", name="Simpan nilai").click()
    expect(question(page, "A.TL.PMN.i.a").locator(".question-state")).to_contain_text("dikoreksi")
    # Round 2, while round 1 is still with the unit.
    mark_for_revision(page, "A.TL.PMN.i.b", "Peta proses bisnis belum ditetapkan.")
    page.get_by_role("button", name="Kembalikan 1 pertanyaan untuk diperbaiki").click()
    expect(page.locator("ul.messages")).to_contain_text("putaran 2")
    sign_out(page)

    # The unit sees exactly the three questions and why; fixes one, leaves one unchanged.
    login("koordinator", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    panel = page.locator("#perbaikan")
    for code in ("A.MP.PMN.i.a", "A.MP.PMN.ii.b", "A.TL.PMN.i.b"):
        expect(panel).to_contain_text(code)
    expect(panel).to_contain_text("Lampirkan yang ditandatangani.")
    panel.get_by_role("link", name="A.MP.PMN.i.a").click()
    fixed = question(page, "A.MP.PMN.i.a")
    expect(
        question(page, "A.MP.PMN.i.b").get_by_role("button", name="Simpan jawaban")
    ).to_have_count(0)
    fixed.locator("textarea[name=note]").fill("SK Kepala BPS Kota Sorong tentang Tim ZI terlampir.")
    fixed.get_by_role("button", name="Simpan jawaban").click()
    expect(question(page, "A.MP.PMN.i.a").get_by_text("Tersimpan.")).to_be_visible()
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/area/A.TL/")
    question(page, "A.TL.PMN.i.b").locator("textarea[name=note]").fill(
        "Peta proses bisnis ditetapkan."
    )
    question(page, "A.TL.PMN.i.b").get_by_role("button", name="Simpan jawaban").click()
    expect(question(page, "A.TL.PMN.i.b").get_by_text("Tersimpan.")).to_be_visible()
    page.get_by_role("link", name="Ikhtisar").click()
    panel = page.locator("#perbaikan")
    expect(panel).to_contain_text("1 pertanyaan belum diubah sejak dikembalikan")
    panel.get_by_role("button", name="Ajukan ulang perbaikan").click()  # unconfirmed: refused
    assert status(cycle, "A.MP.PMN.ii.b") == ReviewStatus.RETURNED
    panel.get_by_label("Ajukan ulang juga tanpa perubahan: A.MP.PMN.ii.b").check()
    panel.get_by_role("button", name="Ajukan ulang perbaikan").click()
    expect(page.locator("ul.messages")).to_contain_text("3 pertanyaan diajukan kembali")
    assert status(cycle, "A.MP.PMN.ii.b") == ReviewStatus.UNCHANGED
    assert status(cycle, "A.MP.PMN.i.a") == ReviewStatus.REVISED
    sign_out(page)

    # The TPI sees what changed in each round, recommends, and finalises.
    login("penilai-tpi", demo_world.DEMO_PASSWORD)
    page.goto(f"{review}/A.MP/")
    changed = question(page, "A.MP.PMN.i.a")
    expect(changed.locator(".question-state")).to_contain_text("Diperbaiki unit")
    expect(changed.locator(".rounds")).to_contain_text(
        "SK Kepala BPS Kota Sorong tentang Tim ZI terlampir."
    )
    expect(question(page, "A.MP.PMN.ii.b").locator(".question-state")).to_contain_text(
        "Diajukan ulang tanpa perubahan"
    )
    page.locator("#rekomendasi-amp").get_by_label("Rekomendasi baru").fill(
        "Tetapkan SK tim kerja ZI setiap awal tahun."
    )
    page.locator("#rekomendasi-amp").get_by_role("button", name="Catat rekomendasi").click()
    expect(page.locator("ul.messages")).to_contain_text("Rekomendasi dicatat")
    accept_every_area(page)
    page.get_by_role("button", name="Finalkan penilaian TPI").click()
    expect(page.locator("ul.messages")).to_contain_text("difinalkan")
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.PENGUSULAN
    assert ReturnedQuestion.objects.filter(round__cycle=cycle).count() == 3

    # The LHE: the inspectorate's letterhead, a number, the lead's signature, valid for pdfsig.
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/laporan/tpi/")
    page.get_by_label("Unit tim penilai (kop surat)").select_option(
        label="Inspektorat Utama Badan Pusat Statistik"
    )
    page.get_by_role("button", name="Terbitkan dan tandatangani").click()
    expect(page.locator("ul.messages")).to_contain_text("ditandatangani secara elektronik")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").first.click()
    path = tmp_path / "lhe.pdf"
    download.value.save_as(path)
    text = " ".join(pdf_text(path.read_bytes()).split())
    report = EvaluationReport.objects.get(cycle=cycle)
    assert "INSPEKTORAT UTAMA BADAN PUSAT STATISTIK" in text.upper()
    assert f"Nomor: {report.number}" in text
    assert "Bambang Hartono, Ak., M.Ak." in text and "Ketua Tim Penilai Internal" in text
    assert "Tetapkan SK tim kerja ZI setiap awal tahun." in text
    checked = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in checked.stdout + checked.stderr
    sign_out(page)

    # The unit follows the recommendation up from its home, with evidence.
    login("staf", demo_world.DEMO_PASSWORD)
    expect(page.get_by_text("Rekomendasi yang perlu ditindaklanjuti")).to_be_visible()
    page.get_by_role("link", name="Tetapkan SK tim kerja ZI setiap awal tahun.").click()
    item = page.locator(f"#rekomendasi-{Recommendation.objects.get(cycle=cycle).pk}")
    item.get_by_label("Tindak lanjut yang sudah dilakukan").fill("SK Tim ZI 2026 ditetapkan.")
    item.get_by_label("Atau unggah bukti baru").set_input_files(
        files=[{"name": "sk-tim-2026.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    item.get_by_role("button", name="Kirim tindak lanjut").click()
    expect(page.locator("ul.messages")).to_contain_text("Tindak lanjut dilaporkan")
    sign_out(page)

    # The TPI closes it.
    login("penilai-tpi", demo_world.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/siklus/{cycle.pk}/tindak-lanjut/")
    item = page.locator(f"#rekomendasi-{Recommendation.objects.get(cycle=cycle).pk}")
    expect(item).to_contain_text("sk-tim-2026")
    item.get_by_label("Selesai", exact=True).check()
    item.get_by_role("button", name="Simpan putusan").click()
    expect(page.locator("ul.messages")).to_contain_text("dinyatakan selesai")
    assert Recommendation.objects.get(cycle=cycle).is_done
