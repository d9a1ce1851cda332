"""How the roof's URLs name the objects their views receive (see `units.access.Scope`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from units import access
from units.access import Perm, Scope
from zi_tracker.models import ExportJob


def _creator_or_viewer(user, job: ExportJob, perm: Perm) -> None:
    """An export is its creator's and readable by whoever may `perm` on its unit (the root of
    the subtree it exports); anyone else gets 404, as for the unit's own pages."""
    if job.created_by_id == user.pk:
        return
    access.check(user, job.unit, perm)


EXPORT_JOB = Scope(
    kwarg="job_id",
    name="job",
    load=lambda job_id: get_object_or_404(ExportJob.objects.select_related("unit"), pk=job_id),
    check=_creator_or_viewer,
)
