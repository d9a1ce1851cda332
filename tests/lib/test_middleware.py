"""The ground floor's middleware: the content security policy on every page (inline
styles for the admin only), one structured log line per request, and compression (pages
gzipped, files as they are, static files hashed with gzip and brotli copies)."""

import gzip
import re

import brotli
import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client

from lib.middleware import CompressTextMiddleware


class TestHeaders:
    def test_pages_carry_a_strict_content_security_policy(self, client_for, staff, unit):
        response = client_for(staff).get(unit.get_absolute_url())
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"

    def test_only_the_admin_allows_inline_styles(self, client_for, superuser):
        policy = client_for(superuser).get("/admin/")["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy
        assert "script-src 'self'" in policy and "script-src 'self' 'unsafe-inline'" not in policy


@pytest.mark.parametrize("path", ["/masuk/", "/layanan/"])
def test_public_pages_work_under_the_policy(path, db):
    response = Client().get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_each_request_is_logged_as_one_structured_line(client_for, staff, unit, caplog):
    import json
    import logging

    from pythonjsonlogger.json import JsonFormatter

    with caplog.at_level(logging.INFO, logger="zi_tracker.requests"):
        client_for(staff).get(unit.get_absolute_url() + "?q=rahasia")
    record = next(r for r in caplog.records if r.name == "zi_tracker.requests")
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(message)s").format(record))
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["path"] == unit.get_absolute_url() and "rahasia" not in json.dumps(line)
    assert line["user_id"] == staff.pk and line["duration_ms"] >= 0


class TestCompression:
    """Pages go out gzipped to browsers that accept it; files go out as they are."""

    def test_a_page_is_gzipped_for_a_browser_that_accepts_it(self, client_for, staff, unit):
        response = client_for(staff).get(unit.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        page = gzip.decompress(response.content).decode()
        assert page.startswith("<!DOCTYPE html>") and unit.name in page
        assert len(response.content) < len(page) / 2

    def test_a_page_is_plain_for_a_client_that_does_not_accept_gzip(self, client_for, staff, unit):
        response = client_for(staff).get(unit.get_absolute_url())
        assert "Content-Encoding" not in response
        assert response.content.decode().startswith("<!DOCTYPE html>")

    @pytest.mark.parametrize(
        "content_type",
        [
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/png",
        ],
    )
    def test_files_go_out_as_they_are(self, content_type, rf):
        body = b"%PDF-1.7 " + b"0" * 5000
        middleware = CompressTextMiddleware(lambda request: HttpResponse(body, content_type))
        response = middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
        assert "Content-Encoding" not in response and response.content == body

    def test_json_is_text_and_is_gzipped(self, rf):
        body = b'{"skor": ' + b"1" * 5000 + b"}"
        middleware = CompressTextMiddleware(
            lambda request: HttpResponse(body, "application/json; charset=utf-8")
        )
        response = middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == body


def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_copies(tmp_path, settings):
    """The production storage (settings: DEBUG off): what WhiteNoise serves as immutable."""
    settings.STATIC_ROOT = tmp_path
    # Our own static folder only (the admin's files would add a minute of brotli).
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    css = [path.name for path in (tmp_path / "css").iterdir() if path.name.startswith("app.")]
    hashed = [name for name in css if re.fullmatch(r"app\.[0-9a-f]{12}\.css", name)]
    assert len(hashed) == 1
    assert {f"{hashed[0]}.gz", f"{hashed[0]}.br"} <= set(css)
    original = (tmp_path / "css" / hashed[0]).read_bytes()
    assert brotli.decompress((tmp_path / "css" / f"{hashed[0]}.br").read_bytes()) == original
    assert len((tmp_path / "css" / f"{hashed[0]}.br").read_bytes()) < len(original) / 3
