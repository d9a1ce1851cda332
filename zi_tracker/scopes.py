"""How the roof's URLs name the objects their views receive (see `units.access.Scope`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from units import access
from units.access import Perm, Scope
from zi_tracker.models import ExportJob


def _viewer_of_the_unit(user, job: ExportJob, perm: Perm) -> None:
    """An export is readable by whoever may `perm` on its unit (the root of the subtree it
    exports), as the unit's own pages are: its creator too, but only while they may; anyone
    else gets 404. A person who left the unit takes none of its figures along."""
    access.check(user, job.unit, perm)


EXPORT_JOB = Scope(
    kwarg="job_id",
    name="job",
    load=lambda job_id: get_object_or_404(ExportJob.objects.select_related("unit"), pk=job_id),
    check=_viewer_of_the_unit,
)
