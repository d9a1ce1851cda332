"""`manage.py db_worker`: django-tasks-db's worker, waiting for the database instead of exiting.

django-tasks-db's worker stops with a traceback when PostgreSQL goes away (a
restart, a failover, a network blip), and its jobs wait until systemd or a
person starts it again. This one logs one line, waits — 1, 2, 4 … up to 60
seconds between tries — and carries on when the database answers again.
Everything else (options, signals, batch mode) is the library's.

It replaces the library's command of the same name because the `lib` app is
listed before `django_tasks_db` in INSTALLED_APPS (Django takes a command from
the first app that has it).
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from lib.operations import freeze_loaded_objects

logger = logging.getLogger("zi_tracker.worker")

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


class PatientWorker(db_worker.Worker):
    """The library's worker loop, restarted with backoff when the database connection fails."""

    sleep = staticmethod(time.sleep)

    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > LONGEST_WAIT:
                    wait = FIRST_WAIT  # it ran fine for a while: a new outage
                detail = str(error).strip().splitlines()
                logger.warning(
                    "database unavailable (%s); worker %s tries again in %.0f s",
                    detail[0] if detail else type(error).__name__,
                    self.worker_id,
                    wait,
                )
                for connection in connections.all(initialized_only=True):
                    connection.close_if_unusable_or_obsolete()
                close_old_connections()
                self.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
                self.startup_delay = False
        return None


class Command(db_worker.Command):
    help = db_worker.Command.help + " (waits for the database when it goes away)"

    def handle(self, *args, **options):
        # The library's handle() builds `Worker(...)` from its module; lend it ours for the
        # duration rather than copy the option handling (reload, batch, signals) here.
        original = db_worker.Worker
        db_worker.Worker = PatientWorker
        freeze_loaded_objects()  # it builds PDFs: lib.operations says why
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
