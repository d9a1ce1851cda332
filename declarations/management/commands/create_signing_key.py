"""Create a trial signing key in the database, as `make run` does on a fresh installation."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from declarations import keys
from declarations.models import SigningKey


class Command(BaseCommand):
    help = (
        "Create a self-signed trial signing key (EC P-256), stored encrypted in the database; it "
        "becomes the default key when there is none. Administrators upload the institution's "
        "certificate in the application (Kunci tanda tangan)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="create another one even when keys exist"
        )

    def handle(self, *args, force=False, **options):
        if SigningKey.objects.exists() and not force:
            self.stdout.write("Signing keys already exist; nothing created (use --force).")
            return
        key = keys.signing_key_create_trial(by=None)
        default = " (default key)" if key.is_default else ""
        self.stdout.write(self.style.SUCCESS(f"Trial signing key created{default}: {key.subject}"))
        self.stdout.write(
            "A trial key proves that a file is unchanged since this installation signed it; every "
            "document it signs says that a trial key signed it."
        )
