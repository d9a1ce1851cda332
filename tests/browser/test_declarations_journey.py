"""A unit admin declares, finalises, signs and downloads; the public checks the PDF by upload."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader


@pytest.fixture
def browser_signing_key(demo_world):
    """The trial key a fresh `make run` creates."""
    from declarations import keys

    return keys.ensure_trial_key()


def test_a_unit_admin_declares_signs_and_the_public_verifies(
    page, live_server, demo_world, login, browser_signing_key, settings, tmp_path
):
    settings.ZI_PUBLIC_BASE_URL = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    login("admin-unit", demo_world.DEMO_PASSWORD)

    page.goto(f"{live_server.url}/unit/POLMAN/")
    page.get_by_role("link", name="Buat pencanangan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pencanangan baru")
    page.get_by_label("Jenis").select_option("pernyataan_kesiapan")
    page.get_by_label("Badan Keuangan Daerah Kabupaten Polewali Mandar (POLMAN-BKD)").check()
    page.get_by_label("Dinas Pertanian Kabupaten Polewali Mandar (POLMAN-DISTAN)").check()
    page.get_by_label("Pemerintah Kabupaten Polewali Mandar (POLMAN)").uncheck()
    page.get_by_label("Tanggal").fill("2018-04-25")
    page.get_by_label("Tempat").fill("Ruang Pola Kantor Bupati")
    page.get_by_label("Kota").fill("Polewali")
    page.get_by_label("Isi").fill(
        "Kami pimpinan {unit} menyatakan siap membangun Zona Integritas pada {date} di {city}."
    )
    page.get_by_role("button", name="Buat draf").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah draf pencanangan")
    witness = page.locator("input[name='saksi-0-name']")
    witness.fill('Lukman Umar, S.H. <script>alert("x")</script>')
    page.locator("input[name='saksi-0-institution']").fill("Ombudsman RI Perwakilan Sulawesi Barat")
    page.get_by_role("button", name="Simpan draf").click()

    expect(page.locator(".messages")).to_contain_text("Draf disimpan.")
    expect(page.get_by_text('Lukman Umar, S.H. <script>alert("x")</script>')).to_be_visible()
    expect(page.get_by_text("Hj. Nurhayati, S.E., M.Si.")).to_be_visible()
    page.get_by_role("button", name="Finalkan").click()
    expect(page.locator(".messages")).to_contain_text("Pencanangan difinalkan")
    expect(page.locator(".badge").first).to_have_text("Final")

    page.get_by_role("button", name="Tandatangani secara elektronik").click()
    expect(page.locator(".messages")).to_contain_text("PDF ditandatangani secara elektronik")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    pdf_path = Path(download_info.value.path())
    content = pdf_path.read_bytes()
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Polewali, Rabu, 25 April 2018" in text
    assert 'Lukman Umar, S.H. <script>alert("x")</script>' in text
    verification_link = page.get_by_role("link", name=f"{live_server.url}/verifikasi/")
    verification_url = verification_link.get_attribute("href")
    assert f"{live_server.url}{verification_url}" in text

    # The public, signed out, checks the file it was given, then a file with one byte changed.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{verification_url}")
    expect(page.locator(".verdict")).to_contain_text("BERLAKU")
    page.get_by_label("Berkas PDF yang ingin diperiksa").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator(".verify-result")).to_contain_text("Cocok: berkas ini sama persis")

    changed = tmp_path / "diubah.pdf"
    middle = len(content) // 3
    changed.write_bytes(content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1 :])
    page.get_by_label("Berkas PDF yang ingin diperiksa").set_input_files(str(changed))
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator(".verify-result")).to_contain_text("Tidak cocok")
