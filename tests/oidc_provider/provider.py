"""Start the test OpenID Connect provider as a second process on a free local port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "zi-tracker"
CLIENT_SECRET = "rahasia-klien-uji-0123456789"


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp_dir: Path, *, redirect_uri: str, people: dict[str, dict]) -> RunningProvider:
    """Migrate a fresh provider database, register our client and its people, and serve it."""
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_TEST_DB": str(tmp_dir / "provider.sqlite3"),
        "OIDC_TEST_RSA_KEY": pem,
        "OIDC_TEST_ISSUER": issuer,
        "OIDC_TEST_CLAIMS": json.dumps(people),
        "PYTHONPATH": str(ROOT),
    }
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    setup = f"""
from django.contrib.auth.models import User
from oauth2_provider.models import Application
for username in {list(people)!r}:
    User.objects.create_user(username, password="sandi-instansi-123")
Application.objects.create(
    name="ZI Tracker", client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r},
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris={redirect_uri!r}, algorithm="RS256", skip_authorization=True,
)
"""
    subprocess.run([*django, "shell", "-c", setup], env=env, cwd=ROOT, check=True)
    process = subprocess.Popen(
        [*django, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    provider = RunningProvider(issuer, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                return provider
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                provider.stop()
                raise RuntimeError("the test OpenID Connect provider did not start") from None
            time.sleep(0.2)
