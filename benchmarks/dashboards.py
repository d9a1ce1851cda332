"""Benchmark: the dashboards on a national-size dataset (10,000 units × 3 years).

    .venv/bin/python benchmarks/dashboards.py [--database /tmp/zi-bench-dashboards.sqlite3]
        [--units 10000] [--years 3] [--repeat 30]

Uses the dataset `manage.py seed_benchmark` built in the given SQLite file, or
builds it there first (a few minutes). With DATABASE_URL set (PostgreSQL), it
measures that database instead and builds the dataset there when missing.
Prints, per page, the number of queries and p50/p95 server time (Django's
test client: middleware, views, templates; no network). Exports the task
worker writes (spreadsheets above ZI_EXPORT_BACKGROUND_ROWS rows, every
portfolio PDF) are timed as the worker's run of the job, not as a request.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection

from benchmarks._setup import ROOT, report, timed


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
    # The test client speaks plain HTTP; without this every page is a 301.
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    # One log line per request would bury the figures.
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault(
        "DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "zi-bench-static")
    )
    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics for the planner after bulk loads and new indexes


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=str(Path(tempfile.gettempdir()) / "zi-bench-dashboards.sqlite3")
    )
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    return parser.parse_args()


# The app modules need Django set up on the chosen database, so the script sets it up
# before importing them (and `--help` answers before anything is built).
ARGS = _arguments()
setup(ARGS.database)

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks import data as benchmark_data  # noqa: E402
from change_areas.models import Answer, Cycle, PredicateAward  # noqa: E402
from units.models import Membership, Role, Unit, User  # noqa: E402
from zi_tracker.dashboards import export_jobs  # noqa: E402
from zi_tracker.models import ExportJob, ExportKind  # noqa: E402


def main(args: argparse.Namespace) -> None:
    if not benchmark_data.exists():
        call_command("load_catalogs", verbosity=0)
        started = time.perf_counter()
        call_command("seed_benchmark", units=args.units, years=args.years)
        print(f"dataset built in {time.perf_counter() - started:.0f} s\n")

    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    province = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).first()
    leaf = Unit.objects.filter(path__startswith=province.path, numchild=0).last()
    units = Unit.objects.filter(path__startswith=root.path).count()
    print(
        f"{connection.vendor}: {units:,} units, {Cycle.objects.count():,} cycles, "
        f"{Answer.objects.count():,} answers, {PredicateAward.objects.count():,} awards"
    )
    print(f"province: {province.name} ({province.numchild} regencies)\n")

    viewer, _created = User.objects.get_or_create(username="bench-viewer")
    Membership.objects.get_or_create(user=viewer, unit=root, role=Role.VIEWER)
    reviewer, _created = User.objects.get_or_create(username="bench-tpi")
    Membership.objects.get_or_create(user=reviewer, unit=province, role=Role.TPI_REVIEWER)
    client = Client()
    client.force_login(viewer)
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    public = Client()

    pages = [
        ("root portfolio", client, reverse("dashboards:portfolio", args=[root.code])),
        (
            "root portfolio, eligible (TPI), sorted by score",
            client,
            reverse("dashboards:portfolio", args=[root.code])
            + "?eligibility=wbk_tpi&sort=tpi&order=desc",
        ),
        ("province portfolio", client, reverse("dashboards:portfolio", args=[province.code])),
        ("unit dashboard", client, reverse("dashboards:unit", args=[leaf.code])),
        ("public registry", public, reverse("dashboards:registry")),
        ("province calibration", client, reverse("dashboards:calibration", args=[province.code])),
        ("root calibration", client, reverse("dashboards:calibration", args=[root.code])),
        ("home (leadership viewer, national)", client, reverse("home")),
        ("home (TPI reviewer, province)", reviewer_client, reverse("home")),
    ]
    for label, who, url in pages:
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = who.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = timed(lambda who=who, url=url: who.get(url), args.repeat)
        report(f"{label} [{len(queries)} queries]", times)

    # Files sent within the request: spreadsheets up to ZI_EXPORT_BACKGROUND_ROWS rows.
    for label, url, repeat in [
        ("province portfolio xlsx (all rows)", reverse("dashboards:portfolio_xlsx", args=[province.code]), 5),
        ("unit dashboard PDF", reverse("dashboards:unit_pdf", args=[leaf.code]), 3),
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Disposition"], f"{url} was not sent at once"
        report(
            f"{label} [{len(response.content) // 1024} KiB]",
            timed(lambda url=url: client.get(url), repeat),
        )

    # Larger spreadsheets and every portfolio PDF are written by the task worker: what is
    # timed is the task's run itself (`export_run`: the queries, the file, its storage).
    for label, kind, unit, repeat in [
        ("root portfolio xlsx (worker task)", ExportKind.PORTFOLIO_XLSX, root, 3),
        ("province portfolio PDF (worker task)", ExportKind.PORTFOLIO_PDF, province, 3),
    ]:
        made: list[ExportJob] = []

        def run(kind=kind, unit=unit, made=made) -> None:
            job = ExportJob.objects.create(
                kind=kind, unit=unit, label="benchmark", created_by=viewer, total=0
            )
            made.append(export_jobs.export_run(job))

        times = timed(run, repeat)
        size = made[-1].size
        for job in made:
            job.file.delete(save=False)
            job.delete()
        report(f"{label} [{size // 1024} KiB]", times)


if __name__ == "__main__":
    main(ARGS)
