from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from change_areas import lke, services
from change_areas.management.commands._lke import (
    add_common_arguments,
    find_cycle,
    find_framework,
    find_unit,
)
from lib.imports import ImportFileError, read_dataset


class Command(BaseCommand):
    help = (
        "Read a cycle's LKE answers (one layer) from an .xlsx or .csv file, all or nothing. "
        "Opens a cycle (target Menuju WBK) when the unit has none for that year."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("file", type=Path, help="FILE.xlsx or FILE.csv")

    def handle(self, *args, unit_code, year, layer, framework, file, **options):
        unit = find_unit(unit_code)
        try:
            dataset = read_dataset(file.read_bytes(), file_name=file.name)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from None
        try:
            with transaction.atomic():  # a cycle opened for a refused file is not left behind
                cycle = find_cycle(unit, year, framework)
                opened = cycle is None
                if opened:
                    cycle = services.cycle_open(
                        unit=unit, framework=find_framework(framework), year=year
                    )
                written = lke.import_dataset(cycle, layer, dataset)
        except lke.LkeImportError as error:
            raise CommandError(
                "The file has errors; nothing was imported:\n" + "\n".join(error.errors)
            ) from None
        if opened:
            self.stdout.write(f"Opened cycle {unit.code} {year} ({cycle.framework.code}).")
        self.stdout.write(f"Imported {written} changed answers into {unit.code} {year} ({layer}).")
