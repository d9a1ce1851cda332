"""Retry print jobs whose worker stopped (run every few minutes, or when the worker starts)."""

from django.core.management.base import BaseCommand

from declarations.printing import print_job_retry, stalled_jobs


class Command(BaseCommand):
    help = (
        "Find print jobs with no sign of life for ZI_PRINT_JOB_STALL_MINUTES and start them again."
    )

    def handle(self, *args, **options):
        retried = failed = 0
        for job in stalled_jobs():
            job = print_job_retry(job)
            if job.status == "failed":
                failed += 1
                self.stdout.write(f"{job.pk}: given up after {job.attempts} attempts")
            else:
                retried += 1
                self.stdout.write(f"{job.pk}: started again")
        self.stdout.write(f"Stalled print jobs: {retried} retried, {failed} given up.")
