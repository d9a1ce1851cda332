import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from change_areas import selectors
from change_areas.management.commands._lke import add_common_arguments, find_cycle, find_unit
from change_areas.models import Layer, Predicate
from lib.rounding import shown
from lib.templatetags.zi import score


class Command(BaseCommand):
    help = _("Cetak kartu nilai siklus untuk satu lapis (dengan --json: satu objek JSON).")

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("cetak satu objek JSON")
        )

    def handle(self, *args, unit_code, year, layer, framework, as_json, **options):
        unit = find_unit(unit_code)
        cycle = find_cycle(unit, year, framework)
        if cycle is None:
            raise CommandError(
                _("%(unit)s tidak memiliki siklus pada %(year)s.")
                % {"unit": unit.code, "year": year}
            )
        data = selectors.scorecard_json(cycle, layer)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "%(unit)s — %(year)s — %(layer)s (%(framework)s): nilai total %(total)s, kelengkapan %(completeness)s%%"
            )
            % {
                "unit": unit.name,
                "year": year,
                "layer": Layer(layer).label,
                "framework": cycle.framework,
                "total": score(data["total"]),
                "completeness": score(shown(data["completeness"] * 100), 0),
            }
        )
        for code, value in data["areas"].items():
            self.stdout.write(f"  {code:<8} {score(value):>6}")
        for predicate, result in data["eligibility"].items():
            state = (
                _("memenuhi nilai ambang")
                if result["eligible"]
                else _("belum memenuhi nilai ambang")
            )
            self.stdout.write(f"  {Predicate(predicate).label}: {state}")
            for failure in result["failed"]:
                self.stdout.write(f"    - {failure['message']}")
