"""Reading PDFs the way a person does: their text, page by page."""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

import pdfplumber
import weasyprint
import weasyprint.layout.flex
import weasyprint.layout.page
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


@contextmanager
def weasyprint_work() -> Iterator[Counter]:
    """Count what WeasyPrint lays out while the block runs.

    - `documents`: layouts of a whole document (`HTML.render`; `write_pdf` calls it);
    - `pages`: pages laid out (`remake_page`: a page laid out again counts again);
    - `measured`: boxes whose text was laid out only to learn their min- or max-content
      width, before being laid out for real: a flex item's automatic minimum size, a page
      margin box of automatic width (the footer).

    The names are WeasyPrint's own (70.x): a renamed one fails here loudly, never silently.
    """
    counts: Counter = Counter()

    def counting(key, function):
        def counted(*args, **kwargs):
            counts[key] += 1
            return function(*args, **kwargs)

        return counted

    targets = [
        (weasyprint.HTML, "render", "documents"),
        (weasyprint.layout.page, "remake_page", "pages"),
        (weasyprint.layout.flex, "min_content_width", "measured"),
        (weasyprint.layout.flex, "max_content_width", "measured"),
        (weasyprint.layout.page, "min_content_width", "measured"),
        (weasyprint.layout.page, "max_content_width", "measured"),
    ]
    with ExitStack() as stack:
        for owner, name, key in targets:
            stack.enter_context(mock.patch.object(owner, name, counting(key, getattr(owner, name))))
        yield counts
