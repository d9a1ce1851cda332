"""A whole ZI year in the browser, with no admin page and no shell.

The national admin opens the year's campaign over Kabupaten Polewali Mandar; the
regency's unit admin invites the coordinator and a staff member of Dinas Pertanian
(and the inspectorate's reviewer), who set their passwords from the e-mailed links;
staff answer a question and the coordinator uploads the filled LKE workbook and
submits; the TPI review window has not opened, so the page says when and who can
open it; the campaign owner lets submitted units be reviewed early; the TPI accepts
and finalises; the unit admin declares, finalises and signs with the trial key
(pdfsig finds the signature); an anonymous visitor reaches the verification from `/`.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import expect

from change_areas import selectors
from change_areas.models import Cycle, Framework, Stage
from tests.factories import best_answers

PASSWORD = "Zona-Integritas-2026"
DISTAN = "Dinas Pertanian Kabupaten Polewali Mandar"


@pytest.fixture
def fresh_install(demo_world):
    """`make run`: the demo organisation and its logins, and the trial signing key."""
    from declarations import keys

    keys.ensure_trial_key()
    return demo_world


def sign_out(page):
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Keluar").click()


def invitation_link(address: str, live_server) -> str:
    (message,) = [m for m in mail.outbox if address in m.to and "Undangan" in m.subject]
    path = re.search(r"https?://[^/\s]+(/akun/undangan/\S+)", message.body).group(1)
    return f"{live_server.url}{path}"


def fill_workbook(path: Path, framework: Framework) -> None:
    """What a coordinator does offline: every row of the LKE workbook answered."""
    answers = best_answers(selectors.catalog_spec(framework))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        code = str(row[0].value)
        if code in answers:
            data = answers[code]
            row[1].value = data.option or (None if data.number is None else float(data.number))
        elif code.rsplit(".", 1)[0] in answers:
            question, key = code.rsplit(".", 1)
            row[1].value = answers[question].inputs.get(key)
    book.save(path)


def test_a_whole_year_run_by_its_own_people(page, live_server, fresh_install, login, tmp_path):
    from django.conf import settings

    settings.ZI_PUBLIC_BASE_URL = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    today = datetime.date.today()
    demo = fresh_install

    # The national admin opens the year's campaign; TPI review opens in two months.
    login("admin", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Kampanye").click()
    page.get_by_label("Nama kampanye").fill(f"ZI Kabupaten Polewali Mandar {today.year}")
    page.get_by_label("Untuk semua unit di bawah").select_option(
        label="Pemerintah Kabupaten Polewali Mandar"
    )
    expect(page.get_by_label("Tahun")).to_contain_text(str(today.year))
    for label, day in (
        ("Pengisian dibuka", today - datetime.timedelta(days=5)),
        ("Pengisian ditutup", today + datetime.timedelta(days=40)),
        ("Penilaian TPI dibuka", today + datetime.timedelta(days=60)),
        ("Penilaian TPI ditutup", today + datetime.timedelta(days=90)),
    ):
        page.get_by_label(label).fill(day.isoformat())
    page.get_by_role("button", name="Buka kampanye").click()
    expect(page.locator("ul.messages")).to_contain_text("Kampanye dibuka: 5 siklus baru")
    campaign_url = page.url
    sign_out(page)

    # The regency's unit admin invites the Dinas Pertanian team and the inspectorate's reviewer.
    login("admin-unit", demo.DEMO_PASSWORD)
    for code, name, nip, email, role in (
        (
            "POLMAN-DISTAN",
            "Yohana Mambrasar",
            "199203152019032001",
            "yohana@polman.go.id",
            "Koordinator (ketua tim ZI)",
        ),
        (
            "POLMAN-DISTAN",
            "Andi Wanggai",
            "199105052015031002",
            "andi@polman.go.id",
            "Staf / tim kerja",
        ),
        ("POLMAN", "Rahmat Inspektur", "198503032010011003", "rahmat@polman.go.id", "Penilai TPI"),
    ):
        page.goto(f"{live_server.url}/unit/{code}/tim/")
        invite = page.locator("#undang")
        invite.get_by_label("Nama lengkap").fill(name)
        invite.get_by_label("NIP").fill(nip)
        invite.get_by_label("Surel").fill(email)
        invite.get_by_label("Peran").select_option(label=role)
        invite.get_by_role("button", name="Kirim undangan").click()
        expect(page.locator("ul.messages")).to_contain_text(f"Undangan dikirim ke {email}")
    expect(page.get_by_text("undangan belum diterima").first).to_be_visible()
    sign_out(page)

    # Each sets a password from the e-mailed link and is signed in.
    def accept(email: str) -> None:
        page.goto(invitation_link(email, live_server))
        page.get_by_label(re.compile(r"^Kata sandi baru")).fill(PASSWORD)
        page.get_by_label("Ulangi kata sandi baru").fill(PASSWORD)
        page.get_by_role("button", name="Simpan kata sandi dan masuk").click()
        expect(page.locator("ul.messages")).to_contain_text("Kata sandi tersimpan")

    # Staff answer a question of their area in the browser.
    accept("andi@polman.go.id")
    page.get_by_role("link", name=re.compile(f"Siklus {today.year}")).first.click()
    page.get_by_role("link", name="Manajemen Perubahan").first.click()
    first = page.locator("#q-A-MP-PMN-i-a")
    first.get_by_label("Ya").check()
    first.get_by_role("button", name="Simpan jawaban").click()
    expect(first.get_by_text("Tersimpan.")).to_be_visible()
    sign_out(page)

    # The coordinator fills the rest in the LKE workbook, uploads it and submits.
    accept("yohana@polman.go.id")
    page.get_by_role("link", name=re.compile(f"Siklus {today.year}")).first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh LKE (xlsx)").click()
    workbook = tmp_path / "lke.xlsx"
    download.value.save_as(workbook)
    fill_workbook(workbook, Framework.objects.current())
    page.get_by_role("link", name="Impor LKE dari berkas").click()
    page.get_by_label("Berkas").set_input_files(str(workbook))
    page.get_by_role("button", name="Impor").click()
    expect(page.locator("ul.messages")).to_contain_text("jawaban diimpor")
    expect(page.locator(".big-number")).to_have_text("100,00")
    page.get_by_role("button", name="Ajukan penilaian unit").click()
    expect(page.locator("ul.messages")).to_contain_text("diajukan")
    sign_out(page)

    # The TPI's window has not opened: the page says when, and who can open it.
    accept("rahmat@polman.go.id")
    page.get_by_role("link", name="Penilaian", exact=True).click()
    expect(page.locator("table")).to_contain_text("Admin Pemkab Polewali Mandar")
    page.get_by_role("link", name=DISTAN).click()
    expect(page.locator(".notice.locked")).to_contain_text("Penilaian TPI baru dibuka pada")
    expect(page.locator(".notice.locked")).to_contain_text("dapat mengubah jadwal ini")
    sign_out(page)

    # The campaign owner lets submitted self-assessments be reviewed at once.
    login("admin", demo.DEMO_PASSWORD)
    page.goto(campaign_url)
    page.get_by_text("Ubah jadwal dan pilihan kampanye").click()
    page.get_by_label(re.compile("Ajukan lebih awal, dinilai lebih awal")).check()
    page.get_by_role("button", name="Simpan jadwal").click()
    expect(page.locator("ul.messages")).to_contain_text("Jadwal kampanye disimpan")
    sign_out(page)

    # The TPI reviews every area and finalises; the review page says the layer is final.
    login("198503032010011003", PASSWORD)  # by NIP
    page.get_by_role("link", name="Penilaian", exact=True).click()
    page.get_by_role("link", name=DISTAN).click()
    for area in ("MP", "TL", "SDM", "AK", "PW", "PP", "Hasil"):
        page.locator(".subnav").get_by_role("link", name=area, exact=True).click()
        page.get_by_role(
            "button", name="Tandai ditinjau semua yang menunggu di halaman ini"
        ).click()
        expect(page.locator("ul.messages")).to_contain_text("ditandai ditinjau")
    page.get_by_role("button", name="Finalkan penilaian TPI").click()
    expect(page.locator("ul.messages")).to_contain_text("difinalkan")
    expect(page.locator(".tpi-final")).to_contain_text("Penilaian TPI final sejak")
    cycle = Cycle.objects.get(unit__code="POLMAN-DISTAN", year=today.year)
    assert cycle.stage == Stage.PENGUSULAN and float(cycle.tpi_total) == 100.0
    sign_out(page)

    # The unit admin declares Dinas Pertanian's zone and signs it: the home task is doable.
    login("admin-unit", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/unit/POLMAN-DISTAN/")
    page.get_by_role("link", name="Buat pencanangan").click()
    page.get_by_label("Tanggal").fill(today.isoformat())
    page.get_by_label("Tempat").fill("Aula Dinas Pertanian")
    page.get_by_label("Kota").fill("Polewali")
    page.get_by_role("button", name="Buat draf").click()
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_role("button", name="Finalkan").click()
    expect(page.locator("ul.messages")).to_contain_text("Pencanangan difinalkan")
    page.goto(f"{live_server.url}/")
    page.locator("section", has_text="Pencanangan menunggu tanda tangan").get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_text("kunci uji coba ZI Tracker").first).to_be_visible()
    page.get_by_role("button", name="Tandatangani secara elektronik").click()
    expect(page.locator("ul.messages")).to_contain_text("PDF ditandatangani secara elektronik")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF bertanda tangan").click()
    signed = tmp_path / "pencanangan.pdf"
    download.value.save_as(signed)
    number = page.locator("p.muted", has_text="Nomor").first.inner_text().split("Nomor")[-1].strip()
    report = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in report and "KUNCI UJI COBA" in report
    sign_out(page)

    # Anyone, from the public home: find the document by its number, check the PDF.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nomor dokumen atau alamat pada kode QR").fill(number)
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator(".verdict")).to_contain_text("BERLAKU")
    expect(page.locator(".trial-key")).to_contain_text("Ditandatangani dengan kunci uji coba.")
    page.get_by_label("Berkas PDF yang ingin diperiksa").set_input_files(str(signed))
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator(".verify-result")).to_contain_text("Cocok: berkas ini sama persis")
