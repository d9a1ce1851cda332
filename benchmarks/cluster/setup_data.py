"""Data for the cluster rehearsal: a national tree, people to drive it, declarations to print.

    python benchmarks/cluster/setup_data.py OUT.json --users 30 --printers 2

Run by benchmarks/cluster/rehearsal.py with the cluster's environment (PostgreSQL, the
bucket), after migrate and load_catalogs. Writes the accounts to OUT.json:

- `people`: staff of a UPT whose cycle is open for filling (answers, evidence,
  dashboards), each also a viewer of the UPT's province (the portfolio);
- `printers`: administrators of a regency office with PRINT_DECLARATIONS draft
  declarations each, more than ZI_DECLARATIONS_PRINT_THRESHOLD, so a print goes to a worker;
- `probe`: the accounts the shared-state checks use (a coordinator, and one whose sign-ins fail).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

import django
from django.core.management import call_command
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "klaster-uji-2026"
PRINT_DECLARATIONS = 8


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--printers", type=int, default=2)
    parser.add_argument("--units", type=int, default=300)
    return parser.parse_args()


# The app modules need Django set up first (and `--help` answers without a database).
ARGS = _arguments()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
django.setup()

from benchmarks import data as benchmark_data  # noqa: E402
from change_areas.models import Cycle, Framework, Stage  # noqa: E402
from declarations import services as declaration_services  # noqa: E402
from declarations.models import DeclarationKind  # noqa: E402
from units.models import Membership, Role, Unit, UnitKind, User  # noqa: E402


def person(username: str, full_name: str, roles: list[tuple[Unit, str]]) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name)
        user.set_password(PASSWORD)
        user.save()
    for unit, role in roles:
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def main(args: argparse.Namespace) -> None:
    if not benchmark_data.exists():
        call_command("seed_benchmark", units=args.units, years=1, verbosity=0)
    year = timezone.localdate().year
    today = timezone.localdate()
    cycles = list(
        Cycle.objects.filter(
            unit__code__startswith=f"{benchmark_data.ROOT_CODE}-", unit__kind="upt", year=year
        )
        .select_related("unit")
        .order_by("unit__path")[: args.users + 1]
    )
    if len(cycles) < args.users + 1:
        raise SystemExit(f"only {len(cycles)} UPT cycles for {year}; build more units")
    Cycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        stage=Stage.PENILAIAN_MANDIRI,
        fill_opens=today - datetime.timedelta(days=30),
        fill_closes=today + datetime.timedelta(days=30),
    )
    people = []
    for number, cycle in enumerate(cycles[: args.users]):
        province = Unit.objects.get(path=cycle.unit.path[: 2 * Unit.steplen])
        username = f"klaster{number:03d}"
        person(
            username,
            f"Pengguna Klaster {number}",
            [(cycle.unit, Role.STAFF), (province, Role.VIEWER)],
        )
        people.append(
            {
                "username": username,
                "password": PASSWORD,
                "cycle": cycle.pk,
                "unit": cycle.unit.code,
                "province": province.code,
            }
        )

    framework = Framework.objects.current()
    regencies = list(
        Unit.objects.filter(
            code__startswith=f"{benchmark_data.ROOT_CODE}-", kind=UnitKind.SATKER
        ).order_by("path")[: args.printers]
    )
    printers = []
    for number, regency in enumerate(regencies):
        Unit.objects.filter(pk=regency.pk).update(
            head_name=f"Kepala Kantor {number + 1}",
            head_nip="198002142003122002",
            head_position=f"Kepala {regency.name}",
        )
        regency.refresh_from_db()
        missing = PRINT_DECLARATIONS - regency.organised_declarations.count()
        for index in range(max(0, missing)):
            declaration_services.declaration_create(
                unit=regency,
                by=None,
                kind=DeclarationKind.PIAGAM,
                framework=framework,
                title=f"Piagam Pencanangan Zona Integritas {index + 1}",
                event_date=datetime.date(year, 1, 10 + index),
                event_time=datetime.time(9, 0),
                venue="Aula Kantor",
                city=regency.regency or "Jakarta",
            )
        username = f"klaster-cetak{number}"
        person(username, f"Admin Cetak {number}", [(regency, Role.UNIT_ADMIN)])
        printers.append({"username": username, "password": PASSWORD, "unit": regency.code})

    probe_cycle = cycles[args.users]
    person("klaster-koordinator", "Koordinator Uji", [(probe_cycle.unit, Role.COORDINATOR)])
    person("klaster-kunci", "Akun Uji Kunci", [(probe_cycle.unit, Role.VIEWER)])
    probe = {
        "coordinator": "klaster-koordinator",
        "locked": "klaster-kunci",
        "password": PASSWORD,
        "cycle": probe_cycle.pk,
    }
    args.out.write_text(
        json.dumps({"people": people, "printers": printers, "probe": probe}, indent=1)
    )
    print(f"{len(people)} people, {len(printers)} printers written to {args.out}")


if __name__ == "__main__":
    main(ARGS)
