"""How long one declaration PDF takes: rendered (WeasyPrint), signed (pyHanko PAdES), both;
and the same for a Laporan Hasil Evaluasi (LHE).

Run:  .venv/bin/python benchmarks/declarations_pdf.py [--runs 30]

Builds a throwaway SQLite database in a temporary folder (or uses DATABASE_URL,
a scratch PostgreSQL database: migrated and flushed here), a joint statement of
readiness of five units with six witnesses (two A4 pages), a self-signed EC
P-256 key and the TPI's LHE of a fully answered cycle, then prints p50, p95 and
max milliseconds per PDF over N runs after one warm-up, in wall-clock time and
in this process's CPU time (which a busy machine inflates far less). Each
render reads what it prints from the database, as the finalise service and
the draft download do. Target (issue 18): a signed declaration at p95 <= 200 ms.
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


def timed(function, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds per call: CPU time says what the work costs on a busy machine."""
    samples = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        samples.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return samples


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, samples: list[tuple[float, float]]) -> None:
    wall = sorted(sample[0] for sample in samples)
    cpu = sorted(sample[1] for sample in samples)
    print(
        f"{label:<36} p50 {statistics.median(wall):6.1f} ms  p95 {_p95(wall):6.1f} ms"
        f"  max {wall[-1]:6.1f}   CPU p50 {statistics.median(cpu):6.1f}  p95 {_p95(cpu):6.1f}"
        f"   (n={len(wall)})"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    return parser.parse_args()


def setup(workdir: Path) -> None:
    """Django on a fresh SQLite database in `workdir`, catalogs loaded."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "zi_tracker.settings",
            "DJANGO_SECRET_KEY": "benchmark-only",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            # Debug static storage: {% static %} without a collectstatic manifest.
            "DJANGO_DEBUG": "true",
        }
    )
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a scratch DATABASE_URL, run again
    call_command("load_catalogs", verbosity=0, stdout=io.StringIO())


# The app modules need Django set up, so the script sets it up before importing them
# (and `--help` answers before the database is built).
ARGS = _arguments()
WORKDIR = Path(tempfile.mkdtemp(prefix="zi-bench-"))
setup(WORKDIR)

from change_areas.models import Framework, Layer  # noqa: E402
from declarations import documents, keys, reports, services, signing  # noqa: E402
from declarations.models import Declaration, DeclarationKind, EvaluationReport, Witness  # noqa: E402
from declarations.selectors import with_participants  # noqa: E402
from lib.operations import freeze_loaded_objects  # noqa: E402
from tests.factories import CycleFactory  # noqa: E402
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

    def sign(content: bytes) -> bytes:
        return signing.sign_pdf(
            content, unit=regency, reason="Benchmark", location="Polewali"
        ).content

    def draft():
        return documents.render(declaration, draft=True).content

    def final():
        return documents.render(declaration, draft=False, snapshot=snapshot).content

    first = final()
    pages = len(PdfReader(io.BytesIO(first)).pages)
    print(
        f"Declaration: {pages} A4 pages, {len(first) / 1024:.0f} KiB; "
        f"5 declarants, 6 witnesses; {args.runs} runs after one warm-up"
    )
    sign(first)  # warm-up: loads the key
    freeze_loaded_objects()  # as each app server and the worker do once loaded (lib.operations)
    report("declaration, draft (render)", timed(draft, args.runs))
    report("declaration, final (render)", timed(final, args.runs))
    report("signing alone (PAdES, EC P-256)", timed(lambda: sign(first), args.runs))
    report("declaration, signed (render + sign)", timed(lambda: sign(final()), args.runs))

    cycle = CycleFactory(unit=opds[0], filled=True)
    lhe = EvaluationReport(
        cycle=cycle,
        layer=Layer.TPI,
        number="LHE-01/IU/TPI/2026",
        issued_on=datetime.date(2026, 6, 2),
        place="Polewali",
        issuer=regency,
        issuer_name=regency.name,
        addressee="Kepala Dinas Nomor 1",
        signer_name="Bambang Hartono, Ak., M.Ak.",
        signer_nip="197602282000121001",
        signer_position="Ketua Tim Penilai Internal",
        snapshot=reports.build_snapshot(cycle, Layer.TPI),
    )

    def lhe_render():
        return reports.render(lhe, electronic=True).content

    content = lhe_render()
    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(
        f"TPI's LHE of a fully answered cycle, no answer changed by the TPI: {pages} A4 pages, "
        f"{len(content) / 1024:.0f} KiB"
    )
    report("LHE (render)", timed(lhe_render, args.runs))
    report("LHE, signed (render + sign)", timed(lambda: sign(lhe_render()), args.runs))


if __name__ == "__main__":
    main(ARGS, WORKDIR)
