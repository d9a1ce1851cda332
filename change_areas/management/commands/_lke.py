"""Shared arguments of the lke_* commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from change_areas.models import Cycle, Framework, Layer
from units.models import Unit


def add_common_arguments(parser) -> None:
    parser.add_argument("unit_code", help=_("kode unit, misalnya BPS-9171"))
    parser.add_argument("year", type=int, help=_("tahun siklus"))
    parser.add_argument(
        "--layer",
        default=Layer.SELF,
        choices=Layer.values,
        help=_("lapis: self (unit), pre, tpi atau tpn"),
    )
    parser.add_argument(
        "--framework",
        help=_("kode versi LKE (bawaan: siklus unit itu, selain itu versi yang berlaku)"),
    )


def find_unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(_("Tidak ada unit dengan kode %(code)r.") % {"code": code})
    return unit


def find_cycle(unit: Unit, year: int, framework_code: str | None) -> Cycle | None:
    cycles = Cycle.objects.filter(unit=unit, year=year).select_related("framework", "unit")
    if framework_code:
        cycles = cycles.filter(framework__code=framework_code)
    found = list(cycles[:2])
    if len(found) > 1:
        raise CommandError(
            _("%(unit)s memiliki beberapa siklus pada %(year)s; sebut satu dengan --framework.")
            % {"unit": unit.code, "year": year}
        )
    return found[0] if found else None


def find_framework(code: str | None) -> Framework:
    framework = (
        Framework.objects.with_lke().filter(code=code).first()
        if code
        else Framework.objects.current()
    )
    if framework is None:
        raise CommandError(
            _("Tidak ada versi LKE %(code)r.") % {"code": code}
            if code
            else _("Belum ada versi LKE yang berlaku; jalankan load_catalogs.")
        )
    return framework
