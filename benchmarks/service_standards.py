"""Speed figures for service_standards (prints them; asserts nothing).

    .venv/bin/python benchmarks/service_standards.py [--units 300]

Runs on a throwaway test database (SQLite in memory unless DATABASE_URL says
otherwise): seeds the demo, adds `--units` units with two published services
each, then times the public pages, the PDFs and an SKM import of 20,000
respondents.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment


def timed(function, repeat: int = 10) -> tuple[float, object]:
    durations, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations) * 1000, result


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    return parser.parse_args()


def setup() -> None:
    """Django with the test settings on a throwaway test database, catalogs loaded."""
    # The factories and helpers below live in the test suite, beside this folder.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    call_command("load_catalogs", verbosity=0)


# The app modules need Django set up, so the script sets it up before importing them
# (and `--help` answers before the database is built).
ARGS = _arguments()
setup()

from service_standards import demo, documents, respondent_files, services, skm  # noqa: E402
from service_standards.models import Maklumat, Service, StandardVersion  # noqa: E402
from tests.factories import ServiceFactory, StandardVersionFactory, UnitFactory  # noqa: E402
from tests.service_standards.helpers import respondent_dataset  # noqa: E402
from units import demo as units_demo  # noqa: E402


def main(args: argparse.Namespace) -> None:
    units_demo.seed(log=lambda line: None)
    start = time.perf_counter()
    demo.seed(log=lambda line: None)
    print(f"seed (service_standards demo)      {1000 * (time.perf_counter() - start):8.1f} ms")

    parent = UnitFactory(code="BENCH", name="Induk benchmark")
    start = time.perf_counter()
    for number in range(args.units):
        unit = UnitFactory(parent=parent, code=f"B{number:05d}", name=f"Unit {number}")
        for service_number in range(2):
            service = ServiceFactory(unit=unit, name=f"Layanan {service_number}")
            StandardVersionFactory(service=service, published=True)
    print(f"setup: {args.units} units × 2 published services  {time.perf_counter() - start:6.1f} s")

    client = Client()

    def page(url):
        def get():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(queries)

        return get

    for label, url in [
        ("public unit page /layanan/BPS-9171/", "/layanan/BPS-9171/"),
        ("public service page", "/layanan/BPS-9171/perpustakaan/"),
        (f"public index page 1 ({args.units + 2} units)", "/layanan/"),
        ("public index search", "/layanan/?q=Unit%201"),
    ]:
        ms, queries = timed(page(url))
        print(f"{label:<40} {ms:8.1f} ms  {queries} queries")

    version = (
        StandardVersion.objects.published()
        .select_related("service__unit")
        .get(service__unit__code="BPS-9171", service__slug="rekomendasi-kegiatan-statistik")
    )
    ms, rendered = timed(lambda: documents.standard_pdf(version), repeat=5)
    print(f"{'standard PDF (A4, 14 components)':<40} {ms:8.1f} ms  {len(rendered.content)} bytes")
    maklumat = Maklumat.objects.select_related("unit").get(unit__code="BPS-9171", status="signed")
    ms, rendered = timed(lambda: documents.maklumat_pdf(maklumat), repeat=5)
    print(f"{'maklumat PDF (A4)':<40} {ms:8.1f} ms  {len(rendered.content)} bytes")
    ms, rendered = timed(lambda: documents.maklumat_poster(maklumat), repeat=5)
    print(f"{'maklumat poster (A3, QR)':<40} {ms:8.1f} ms  {len(rendered.content)} bytes")

    rng = random.Random(1)
    rows = [tuple(rng.choice((2, 3, 3, 4, 4)) for _ in range(9)) for _ in range(20_000)]
    content = respondent_dataset(rows).export("xlsx")
    ms, parsed = timed(lambda: respondent_files.parse_file(content, file_name="r.xlsx"), repeat=3)
    print(f"{'parse 20,000-respondent xlsx':<40} {ms:8.1f} ms")
    ms, result = timed(lambda: skm.compute(row.values for row in parsed.rows), repeat=3)
    print(
        f"{'compute IKM of 20,000 respondents':<40} {ms:8.1f} ms  IKM {result.ikm} {result.grade}"
    )
    survey = services.survey_create(
        unit=Service.objects.get(unit__code="BPS-9171", slug="perpustakaan").unit,
        by=None,
        year=2024,
        period_kind="year",
        period_number=1,
    )
    start = time.perf_counter()
    services.survey_replace_respondents(survey=survey, by=None, rows=parsed.rows)
    print(
        f"{'store 20,000 respondents + result':<40} {1000 * (time.perf_counter() - start):8.1f} ms"
    )


if __name__ == "__main__":
    main(ARGS)
