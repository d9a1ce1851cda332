"""Debian's Chromium as the browser tests and benchmarks/page_load.py start it (Playwright's
own browser download is not available here; ZI_CHROMIUM names another binary)."""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ZI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
