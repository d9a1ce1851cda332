from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from change_areas.catalog import (
    CatalogError,
    catalog_files,
    load_catalog,
    load_order,
    read_catalog,
)


class Command(BaseCommand):
    help = _(
        "Memuat katalog regulasi (YAML) ke basis data. Idempoten: pemuatan kedua tidak mengubah "
        "apa pun dan mengatakannya; berkas yang berubah memperbarui katalognya di tempat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help=_("berkas katalog yang dimuat (bawaan: semua berkas di ZI_CATALOG_DIR)"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("tulis ulang setiap baris dari berkas, menimpa suntingan di admin"),
        )
        parser.add_argument(
            "--check", action="store_true", help=_("hanya baca dan periksa berkas; tidak menulis")
        )

    def handle(self, *args, files, force, check, **options):
        paths = files or catalog_files(Path(settings.ZI_CATALOG_DIR))
        if not paths:
            raise CommandError(
                _("tidak ada berkas katalog di %(directory)s")
                % {"directory": settings.ZI_CATALOG_DIR}
            )
        catalogs = []
        problems = []
        for path in paths:
            try:
                catalogs.append(read_catalog(path))
            except (CatalogError, OSError) as error:
                problems.append(str(error))
        if problems:
            raise CommandError(
                "\n".join([_("Berkas katalog bermasalah; tidak ada yang dimuat:"), *problems])
            )
        if check:
            for catalog in catalogs:
                self.stdout.write(
                    _("%(code)s v%(version)s: baik")
                    % {"code": catalog.code, "version": catalog.version}
                )
            return
        try:
            with transaction.atomic():  # all files or none
                results = [load_catalog(catalog, force=force) for catalog in load_order(catalogs)]
        except CatalogError as error:
            raise CommandError(
                "\n".join([_("Berkas katalog bermasalah; tidak ada yang dimuat:"), str(error)])
            ) from None
        changed = False
        for result in results:
            changed |= result.changed
            style = self.style.SUCCESS if result.changed else (lambda text: text)
            self.stdout.write(style(result.summary()))
        if not changed:
            self.stdout.write(_("Katalog sudah mutakhir; tidak ada yang berubah."))
