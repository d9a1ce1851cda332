"""Data for the load test: demo data, a 1,000-unit national tree, and one account per simulated user.

    DATABASE_URL=postgres://... python benchmarks/load/setup_data.py OUT.json [--users 50]

Each account is staff on a UPT whose cycle is open for filling, and viewer on that
UPT's province office (for the portfolio). Writes the accounts, their cycle ids
and unit codes to OUT.json for the locustfile.
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
PASSWORD = "beban-uji-2026"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--units", type=int, default=1000)
    return parser.parse_args()


# The app modules need Django set up, so the script sets it up before importing them
# (and `--help` answers without touching the database).
ARGS = _arguments()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
django.setup()

from benchmarks import data as benchmark_data  # noqa: E402
from change_areas.models import Cycle, Stage  # noqa: E402
from units.models import Membership, Role, Unit, User  # noqa: E402


def main(args: argparse.Namespace) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    call_command("seed_demo", verbosity=0)
    if not benchmark_data.exists():
        call_command("seed_benchmark", units=args.units, years=1, verbosity=0)
    year = timezone.localdate().year
    today = timezone.localdate()
    cycles = list(
        Cycle.objects.filter(
            unit__code__startswith=f"{benchmark_data.ROOT_CODE}-", unit__kind="upt", year=year
        )
        .select_related("unit")
        .order_by("unit__path")[: args.users]
    )
    if len(cycles) < args.users:
        raise SystemExit(f"only {len(cycles)} benchmark cycles for {year}; build more units")
    # Open them for filling so the simulated people can save answers.
    Cycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        stage=Stage.PENILAIAN_MANDIRI,
        fill_opens=today - datetime.timedelta(days=30),
        fill_closes=today + datetime.timedelta(days=30),
    )
    accounts = []
    for number, cycle in enumerate(cycles):
        username = f"beban{number:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=f"Pengguna Uji Beban {number}")
            user.set_password(PASSWORD)
            user.save()
        province = Unit.objects.get(path=cycle.unit.path[: 2 * Unit.steplen])
        for unit, role in ((cycle.unit, Role.STAFF), (province, Role.VIEWER)):
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
        accounts.append(
            {
                "username": username,
                "password": PASSWORD,
                "cycle": cycle.pk,
                "unit": cycle.unit.code,
                "province": province.code,
            }
        )
    args.out.write_text(json.dumps(accounts, indent=1))
    print(f"{len(accounts)} accounts written to {args.out}")


if __name__ == "__main__":
    main(ARGS)
