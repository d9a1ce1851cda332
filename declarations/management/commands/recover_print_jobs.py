"""The former name of `recover_jobs`, kept for timers and scripts that still call it."""

from lib.management.commands.recover_jobs import Command as RecoverJobs


class Command(RecoverJobs):
    help = f"Same as recover_jobs (every kind of background job). {RecoverJobs.help}"
