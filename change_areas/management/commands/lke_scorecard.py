import json

from django.core.management.base import BaseCommand, CommandError

from change_areas import selectors
from change_areas.management.commands._lke import add_common_arguments, find_cycle, find_unit


class Command(BaseCommand):
    help = "Print a cycle's scorecard for one layer (with --json: one JSON object)."

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )

    def handle(self, *args, unit_code, year, layer, framework, as_json, **options):
        unit = find_unit(unit_code)
        cycle = find_cycle(unit, year, framework)
        if cycle is None:
            raise CommandError(f"{unit.code} has no cycle in {year}.")
        data = selectors.scorecard_json(cycle, layer)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{unit.name} — {year} — {layer}: total {data['total']:.2f}, "
            f"completeness {data['completeness']:.0%}"
        )
        for code, value in data["areas"].items():
            self.stdout.write(f"  {code:<8} {value:6.2f}")
        for predicate, result in data["eligibility"].items():
            state = "eligible" if result["eligible"] else "not eligible"
            self.stdout.write(f"  {predicate.upper()}: {state}")
            for failure in result["failed"]:
                self.stdout.write(f"    - {failure['message']}")
