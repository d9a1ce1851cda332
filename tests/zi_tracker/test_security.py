"""Sign-in throttling, the optional second factor, templates that the content security
policy lets run, and the production settings' deploy check."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
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
        # found by the fuzz run: a bare word was taken for a view name (NoReverseMatch, a 500)
        response = client.get(reverse("otp_verify"), {"next": "a\x00b"})
        assert response["Location"] == "/"


def test_no_page_template_has_inline_script_or_style_attributes():
    templates = Path(settings.BASE_DIR, "templates")
    offenders = []
    for path in templates.rglob("*.html"):
        if "pdf" in path.parts:
            continue  # PDFs are rendered by WeasyPrint, not by a browser
        text = path.read_text()
        if 'style="' in text or (
            " on" in text
            and any(
                f" on{event}=" in text for event in ("click", "load", "change", "submit", "input")
            )
        ):
            offenders.append(str(path.relative_to(templates)))
        if "<script" in text and "<script src=" not in text:
            offenders.append(str(path.relative_to(templates)))
    assert offenders == []


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
