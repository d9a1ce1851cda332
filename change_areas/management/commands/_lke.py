"""Shared arguments of the lke_* commands."""

from django.core.management.base import CommandError

from change_areas.models import Cycle, Framework, Layer
from units.models import Unit


def add_common_arguments(parser) -> None:
    parser.add_argument("unit_code", help="the unit's code, e.g. BPS-9171")
    parser.add_argument("year", type=int)
    parser.add_argument("--layer", default=Layer.SELF, choices=Layer.values)
    parser.add_argument(
        "--framework", help="framework code (default: the unit's cycle, else the current one)"
    )


def find_unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"No unit with code {code!r}.")
    return unit


def find_cycle(unit: Unit, year: int, framework_code: str | None) -> Cycle | None:
    cycles = Cycle.objects.filter(unit=unit, year=year).select_related("framework", "unit")
    if framework_code:
        cycles = cycles.filter(framework__code=framework_code)
    found = list(cycles[:2])
    if len(found) > 1:
        raise CommandError(f"{unit.code} has several cycles in {year}; name one with --framework.")
    return found[0] if found else None


def find_framework(code: str | None) -> Framework:
    framework = (
        Framework.objects.with_lke().filter(code=code).first()
        if code
        else Framework.objects.current()
    )
    if framework is None:
        raise CommandError(
            f"No LKE framework {code!r}."
            if code
            else "No current LKE framework; run load_catalogs."
        )
    return framework
