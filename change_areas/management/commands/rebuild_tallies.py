"""Recompute the dashboards' kept sums (`change_areas.tallies`) from the cycles themselves.

The services keep the tallies current in the transaction that changes a cycle, so this
is for what bypassed them: rows written straight into the database, a restore of the
database from a backup taken while tallies were being written, or a check that the kept
sums still equal a rebuild (they should: `--check` changes nothing and says whether).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from change_areas import tallies


class Command(BaseCommand):
    help = _("Hitung ulang ringkasan dasbor dan kalibrasi dari siklus, jawaban dan nilai area.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("hanya periksa apakah ringkasan yang tersimpan sama dengan hitungan ulang"),
        )

    def handle(self, *args, check=False, **options):
        if not check:
            counts = tallies.rebuild(log=self.stdout.write)
            self.stdout.write(
                _(
                    "Ringkasan dihitung ulang: %(cycles)d siklus, %(branches)d ringkasan unit, "
                    "%(calibration)d baris kalibrasi."
                )
                % counts
            )
            return
        if not tallies.matches_a_rebuild():
            raise CommandError(
                _("Ringkasan yang tersimpan berbeda dari hitungan ulang; jalankan tanpa --check.")
            )
        self.stdout.write(_("Ringkasan yang tersimpan sama dengan hitungan ulang."))
