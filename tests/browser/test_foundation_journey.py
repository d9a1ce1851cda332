"""A demo coordinator signs in, sees the home page in Indonesian and opens their unit."""

from playwright.sync_api import expect


def test_coordinator_signs_in_and_opens_their_unit(page, live_server, demo_world, login):
    login("koordinator", demo_world.DEMO_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang, Dewi Lestari")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_text("Unit dan peran Anda")).to_be_visible()
    expect(page.get_by_text("Koordinator (ketua tim ZI)")).to_be_visible()

    page.get_by_role("link", name="BPS Kota Sorong").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BPS Kota Sorong")
    breadcrumbs = page.get_by_role("navigation", name="Jalur unit")
    expect(breadcrumbs).to_contain_text("BPS RI")
    expect(breadcrumbs).to_contain_text("BPS Papua Barat")
    expect(page.get_by_text("Siti Nurhaliza")).to_be_visible()


def test_wrong_password_says_so_in_indonesian(page, live_server, demo_world, login):
    login("koordinator", "salah-sandi")
    expect(page.get_by_role("alert")).to_contain_text("kata sandi")
    expect(page).to_have_url(f"{live_server.url}/masuk/")


def test_language_can_be_switched_to_english(page, live_server, demo_world, login):
    login("staf", demo_world.DEMO_PASSWORD)
    page.get_by_label("Bahasa").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
