from django.core.management.base import BaseCommand
from django.utils import translation

from units import demo as units_demo


class Command(BaseCommand):
    help = (
        "Create the demo data (idempotent: a second run changes nothing) and print the demo logins."
    )

    def handle(self, *args, **options):
        translation.activate("id")

        def log(line: str) -> None:
            self.stdout.write(line)

        # Each app seeds its own demo data, floor first.
        units_demo.seed(log=log)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s):" % units_demo.DEMO_PASSWORD))
        for line in units_demo.describe_logins():
            self.stdout.write(line)
        self.stdout.write("")
