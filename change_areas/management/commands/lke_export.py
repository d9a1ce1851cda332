from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from change_areas import lke
from change_areas.management.commands._lke import add_common_arguments, find_cycle, find_unit


class Command(BaseCommand):
    help = "Write a cycle's LKE answers (one layer) to an .xlsx or .csv file: columns code, answer, note."

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("file", type=Path, help="FILE.xlsx or FILE.csv")

    def handle(self, *args, unit_code, year, layer, framework, file, **options):
        unit = find_unit(unit_code)
        cycle = find_cycle(unit, year, framework)
        if cycle is None:
            raise CommandError(f"{unit.code} has no cycle in {year}.")
        suffix = file.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("The file must end in .xlsx or .csv.")
        dataset = lke.export_dataset(cycle, layer)
        if suffix == ".xlsx":
            file.write_bytes(dataset.export("xlsx"))
        else:
            file.write_text(dataset.export("csv"), encoding="utf-8")
        self.stdout.write(f"Wrote {len(dataset)} rows of {unit.code} {year} ({layer}) to {file}")
