"""Reading PDFs the way a person does: their text, page by page."""

from __future__ import annotations

import io
import subprocess

import pdfplumber
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of every page as pypdf extracts it, pages joined by a new line."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdftotext_pages(content: bytes, tmp_path, *, mode: str = "-layout") -> list[str]:
    """The text of each page according to poppler's pdftotext (pages split on form feeds).

    `-layout` keeps columns side by side; `-raw` keeps the order the text was drawn in,
    so the lines of one signature block stay together.
    """
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def glyphs_off_the_page(content: bytes) -> list[str]:
    """Every character drawn (partly) outside its page's box, as "page N: 'c' at x0–x1".

    A word too long for its column must wrap, not run over the neighbouring column
    and off the paper (pdfplumber reads each glyph's box).
    """
    outside = []
    with pdfplumber.open(io.BytesIO(content)) as document:
        for number, page in enumerate(document.pages, start=1):
            for char in page.chars:
                if (
                    char["x0"] < -0.5
                    or char["x1"] > page.width + 0.5
                    or char["top"] < -0.5
                    or char["bottom"] > page.height + 0.5
                ):
                    outside.append(
                        f"page {number}: {char['text']!r} at {char['x0']:.0f}–{char['x1']:.0f}"
                    )
    return outside
