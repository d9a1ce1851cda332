"""Playwright on Debian's Chromium (Playwright's own browser download is not available here)."""

import os

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run in such a thread unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium is not installed at {CHROMIUM}: browser tests need "
                        "Debian's chromium package (apt-get install chromium); CI installs it."
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


@pytest.fixture
def demo_world(transactional_db, catalogs):
    """The demo organisation and logins, as `make run` shows them."""
    from units import demo

    demo.seed(log=lambda line: None)
    return demo


@pytest.fixture
def login(page, live_server):
    """Sign in through the login form, as a person would."""

    page.set_default_timeout(10_000)

    def sign_in(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/masuk/")
        page.get_by_label("Nama pengguna atau NIP").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()

    return sign_in
