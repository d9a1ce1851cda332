"""Shared start-up for benchmark scripts: Django on a throwaway database.

By default a fresh SQLite file under /tmp; set DATABASE_URL to measure on
PostgreSQL (the database is flushed first, so point it at a scratch one).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def setup_django(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
    # The test client speaks plain HTTP; without this every page is a 301.
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    # One log line per request would bury the figures.
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / f"zi-bench-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault(
        "DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "zi-bench-static")
    )
    # Documents a benchmark uploads stay out of the project folder.
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "zi-bench-media"))
    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_catalogs", verbosity=0)


def timed(function, repeat: int) -> list[float]:
    """Milliseconds per call, `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<48} n={len(times):<5} p50={statistics.median(times):8.2f} ms"
        f"  p95={p95:8.2f} ms  max={times[-1]:8.2f} ms"
    )
