from django.core.management.base import BaseCommand, CommandError

from benchmarks import data as benchmark_data


class Command(BaseCommand):
    help = (
        "Build a national-size dataset for the dashboards' benchmark: an instansi with "
        "provincial, regency and UPT offices (10,000 units by default), one cycle a year per "
        "unit with every question answered by the unit and the TPI. Refuses to run twice; "
        "--reset rebuilds. Use a scratch database: the rows carry no history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=10_000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="Remove the benchmark units first, then rebuild."
        )

    def handle(self, *args, units, years, seed, reset, **options):
        if units < 2 or years < 1:
            raise CommandError("--units harus ≥ 2 dan --years ≥ 1.")
        if reset:
            benchmark_data.reset(log=self.stdout.write)
        elif benchmark_data.exists():
            raise CommandError(
                f"Data benchmark sudah ada (unit {benchmark_data.ROOT_CODE}). "
                "Jalankan dengan --reset untuk membangun ulang."
            )
        self.stdout.write(f"Building {units} units × {years} years …")
        counts = benchmark_data.seed(units=units, years=years, seed=seed, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                "Done: {units} units, {cycles} cycles, {answers:,} answers, "
                "{area_scores:,} area rows, {awards} awards in {seconds} s.".format(**counts)
            )
        )
