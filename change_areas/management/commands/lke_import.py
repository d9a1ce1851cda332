from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from change_areas import lke, services
from change_areas.management.commands._lke import (
    add_common_arguments,
    find_cycle,
    find_framework,
    find_unit,
)
from lib.imports import ImportFileError, read_dataset


class Command(BaseCommand):
    help = _(
        "Baca jawaban LKE sebuah siklus (satu lapis) dari berkas .xlsx atau .csv, semua atau "
        "tidak sama sekali. Membuka siklus (target Menuju WBK) bila unit belum memilikinya."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("file", type=Path, help=_("BERKAS.xlsx atau BERKAS.csv"))

    def handle(self, *args, unit_code, year, layer, framework, file, **options):
        unit = find_unit(unit_code)
        try:
            dataset = read_dataset(file.read_bytes(), file_name=file.name)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from None
        cycle = find_cycle(unit, year, framework)
        opened = False
        if cycle is None:
            cycle = services.cycle_open(unit=unit, framework=find_framework(framework), year=year)
            opened = True
        try:
            written = lke.import_dataset(cycle, layer, dataset)
        except lke.LkeImportError as error:
            if opened:
                cycle.delete()
            raise CommandError(
                "\n".join([_("Berkas memuat kesalahan; tidak ada yang diimpor:"), *error.errors])
            ) from None
        if opened:
            self.stdout.write(
                _("Siklus %(unit)s %(year)s (%(framework)s) dibuka.")
                % {"unit": unit.code, "year": year, "framework": cycle.framework.code}
            )
        self.stdout.write(
            _("%(count)d jawaban yang berubah diimpor ke %(unit)s %(year)s (%(layer)s).")
            % {"count": written, "unit": unit.code, "year": year, "layer": layer}
        )
