from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from change_areas.catalog import CatalogError, catalog_files, load_catalog, read_catalog


class Command(BaseCommand):
    help = (
        "Load the regulation catalogs (YAML) into the database. Idempotent: a second run "
        "changes nothing and says so; a changed file updates its catalog in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="catalog files to load (default: every file in ZI_CATALOG_DIR)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="write every row from the files again, overwriting edits made in the admin",
        )
        parser.add_argument(
            "--check", action="store_true", help="only read and check the files; write nothing"
        )

    def handle(self, *args, files, force, check, **options):
        paths = files or catalog_files(Path(settings.ZI_CATALOG_DIR))
        if not paths:
            raise CommandError(f"no catalog files in {settings.ZI_CATALOG_DIR}")
        catalogs = []
        problems = []
        for path in paths:
            try:
                catalogs.append(read_catalog(path))
            except (CatalogError, OSError) as error:
                problems.append(str(error))
        if problems:
            raise CommandError(
                "\n".join(["Catalog files have problems; nothing was loaded:", *problems])
            )
        if check:
            for catalog in catalogs:
                self.stdout.write(f"{catalog.code} v{catalog.version}: ok")
            return
        changed = False
        for catalog in catalogs:
            result = load_catalog(catalog, force=force)
            changed |= result.changed
            style = self.style.SUCCESS if result.changed else (lambda text: text)
            self.stdout.write(style(result.summary()))
        if not changed:
            self.stdout.write("Catalogs are up to date; nothing changed.")
