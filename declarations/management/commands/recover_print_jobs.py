"""Retry print jobs whose worker stopped: every minute (a timer), and as a worker starts."""

from django.core.management.base import BaseCommand

from declarations.printing import jobs_left_by, print_job_retry, stalled_jobs


class Command(BaseCommand):
    help = (
        "Start again the print jobs whose worker stopped: those with no sign of life for "
        "ZI_PRINT_JOB_STALL_MINUTES, and at once those the worker named by --worker-id had "
        "taken (run it just before that worker starts again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            default="",
            help="the id the starting worker runs under (db_worker --worker-id)",
        )

    def handle(self, *args, worker_id: str = "", **options):
        retried = failed = 0
        left = jobs_left_by(worker_id) if worker_id else []
        for job, left_by_worker in [
            *((job, True) for job in left),
            *((job, False) for job in stalled_jobs() if job not in left),
        ]:
            try:
                job = print_job_retry(job, left_by_worker=left_by_worker)
            except ValueError:  # started again meanwhile (by the person, or another sweep)
                continue
            if job.status == "failed":
                failed += 1
                self.stdout.write(f"{job.pk}: given up after {job.attempts} attempts")
            else:
                retried += 1
                self.stdout.write(f"{job.pk}: started again")
        self.stdout.write(f"Stalled print jobs: {retried} retried, {failed} given up.")
