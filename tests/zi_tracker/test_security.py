"""Sign-in throttling, the optional second factor, security headers, health and failure pages."""

import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, UserFactory


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


class TestThrottling:
    def test_five_failures_lock_the_name_from_that_address_and_say_so(self, db):
        UserFactory(username="budi")
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            response = sign_in(client, "budi", "salah")
            assert response.status_code == 200
            assert "kata sandi salah" in response.content.decode()
        locked = sign_in(client, "budi", "salah")
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan" in locked.content.decode()
        # Even the right password waits out the cool-off.
        assert sign_in(client, "budi", TEST_PASSWORD).status_code == 429
        assert "_auth_user_id" not in client.session

    def test_another_person_is_not_locked_out_by_someone_elses_failures(self, db):
        UserFactory(username="budi")
        UserFactory(username="sari")
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "budi", "salah")
        response = sign_in(client, "sari", TEST_PASSWORD)
        assert response.status_code == 302

    def test_signing_in_with_the_nip_works(self, db):
        UserFactory(username="dewi", nip="198507172008012003")
        response = sign_in(Client(), "198507172008012003", TEST_PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/"


class TestSecondFactor:
    def enroll(self, client: Client, user) -> TOTPDevice:
        client.post(reverse("second_factor"), {"action": "start"})
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(
            reverse("second_factor"), {"action": "confirm", "token": self.code(device)}
        )
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        return device

    @staticmethod
    def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
        """The authenticator's code now (or in a later 30-second step: a code is used once)."""
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        generator.time = time.time() + steps_ahead * device.step
        return f"{generator.token():0{device.digits}d}"

    def test_enrolled_people_must_enter_a_code_after_their_password(self, db):
        user = UserFactory(username="penilai", is_superuser=True, is_staff=True)
        enrolment = Client()
        assert sign_in(enrolment, "penilai", TEST_PASSWORD).status_code == 302
        page = enrolment.get(reverse("second_factor"))
        assert "Mulai mengaktifkan" in page.content.decode()
        device = self.enroll(enrolment, user)

        client = Client()
        assert sign_in(client, "penilai", TEST_PASSWORD).status_code == 302
        home = client.get("/")
        assert home.status_code == 302 and home["Location"].startswith(reverse("otp_verify"))
        admin = client.get("/admin/")
        assert admin["Location"].startswith(reverse("otp_verify"))
        wrong = client.post(reverse("otp_verify"), {"token": "000000", "next": "/"})
        assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode()
        device.refresh_from_db()
        device.throttle_reset()
        right = client.post(
            reverse("otp_verify"), {"token": self.code(device, steps_ahead=1), "next": "/admin/"}
        )
        assert right.status_code == 302 and right["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200

    def test_people_without_a_device_are_not_asked_for_a_code(self, db):
        UserFactory(username="staf")
        client = Client()
        sign_in(client, "staf", TEST_PASSWORD)
        assert client.get("/").status_code == 200

    def test_a_wrong_confirmation_code_turns_nothing_on(self, db, client_for):
        user = UserFactory()
        client = client_for(user)
        client.post(reverse("second_factor"), {"action": "start"})
        response = client.post(reverse("second_factor"), {"action": "confirm", "token": "12ab56"})
        assert response.status_code == 400
        assert "hanya berisi angka" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    def test_the_code_page_only_redirects_to_this_site(self, db, client_for):
        client = client_for(UserFactory())
        response = client.get(reverse("otp_verify"), {"next": "https://evil.example/"})
        assert response["Location"] == "/"


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

    def test_no_page_template_has_inline_script_or_style_attributes(self):
        templates = Path(settings.BASE_DIR, "templates")
        offenders = []
        for path in templates.rglob("*.html"):
            if "pdf" in path.parts:
                continue  # PDFs are rendered by WeasyPrint, not by a browser
            text = path.read_text()
            if 'style="' in text or (
                " on" in text
                and any(
                    f" on{event}=" in text
                    for event in ("click", "load", "change", "submit", "input")
                )
            ):
                offenders.append(str(path.relative_to(templates)))
            if "<script" in text and "<script src=" not in text:
                offenders.append(str(path.relative_to(templates)))
        assert offenders == []


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
        with mock.patch("lib.operations.default_storage.exists", side_effect=OSError("gone")):
            response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "ok", "storage": "error"}

    def test_a_lost_database_gives_a_clear_503_page_not_a_stack_trace(
        self, client_for, staff, unit
    ):
        client = client_for(staff)
        client.raise_request_exception = False
        with mock.patch(
            "units.views.Unit.ancestors", side_effect=OperationalError("connection refused")
        ):
            response = client.get(unit.get_absolute_url())
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Layanan sedang tidak tersedia" in body and "Traceback" not in body

    def test_other_errors_give_the_500_page(self, client_for, staff, unit):
        client = client_for(staff)
        client.raise_request_exception = False
        with mock.patch("units.views.Unit.ancestors", side_effect=RuntimeError("bug")):
            response = client.get(unit.get_absolute_url())
        assert response.status_code == 500
        assert "Terjadi kesalahan" in response.content.decode()


def test_check_deploy_is_clean_with_production_settings():
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "zi_tracker.settings",
            "DJANGO_SECRET_KEY": "a-production-grade-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "zi.example.go.id",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


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
