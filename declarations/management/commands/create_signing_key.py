"""Make a self-signed signing key (EC P-256, PKCS#12) for a trial installation."""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def build_pkcs12(*, common_name: str, organisation: str, password: bytes, days: int) -> bytes:
    """A PKCS#12 with an EC P-256 key and a self-signed certificate for document signing."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name[:64].encode("utf-8"),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password),
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


class Command(BaseCommand):
    help = (
        "Make a self-signed PAdES signing key (EC P-256, PKCS#12) for a trial installation and "
        "print the environment lines that enable it. Production uses a certificate from a CA."
    )

    def add_arguments(self, parser):
        default_dir = Path(settings.BASE_DIR) / "var" / "signing"
        parser.add_argument(
            "--out",
            default=str(default_dir / "zi-tracker-signing.p12"),
            help="where to write the PKCS#12 file (default: var/signing/zi-tracker-signing.p12)",
        )
        parser.add_argument(
            "--name",
            default="",
            help="the installation's name in the certificate (default: from ZI_PUBLIC_BASE_URL)",
        )
        parser.add_argument(
            "--organisation", default="ZI Tracker", help="organisation in the subject"
        )
        parser.add_argument(
            "--days", type=int, default=3 * 365, help="validity in days (default 1095)"
        )
        parser.add_argument(
            "--password-file",
            default="",
            help="write the password to this file (default: beside the key, <out>.password)",
        )
        parser.add_argument("--force", action="store_true", help="overwrite an existing key")

    def handle(self, *args, **options):
        out = Path(options["out"]).resolve()
        password_file = Path(options["password_file"] or f"{out}.password").resolve()
        if out.exists() and not options["force"]:
            raise CommandError(f"{out} already exists; use --force to replace it.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        host = urlsplit(settings.ZI_PUBLIC_BASE_URL).hostname or "localhost"
        common_name = options["name"] or f"ZI Tracker {host}"
        password = secrets.token_urlsafe(24)
        data = build_pkcs12(
            common_name=common_name,
            organisation=options["organisation"],
            password=password.encode("utf-8"),
            days=options["days"],
        )
        _write_private(out, data)
        _write_private(password_file, (password + "\n").encode("utf-8"))
        self.stdout.write(self.style.SUCCESS(f"Signing key written: {out} (self-signed, EC P-256)"))
        self.stdout.write(
            f"Certificate subject: C=ID, O={options['organisation']}, CN={common_name}"
        )
        self.stdout.write("Add these lines to the environment (or .env) and restart:")
        self.stdout.write(f"ZI_SIGNING_PKCS12_FILE={out}")
        self.stdout.write(f"ZI_SIGNING_PKCS12_PASSWORD_FILE={password_file}")
        self.stdout.write(
            "A self-signed key proves the file is unchanged since this installation signed it; "
            "readers' PDF software will call the signer 'unknown' unless they trust the "
            "certificate."
        )
