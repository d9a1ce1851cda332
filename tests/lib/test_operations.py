"""The ground floor's operations endpoints: the health check, and the error pages that
need no database."""

import socket
from unittest import mock

from django.db import OperationalError
from django.test import Client

from tests.s3 import storage_settings


class TestHealthAndFailures:
    def test_health_check_reports_database_and_storage(self, db):
        response = Client().get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}

    def test_health_check_says_503_when_the_database_is_unreachable(self, db):
        with mock.patch("lib.operations.connection.cursor", side_effect=OperationalError("down")):
            response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "error"

    def test_health_check_says_503_when_the_storage_fails(self, db):
        with mock.patch("lib.operations.default_storage.listdir", side_effect=OSError("gone")):
            response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "ok", "storage": "error"}

    def test_a_lost_database_gives_a_clear_503_page_not_a_stack_trace(
        self, client_for, staff, unit
    ):
        client = client_for(staff)
        client.raise_request_exception = False
        with mock.patch(
            "units.views.units.Unit.ancestors", side_effect=OperationalError("connection refused")
        ):
            response = client.get(unit.get_absolute_url())
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Layanan sedang tidak tersedia" in body and "Traceback" not in body

    def test_other_errors_give_the_500_page(self, client_for, staff, unit):
        client = client_for(staff)
        client.raise_request_exception = False
        with mock.patch("units.views.units.Unit.ancestors", side_effect=RuntimeError("bug")):
            response = client.get(unit.get_absolute_url())
        assert response.status_code == 500
        assert "Terjadi kesalahan" in response.content.decode()


class TestHealthWithABucket:
    """The same check against a real S3-compatible server (moto)."""

    def test_the_bucket_answering_is_healthy(self, db, s3):
        response = Client().get("/healthz")
        assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}

    def test_a_missing_bucket_is_a_503(self, db, s3, settings):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": storage_settings(s3.server.endpoint, "zi-no-such-bucket"),
        }
        response = Client().get("/healthz")
        assert response.status_code == 503 and response.json()["storage"] == "error"

    def test_an_unreachable_storage_server_is_a_503(self, db, settings):
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
        settings.STORAGES = {**settings.STORAGES, "default": storage_settings(endpoint, "zi")}
        response = Client().get("/healthz")
        assert response.status_code == 503 and response.json()["storage"] == "error"
