"""Each app server and the task worker put what they loaded out of the cyclic garbage
collector's sight (lib.operations.freeze_loaded_objects): a PDF's layout no longer pays for
full collections walking the whole process."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django_tasks_db.management.commands import db_worker as library

from lib.management.commands import db_worker


def frozen_after(code: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport gc; print(gc.get_freeze_count())"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": "test",
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_the_app_server_freezes_what_it_loaded():
    assert frozen_after("import zi_tracker.wsgi") > 10_000


def test_nothing_is_frozen_before_the_app_is_loaded():
    assert frozen_after("import django") == 0


def test_the_task_worker_freezes_before_it_works(monkeypatch):
    calls = []
    monkeypatch.setattr(db_worker, "freeze_loaded_objects", lambda: calls.append("frozen"))
    monkeypatch.setattr(
        library.Command, "handle", lambda self, *args, **options: calls.append("ran")
    )
    db_worker.Command().handle()
    assert calls == ["frozen", "ran"]
