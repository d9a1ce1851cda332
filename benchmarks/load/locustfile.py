"""The load scenario: people signing in, opening home, answering an area of the LKE,
and opening their unit dashboard and their province's portfolio.

Run by benchmarks/load_test.sh against gunicorn on 127.0.0.1 only. Accounts come
from the JSON written by setup_data.py (ZI_LOAD_ACCOUNTS).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["ZI_LOAD_ACCOUNTS"]).read_text())
_next_account = itertools.cycle(ACCOUNTS)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTIONS = ["A.MP.PMN.i.b", "A.MP.PMN.ii.b", "A.MP.PMN.ii.c", "A.MP.PMN.iv.b", "A.MP.PMN.iv.c"]


class UnitPerson(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.account = next(_next_account)
        page = self.client.get("/masuk/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/masuk/",
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/masuk/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A refused sign-in re-renders the form with 200; only a redirect is success.
            if response.status_code != 302:
                response.failure(f"login failed: {response.status_code}")

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(4)
    def answer_a_question(self) -> None:
        cycle = self.account["cycle"]
        page = self.client.get(f"/siklus/{cycle}/area/A.MP/", name="area page")
        token = CSRF.search(page.text)
        if token is None:
            return
        code = random.choice(QUESTIONS)
        anchor = "q-" + code.replace(".", "-")
        block = page.text.split(f'id="{anchor}"', 1)[-1]
        version = re.search(r'name="version" value="(\d+)"', block)
        with self.client.post(
            f"/siklus/{cycle}/jawab/{code}/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "option": random.choice(["A", "B", "C"]),
                "note": "uji beban",
                "version": version.group(1) if version else "0",
            },
            headers={"HX-Request": "true", "Referer": self.host + f"/siklus/{cycle}/area/A.MP/"},
            name="save answer (htmx)",
            catch_response=True,
        ) as response:
            # The fragment carries the saved answer's new score; anything else is a failure.
            if response.status_code != 200 or "area-summary" not in response.text:
                response.failure(f"save failed: {response.status_code}")

    @task(2)
    def unit_dashboard(self) -> None:
        self.client.get(f"/unit/{self.account['unit']}/dasbor/", name="unit dashboard")

    @task(1)
    def portfolio(self) -> None:
        self.client.get(f"/unit/{self.account['province']}/portofolio/", name="province portfolio")
