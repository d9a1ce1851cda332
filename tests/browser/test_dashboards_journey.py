"""A provincial leadership viewer opens the province's portfolio, keeps the eligible units
and downloads them as xlsx; then as a PDF and as a large xlsx, both made by the task worker
(at once in tests) and fetched from their job page."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from benchmarks import data as benchmark_data
from change_areas.models import Cycle
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.pdfs import pdf_text
from units.models import Role, Unit


@pytest.fixture
def seeded_province(transactional_db, catalogs):
    """A province of the benchmark dataset (150 units, one year)."""
    benchmark_data.seed(units=150, years=1, log=lambda line: None)
    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    return Unit.objects.filter(path__startswith=root.path, depth=2).first()


@pytest.fixture
def province_viewer(seeded_province):
    viewer = UserFactory(username="pimpinan-provinsi", full_name="Pimpinan Provinsi")
    MembershipFactory(user=viewer, unit=seeded_province, role=Role.VIEWER)
    return viewer


def test_viewer_filters_a_province_portfolio_to_eligible_units_and_downloads_xlsx(
    page, live_server, login, seeded_province, province_viewer, tmp_path, settings
):
    eligible = Cycle.objects.filter(
        unit__path__startswith=seeded_province.path, tpi_wbk_eligible=True
    )
    expected = sorted(eligible.values_list("unit__code", flat=True))
    assert expected, "the dataset should hold eligible units"

    login(province_viewer.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Dasbor").click()
    page.get_by_role("link", name="Portofolio").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Portofolio {seeded_province.name}")
    expect(page.locator("figure.chart svg").first).to_be_visible()

    page.get_by_label("Kelayakan").select_option(label="Layak WBK menurut TPI")
    page.get_by_role("button", name="Terapkan").click()
    expect(
        page.get_by_text(re.compile(rf"^.*{len(expected)} unit sesuai saringan"))
    ).to_be_visible()
    rows = page.locator("table.portfolio-table tbody tr")
    expect(rows).to_have_count(min(len(expected), 50))
    expect(rows.first.get_by_text("WBK · TPI")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = load_workbook(target).active
    header, *data = list(sheet.iter_rows(values_only=True))
    assert sorted(row[0] for row in data) == expected
    eligible_column = header.index("Layak WBK (TPI)")
    assert {row[eligible_column] for row in data} == {"Ya"}

    # The PDF is always made in the background: the button leads to the job's page.
    page.get_by_role("button", name="PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Portofolio {seeded_province.name} (PDF)"
    )
    expect(page.locator("#export-status")).to_contain_text("Selesai")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh PDF").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert seeded_province.name.upper() in pdf_text(target.read_bytes())

    # Above the threshold the spreadsheet is made in the background too, every row of it.
    settings.ZI_EXPORT_BACKGROUND_ROWS = len(expected) - 1
    page.get_by_role("link", name="Kembali ke dasbor").click()
    page.get_by_role("button", name="Unduh xlsx").click()
    status = page.locator("#export-status")
    expect(status).to_contain_text(f"{len(expected)} dari {len(expected)} baris ditulis")
    expect(status.locator("progress")).to_have_attribute("value", str(len(expected)))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh xlsx").click()
    target = tmp_path / "background.xlsx"
    download_info.value.save_as(target)
    _header, *data = list(load_workbook(target).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in data) == expected
