from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from change_areas import lke
from change_areas.management.commands._lke import add_common_arguments, find_cycle, find_unit


class Command(BaseCommand):
    help = _(
        "Tulis jawaban LKE sebuah siklus (satu lapis) ke berkas .xlsx atau .csv: kolom code, "
        "answer, note."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("file", type=Path, help=_("BERKAS.xlsx atau BERKAS.csv"))

    def handle(self, *args, unit_code, year, layer, framework, file, **options):
        unit = find_unit(unit_code)
        cycle = find_cycle(unit, year, framework)
        if cycle is None:
            raise CommandError(
                _("%(unit)s tidak memiliki siklus pada %(year)s.")
                % {"unit": unit.code, "year": year}
            )
        suffix = file.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(_("Nama berkas harus berakhiran .xlsx atau .csv."))
        dataset = lke.export_dataset(cycle, layer)
        if suffix == ".xlsx":
            file.write_bytes(dataset.export("xlsx"))
        else:
            file.write_text(dataset.export("csv"), encoding="utf-8")
        self.stdout.write(
            _("%(count)d baris %(unit)s %(year)s (%(layer)s) ditulis ke %(file)s")
            % {"count": len(dataset), "unit": unit.code, "year": year, "layer": layer, "file": file}
        )
