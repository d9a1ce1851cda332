"""Real files for upload tests, made once per test run."""

from __future__ import annotations

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@functools.cache
def pdf_bytes(text: str = "Bukti dukung contoh") -> bytes:
    """A real one-page PDF (rendered by WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{text}</h1>").write_pdf()


@functools.cache
def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def stored_bytes(field_file) -> bytes:
    """What a FileField holds, as stored."""
    with field_file.open("rb") as handle:
        return handle.read()


def upload(
    name: str = "bukti.pdf", content: bytes | None = None, content_type: str = "application/pdf"
):
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type=content_type
    )
