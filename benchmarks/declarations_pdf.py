"""How long one declaration PDF takes: rendered (WeasyPrint), signed (pyHanko PAdES), both.

Run:  .venv/bin/python benchmarks/declarations_pdf.py [--runs 15]

Builds a throwaway SQLite database in a temporary folder, a joint statement
of readiness of five units with six witnesses (two A4 pages), and a
self-signed EC P-256 key, then prints the median (and min/max) milliseconds
per PDF over N runs. The target is under 300 ms for a two-page document,
unsigned and signed, on the development machine (2 cores).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django
from django.core.management import call_command
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent


def timed(function, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<38} median {statistics.median(samples):7.1f} ms"
        f"   min {min(samples):7.1f}   max {max(samples):7.1f}   (n={len(samples)})"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    return parser.parse_args()


def setup(workdir: Path) -> None:
    """Django on a fresh SQLite database in `workdir`, catalogs loaded."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "zi_tracker.settings",
            "DJANGO_SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            # Debug static storage: {% static %} without a collectstatic manifest.
            "DJANGO_DEBUG": "true",
        }
    )
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0, stdout=io.StringIO())


# The app modules need Django set up, so the script sets it up before importing them
# (and `--help` answers before the database is built).
ARGS = _arguments()
WORKDIR = Path(tempfile.mkdtemp(prefix="zi-bench-"))
setup(WORKDIR)

from change_areas.models import Framework  # noqa: E402
from declarations import documents, keys, services, signing  # noqa: E402
from declarations.models import Declaration, DeclarationKind, Witness  # noqa: E402
from declarations.selectors import with_participants  # noqa: E402
from units import services as unit_services  # noqa: E402
from units.models import UnitKind  # noqa: E402


def main(args: argparse.Namespace, workdir: Path) -> None:
    keys.signing_key_create_trial(by=None)

    regency = unit_services.unit_create(
        parent=None,
        code="POLMAN",
        name="Pemerintah Kabupaten Polewali Mandar",
        kind=UnitKind.PEMERINTAH_DAERAH,
        address="Jl. Manunggal No. 11, Pekkabata, Polewali",
    )
    opds = [
        unit_services.unit_create(
            parent=regency,
            code=f"POLMAN-{n}",
            name=f"Dinas Nomor {n} Kabupaten Polewali Mandar",
            kind=UnitKind.OPD,
            head_name=f"Kepala Dinas {n}, S.H., M.H.",
            head_nip="197808082005011007",
            head_position=f"Kepala Dinas Nomor {n}",
        )
        for n in range(1, 6)
    ]
    declaration = services.declaration_create(
        unit=regency,
        units=opds,
        by=None,
        kind=DeclarationKind.PERNYATAAN_KESIAPAN,
        framework=Framework.objects.get(code="permenpan-rb-52-2014"),
        event_date=datetime.date(2018, 4, 25),
        venue="Ruang Pola Kantor Bupati",
        city="Polewali",
    )
    services.participants_save(
        declaration=declaration,
        by=None,
        save=[
            Witness(
                name=f"Saksi {n}, S.Sos.",
                position="Kepala Perwakilan",
                institution="Ombudsman RI",
                order=n,
            )
            for n in range(6)
        ],
    )
    declaration = with_participants(Declaration.objects.filter(pk=declaration.pk)).get()
    snapshot = documents.build_snapshot(declaration)

    first = documents.render(declaration, draft=False, snapshot=snapshot).content
    pages = len(PdfReader(io.BytesIO(first)).pages)
    print(
        f"Declaration PDF: {pages} A4 pages, {len(first) / 1024:.0f} KiB; "
        f"5 declarants, 6 witnesses; {args.runs} runs after one warm-up"
    )

    def render():
        return documents.render(declaration, draft=False, snapshot=snapshot).content

    def sign():
        return signing.sign_pdf(
            first, unit=regency, reason="Benchmark", location="Polewali"
        ).content

    def render_and_sign():
        return signing.sign_pdf(
            render(), unit=regency, reason="Benchmark", location="Polewali"
        ).content

    sign()  # warm-up: loads the key
    report("unsigned (render)", timed(render, args.runs))
    report("signing alone (PAdES, EC P-256)", timed(sign, args.runs))
    report("signed (render + sign)", timed(render_and_sign, args.runs))


if __name__ == "__main__":
    main(ARGS, WORKDIR)
