"""Delete bulk-print zips older than ZI_PRINT_JOB_KEEP_DAYS (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from declarations.printing import prune_print_jobs


class Command(BaseCommand):
    help = "Delete the zips of print jobs finished more than ZI_PRINT_JOB_KEEP_DAYS days ago."

    def handle(self, *args, **options):
        removed, freed = prune_print_jobs()
        self.stdout.write(
            f"Print job zips older than {settings.ZI_PRINT_JOB_KEEP_DAYS} days: "
            f"{removed} deleted ({filesizeformat(freed)} freed)."
        )
