"""Retry background jobs whose worker stopped: every minute (a timer), and as a worker starts."""

from django.core.management.base import BaseCommand

from lib import jobs


class Command(BaseCommand):
    help = (
        "Start again the background jobs (bulk prints, exports) whose worker stopped: those "
        "with no sign of life for ZI_PRINT_JOB_STALL_MINUTES, and at once those the worker "
        "named by --worker-id had taken (run it just before that worker starts again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            default="",
            help="the id the starting worker runs under (db_worker --worker-id)",
        )

    def handle(self, *args, worker_id: str = "", **options):
        retried = failed = 0
        for job, outcome in jobs.recover(worker_id):
            kind = jobs.kind_of(job).name
            if outcome == "given up":
                failed += 1
                self.stdout.write(f"{kind} job {job.pk}: given up after {job.attempts} attempts")
            else:
                retried += 1
                self.stdout.write(f"{kind} job {job.pk}: started again")
        self.stdout.write(f"Stalled jobs: {retried} retried, {failed} given up.")
