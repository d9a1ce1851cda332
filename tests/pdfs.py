"""Reading PDFs the way a person does: their text, page by page."""

from __future__ import annotations

import io
import subprocess

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
