"""Write the PDFs of issued, valid declarations to a folder, one file each."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from declarations import bundles, services, signing
from declarations.models import Declaration, DeclarationStatus
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Write the PDF of every final (or signed) declaration — of one unit's subtree with "
        "--unit, else of all units — into OUTDIR, and print each path with its SHA-256. "
        "With --sign, final declarations not yet signed are signed first (needs a signing key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="folder to write into (created if missing)")
        parser.add_argument("--unit", help="code of a unit: its declarations and those below it")
        parser.add_argument(
            "--sign", action="store_true", help="sign final declarations that are not signed yet"
        )

    def handle(self, *args, outdir, unit=None, sign=False, **options):
        queryset = Declaration.objects.valid().select_related("unit").order_by("event_date", "pk")
        if unit:
            root = Unit.objects.filter(code=unit).first()
            if root is None:
                raise CommandError(f"Unit {unit!r} does not exist.")
            queryset = queryset.in_subtree_of(root)
        if sign:
            status = signing.key_status(root if unit else None)
            if not status.usable:
                raise CommandError(status.message)
        folder = Path(outdir)
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for declaration in queryset:
            if sign and declaration.status == DeclarationStatus.FINAL:
                declaration = services.declaration_sign(declaration=declaration, by=None)
            name, content = bundles.issued_file(declaration)
            path = folder / name
            path.write_bytes(content)
            count += 1
            self.stdout.write(f"{path}\t{hashlib.sha256(content).hexdigest()}")
        self.stderr.write(f"{count} PDF written to {folder}.")
