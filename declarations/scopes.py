"""How declaration URLs name the objects their views receive (see `units.access.Scope`)."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404
from django.shortcuts import get_object_or_404

from change_areas import scopes as change_area_scopes
from declarations import keys, selectors
from declarations.models import EvaluationReport, PrintJob, SigningKey, SigningKeyAssignment
from units.access import UNIT, Perm, Scope

# A declaration is seen from its organiser or any declaring unit, and managed
# by the organiser's admins; a draft only by them (`selectors.check_declaration`).
DECLARATION = Scope(
    kwarg="pk",
    name="declaration",
    load=selectors.declaration_or_404,
    check=selectors.check_declaration,
)

# The unit that organises a new declaration (or whose subtree is printed).
ORGANISER = replace(UNIT, name="organiser")


def _own_job(user, job: PrintJob, perm: Perm) -> None:
    """A print job is its creator's alone (superusers see every job); others get 404.

    The capability was asked when the job was started on a unit; a job spans
    many declarations, so here only the creator counts.
    """
    if job.created_by_id != user.pk and not user.is_superuser:
        raise Http404


PRINT_JOB = Scope(
    kwarg="job_id",
    name="job",
    load=lambda job_id: get_object_or_404(PrintJob, pk=job_id),
    check=_own_job,
)


def _key(pk) -> SigningKey:
    return get_object_or_404(SigningKey.objects.select_related("owner"), pk=pk)


# A signing key is managed by national admins (installation keys) or by the admins of its
# owner unit; anyone else gets 404 (`keys.check_key`).
SIGNING_KEY = Scope(
    kwarg="pk",
    name="key",
    load=_key,
    check=lambda user, key, perm: keys.check_key(user, key, perm),
)

# One unit's assignment of one key, under that key's address.
SIGNING_KEY_ASSIGNMENT = Scope(
    kwarg="assignment_id",
    within=("pk",),
    name="assignment",
    load=lambda assignment_id, *, pk: get_object_or_404(
        SigningKeyAssignment.objects.select_related("key__owner", "unit"),
        pk=assignment_id,
        key_id=pk,
    ),
    check=lambda user, assignment, perm: keys.check_key(user, assignment.key, perm),
)

# A cycle of change_areas, as the evaluation report pages name it.
CYCLE = change_area_scopes.CYCLE

# An evaluation report, by its id within the cycle and layer of the URL.
REPORT = Scope(
    kwarg="report_id",
    name="report",
    within=("pk", "layer"),
    load=lambda report_id, pk, layer: get_object_or_404(
        EvaluationReport.objects.select_related("cycle__unit", "issuer"),
        pk=report_id,
        cycle_id=pk,
        layer=layer,
    ),
    unit_of=lambda report: report.cycle.unit,
)
