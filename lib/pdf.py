"""One way to make PDFs: a template rendered in the document's language, then WeasyPrint.

The renderer may fetch only ZI Tracker's own static files and `data:` URIs:
no request leaves the server because of something a user typed into a
document (no SSRF), and rendering works on a closed network. Images that
live in storage (unit logos, signature images) and QR codes are passed in
as data URIs by `image_data_uri` and `qr_data_uri`.

Renderers return a `RenderedFile(filename, content_type, content)`.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lib.files import read_stored

PDF_CONTENT_TYPE = "application/pdf"


class RenderedFile(NamedTuple):
    filename: str
    content_type: str
    content: bytes


class StaticOnlyFetcher(URLFetcher):
    """Serves `/static/...` from the static finders and `data:` URIs; refuses everything else."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if parts.scheme == "file" and not parts.netloc and parts.path.startswith(prefix):
            relative = unquote(parts.path[len(prefix) :])
            found = _static_file(relative)
            if found:
                content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})
        raise ValueError(f"ZI Tracker PDFs load only their own static files, not {url}")


def _static_file(relative: str) -> Path | None:
    """A static file by its URL path: collected (hashed names in production) or from the finders."""
    if ".." in Path(relative).parts or relative.startswith("/"):
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / relative).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected
    found = finders.find(relative)
    return Path(found) if found else None


def render_pdf(
    template_name: str,
    context: dict,
    *,
    filename: str,
    language: str | None = None,
) -> RenderedFile:
    """Render `template_name` to PDF bytes in `language` (default: Indonesian)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
        content = HTML(
            string=html, base_url="file:///", url_fetcher=StaticOnlyFetcher()
        ).write_pdf()
    return RenderedFile(filename, PDF_CONTENT_TYPE, content)


def image_data_uri(field_file) -> str:
    """A stored image (FieldFile) as a data URI, or "" when there is none or it cannot be read."""
    if not field_file:
        return ""
    content_type = mimetypes.guess_type(field_file.name)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        return ""
    try:
        data = read_stored(field_file)
    except (OSError, ValueError):
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def qr_data_uri(text: str, *, scale: int = 4) -> str:
    """A QR code (error correction M) of `text`, as an SVG data URI for HTML and PDFs."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def absolute_url(path: str) -> str:
    """An address outside the request cycle (QR codes, e-mails, printed documents)."""
    return settings.ZI_PUBLIC_BASE_URL + path
