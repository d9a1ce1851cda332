"""The task worker waits for the database: `manage.py db_worker` retries with backoff."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command, get_commands
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from lib.management.commands import db_worker


@pytest.fixture
def database_tasks(settings):
    """The production task backend (the suite runs tasks immediately)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_db_worker_is_our_patient_worker():
    assert get_commands()["db_worker"] == "lib"


def test_worker_waits_longer_each_time_the_database_is_away_then_carries_on(
    transactional_db, database_tasks, monkeypatch, caplog
):
    """Outside a test transaction: the worker closes the broken connection and opens a new one."""
    failures = iter([OperationalError("connection refused"), OperationalError("still down")])
    real_ready = DBTaskResult.objects.ready
    waits: list[float] = []

    def ready():
        error = next(failures, None)
        if error is not None:
            raise error
        return real_ready()

    monkeypatch.setattr(DBTaskResult.objects, "ready", ready)
    monkeypatch.setattr(db_worker.PatientWorker, "sleep", staticmethod(waits.append))

    with caplog.at_level(logging.WARNING, logger="zi_tracker.worker"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert waits == [1.0, 2.0]
    lines = [r.getMessage() for r in caplog.records if r.name == "zi_tracker.worker"]
    assert len(lines) == 2
    assert "connection refused" in lines[0] and "tries again in 1 s" in lines[0]
    assert "still down" in lines[1] and "tries again in 2 s" in lines[1]


def test_other_errors_are_not_swallowed(transactional_db, database_tasks, monkeypatch):
    def ready():
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(DBTaskResult.objects, "ready", ready)
    with pytest.raises(ValueError, match="a bug"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
