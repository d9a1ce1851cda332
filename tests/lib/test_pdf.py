import datetime

import pytest

from lib.pdf import StaticOnlyFetcher, qr_data_uri, render_pdf
from tests.pdfs import pdf_text


def test_render_pdf_renders_the_template_in_the_documents_language(unit, tmp_path, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    (tmp_path / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}'
        '{% include "pdf/_letterhead.html" %}<h1>Percobaan</h1>'
        '<p>{{ unit.name }} — {{ when|date:"DATE_FORMAT" }}</p>{% endblock %}'
    )

    rendered = render_pdf(
        "probe.html", {"unit": unit, "when": datetime.date(2021, 6, 10)}, filename="probe.pdf"
    )
    assert rendered.filename == "probe.pdf" and rendered.content_type == "application/pdf"
    text = pdf_text(rendered.content)
    assert "Satker Contoh" in text
    assert "Kamis, 10 Juni 2021" in text
    assert "Halaman 1 dari 1" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_pdf_renderer_fetches_nothing_but_our_static_files(url):
    with pytest.raises(ValueError, match="only their own static files"):
        StaticOnlyFetcher().fetch(url)


def test_pdf_renderer_serves_static_files_and_data_uris():
    assert b"@page" in StaticOnlyFetcher().fetch("file:///static/css/pdf.css").read()
    qr = StaticOnlyFetcher().fetch(qr_data_uri("https://zi.example/verifikasi/x/"))
    assert qr.read().startswith(b"<svg")


def test_pdf_renderer_finds_collected_static_files_with_hashed_names(settings, tmp_path):
    # In production {% static %} gives hashed names that only exist in STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0123abcd.css").write_text("@page { size: A4 }")
    response = StaticOnlyFetcher().fetch("file:///static/css/pdf.0123abcd.css")
    assert response.read() == b"@page { size: A4 }"
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch("file:///static/css/../../secret.txt")
