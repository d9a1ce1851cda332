"""Delete the files of finished background jobs past their keeping period (run daily)."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from lib import jobs


class Command(BaseCommand):
    help = (
        "Delete the files of background jobs (print-job zips, exports) finished longer ago "
        "than their keeping period (ZI_PRINT_JOB_KEEP_DAYS, ZI_EXPORT_JOB_KEEP_DAYS)."
    )

    def handle(self, *args, **options):
        for kind in jobs.KINDS:
            removed, freed = jobs.prune(kind.model)
            self.stdout.write(
                f"{kind.name} job files older than {kind.model.keep_days()} days: "
                f"{removed} deleted ({filesizeformat(freed)} freed)."
            )
