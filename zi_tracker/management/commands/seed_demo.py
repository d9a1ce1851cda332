import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from units import demo as units_demo

# Each app seeds its own demo data from `<app>/demo.py`, floor first.
DEMO_APPS = ("units", "change_areas", "service_standards", "declarations")


class Command(BaseCommand):
    help = _(
        "Buat data demo (idempoten: menjalankan lagi tidak mengubah apa pun) dan cetak akun demo."
    )

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        # Demo steps notify demo people; keep those e-mails out of the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()
        self._print_logins()

    def _seed(self) -> None:
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            module.seed(log=self.stdout.write)

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("Akun demo (kata sandi semuanya: %(password)s):")
                % {"password": units_demo.DEMO_PASSWORD}
            )
        )
        for line in units_demo.describe_logins():
            self.stdout.write(line)
        self.stdout.write(_("Buka http://127.0.0.1:8000/ dan masuk dengan salah satunya."))
        self.stdout.write("")
