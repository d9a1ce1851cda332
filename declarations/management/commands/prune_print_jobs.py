"""The former name of `prune_jobs`, kept for timers and scripts that still call it."""

from lib.management.commands.prune_jobs import Command as PruneJobs


class Command(PruneJobs):
    help = f"Same as prune_jobs (every kind of background job). {PruneJobs.help}"
