"""On a phone, a member of the public reads a published service standard; drafts stay hidden."""

from playwright.sync_api import expect

from service_standards import demo as service_demo
from service_standards.models import Service


def test_the_public_reads_a_published_standard_on_a_phone(page, live_server, demo_world):
    service_demo.seed(log=lambda line: None)
    library = Service.objects.get(unit__code="BPS-9171", slug="perpustakaan")
    draft = library.versions.drafts().get()

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/layanan/BPS-9171/")
    expect(page.get_by_role("heading", level=1)).to_have_text("BPS Kota Sorong")
    expect(page.get_by_text("Maklumat pelayanan").first).to_be_visible()
    expect(page.get_by_text("A · Sangat Baik")).to_be_visible()

    # Services are collapsed; opening one shows its persyaratan and a link to the full standard.
    library_item = page.locator("details.service-item", has_text="Layanan Perpustakaan")
    library_item.locator("summary").click()
    expect(library_item.get_by_text("Menunjukkan kartu identitas")).to_be_visible()
    library_item.get_by_role("link", name="Standar pelayanan lengkap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan Perpustakaan")
    expect(page.get_by_role("heading", name="Persyaratan")).to_be_visible()
    expect(page.get_by_text("Mengisi buku tamu atau daftar hadir pengunjung PST")).to_be_visible()
    expect(page.locator("#jangka-waktu")).to_contain_text("15 menit")
    expect(page.get_by_role("heading", name="Evaluasi kinerja pelaksana")).to_be_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The draft's text is not on the page.
    expect(page.get_by_text(service_demo.LIBRARY_DRAFT_ITEM)).to_have_count(0)
    assert service_demo.LIBRARY_DRAFT_ITEM not in page.content()

    # Guessing the draft's id does not reach it.
    for guess in (f"/layanan/BPS-9171/{draft.pk}/", f"/layanan/BPS-9171/perpustakaan/{draft.pk}/"):
        response = page.goto(f"{live_server.url}{guess}")
        assert response.status == 404
    response = page.goto(f"{live_server.url}/unit/BPS-9171/layanan/versi/{draft.pk}/")
    expect(page).to_have_url(
        f"{live_server.url}/masuk/?next=/unit/BPS-9171/layanan/versi/{draft.pk}/"
    )
