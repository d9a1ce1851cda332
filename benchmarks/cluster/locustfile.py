"""The cluster rehearsal's load: the main journeys, each save written down as the client saw it.

Run by benchmarks/cluster/rehearsal.py against nginx on 127.0.0.1 only. Accounts come from
setup_data.py (ZI_CLUSTER_ACCOUNTS). Every save, upload and print is appended to a ledger
(ZI_CLUSTER_LEDGER, JSON lines) with what the server answered, so that verify.py can
compare what the clients were told was saved with what the database and the bucket hold.

- `UnitPerson`: signs in, opens home, saves answers on the area page (htmx; saved only when
  the fragment says "Tersimpan."), uploads evidence (a unique PDF each time; saved only when
  the library lists it after the redirect), downloads an earlier upload and checks its
  SHA-256, opens the unit dashboard and the province portfolio.
- `PrintingAdmin`: a unit administrator who prints the unit's declarations as one zip (more
  than the threshold, so the job goes to a task worker) every 10-20 s.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["ZI_CLUSTER_ACCOUNTS"]).read_text())
LEDGER = Path(os.environ["ZI_CLUSTER_LEDGER"])
_people = itertools.cycle(ACCOUNTS["people"])
_printers = itertools.cycle(ACCOUNTS["printers"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTIONS = ["A.MP.PMN.i.b", "A.MP.PMN.ii.b", "A.MP.PMN.ii.c", "A.MP.PMN.iv.b", "A.MP.PMN.iv.c"]
SAVED = 'class="notice success" role="status"'


def write(kind: str, **entry) -> None:
    """One line of the ledger (locust's users are greenlets: one write at a time)."""
    with LEDGER.open("a", encoding="utf-8") as ledger:
        ledger.write(json.dumps({"kind": kind, "t": time.time(), **entry}) + "\n")


@events.request.add_listener
def record_failure(request_type, name, response_time, exception, **kwargs) -> None:
    """Every request the client saw fail, with when it began and ended (for the fault timeline)."""
    if exception is not None:
        write(
            "failure", method=request_type, name=name, error=repr(exception)[:300], ms=response_time
        )


def evidence_pdf() -> bytes:
    """A unique PDF of 50-250 KB: a real header (the server checks content, not names)."""
    body = os.urandom(random.randint(50_000, 250_000)).hex().encode()[:250_000]
    return b"%PDF-1.4\n%" + uuid.uuid4().hex.encode() + b"\n" + body + b"\n%%EOF\n"


class SignedIn(HttpUser):
    abstract = True
    account: dict

    def sign_in(self) -> None:
        page = self.client.get("/masuk/", name="login page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/masuk/",
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/masuk/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login failed: {response.status_code}")

    def token_from(self, path: str, name: str) -> str | None:
        page = self.client.get(path, name=name)
        found = CSRF.search(page.text) if page.status_code == 200 else None
        return found.group(1) if found else None


class UnitPerson(SignedIn):
    weight = 15
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.account = next(_people)
        self.uploads: list[tuple[int, str]] = []  # (evidence id, sha256) the server confirmed
        self.sign_in()

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(5)
    def answer_a_question(self) -> None:
        cycle = self.account["cycle"]
        area = f"/siklus/{cycle}/area/A.MP/"
        page = self.client.get(area, name="area page")
        token = CSRF.search(page.text) if page.status_code == 200 else None
        if token is None:
            return
        code = random.choice(QUESTIONS)
        block = page.text.split(f'id="q-{code.replace(".", "-")}"', 1)[-1]
        version = re.search(r'name="version" value="(\d+)"', block)
        option, note = random.choice(["A", "B", "C"]), f"klaster {uuid.uuid4().hex}"
        entry = {"cycle": cycle, "question": code, "option": option, "note": note}
        with self.client.post(
            f"/siklus/{cycle}/jawab/{code}/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "option": option,
                "note": note,
                "version": version.group(1) if version else "0",
            },
            headers={"HX-Request": "true", "Referer": self.host + area},
            name="save answer (htmx)",
            catch_response=True,
        ) as response:
            # A refused connection or a 502 arrives here too (status 0 or 5xx): not saved.
            saved = response.status_code == 200 and SAVED in (response.text or "")
            if not saved:
                response.failure(f"save not confirmed: {response.status_code}")
            write("answer", saved=saved, status=response.status_code, **entry)

    @task(2)
    def upload_evidence(self) -> None:
        library = f"/unit/{self.account['unit']}/bukti/"
        token = self.token_from(library, "evidence library")
        if token is None:
            return
        content = evidence_pdf()
        sha256 = hashlib.sha256(content).hexdigest()
        title = f"Bukti klaster {uuid.uuid4().hex}"
        entry = {"unit": self.account["unit"], "title": title, "sha256": sha256}
        with self.client.post(
            library,
            {"csrfmiddlewaretoken": token, "title": title, "document_type": "laporan"},
            files={"file": ("laporan.pdf", content, "application/pdf")},
            headers={"Referer": self.host + library},
            name="upload evidence",
            catch_response=True,
        ) as response:
            # Saved when the redirect leads back to the library and it lists the new document.
            found = re.search(
                r'href="/bukti/(\d+)/unduh/">' + re.escape(title) + "<", response.text or ""
            )
            saved = response.status_code == 200 and bool(response.history) and found is not None
            if saved:
                self.uploads.append((int(found.group(1)), sha256))
            else:
                response.failure(f"upload not confirmed: {response.status_code}")
            write("upload", saved=saved, status=response.status_code, size=len(content), **entry)

    @task(1)
    def download_evidence(self) -> None:
        if not self.uploads:
            return
        pk, sha256 = random.choice(self.uploads)
        with self.client.get(
            f"/bukti/{pk}/unduh/", name="download evidence", catch_response=True
        ) as response:
            same = (
                response.status_code == 200
                and hashlib.sha256(response.content).hexdigest() == sha256
            )
            if not same:
                response.failure(f"download differs: {response.status_code}")
            write("download", evidence=pk, same=same, status=response.status_code)

    @task(2)
    def unit_dashboard(self) -> None:
        self.client.get(f"/unit/{self.account['unit']}/dasbor/", name="unit dashboard")

    @task(1)
    def portfolio(self) -> None:
        self.client.get(f"/unit/{self.account['province']}/portofolio/", name="province portfolio")


class PrintingAdmin(SignedIn):
    fixed_count = len(ACCOUNTS["printers"])
    wait_time = between(10, 20)

    def on_start(self) -> None:
        self.account = next(_printers)
        self.sign_in()

    @task
    def print_all_declarations(self) -> None:
        unit = self.account["unit"]
        listing = f"/deklarasi/?unit={unit}"
        token = self.token_from(listing, "declarations list")
        if token is None:
            return
        with self.client.post(
            f"/deklarasi/unit/{unit}/cetak/",
            {"csrfmiddlewaretoken": token},
            headers={"Referer": self.host + listing},
            name="bulk print",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            job = re.search(
                r"/deklarasi/cetak/([0-9a-f-]{36})/", response.headers.get("Location", "")
            )
            if response.status_code != 302 or job is None:
                response.failure(f"print not started: {response.status_code}")
            write(
                "print",
                started=job is not None,
                job=job.group(1) if job else None,
                status=response.status_code,
            )
        if job is not None:
            self.client.get(f"/deklarasi/cetak/{job.group(1)}/", name="print job page")
