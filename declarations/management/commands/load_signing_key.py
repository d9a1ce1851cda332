"""Store a PKCS#12 file as a signing key, as the page Kunci tanda tangan does: for
installations that kept their key in a file before keys lived in the database."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from declarations import keys, signing


class Command(BaseCommand):
    help = (
        "Store a PKCS#12 (.p12/.pfx) signing key in the database, encrypted; with --default it "
        "becomes the installation's default key. The same as uploading it on the page "
        "Kunci tanda tangan."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the PKCS#12 file")
        parser.add_argument(
            "--password-file", default="", help="a file holding the password (first line)"
        )
        parser.add_argument("--name", default="", help="the key's name (default: its CN)")
        parser.add_argument(
            "--default", action="store_true", help="make it the installation's default key"
        )

    def handle(self, *args, path, password_file="", name="", default=False, **options):
        try:
            data = Path(path).read_bytes()
            password = (
                Path(password_file).read_text(encoding="utf-8").splitlines()[0]
                if password_file
                else ""
            )
        except (OSError, IndexError) as error:
            raise CommandError(f"Cannot read the key or its password: {error}") from None
        try:
            key = keys.signing_key_upload(
                name=name, pkcs12=data, passphrase=password, owner=None, by=None
            )
        except (ValidationError, signing.SigningError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        if default:
            keys.signing_key_make_default(key=key, by=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Signing key stored: {key.subject} (valid until {key.not_after:%Y-%m-%d})"
            )
            + (" — the default key." if default else ".")
        )
