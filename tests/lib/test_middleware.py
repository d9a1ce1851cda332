"""The ground floor's middleware: the content security policy on every page (inline
styles for the admin only), and one structured log line per request."""

import pytest
from django.test import Client


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
