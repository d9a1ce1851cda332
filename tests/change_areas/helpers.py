"""What the change_areas tests share: the questions they name, steps of the review workflow
taken the way people take them, and reading what the app stored, sent or answered."""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas import scoring, services, tallies
from change_areas.models import (
    Answer,
    Area,
    Cycle,
    Framework,
    Layer,
    Notification,
    Prerequisite,
    PrerequisiteSource,
    Question,
)
from tests.factories import REVISION_REASON, EvidenceFactory, QuestionReviewFactory

A = scoring.AnswerData
HTMX = {"HX-Request": "true"}
RETURNED = "A.MP.PMN.i.a"  # Ya/Tidak, indicator A.MP.PMN.i (weight 0.5, two questions)
REASON = REVISION_REASON
QUESTION_COUNT = 113  # 110 scored pengungkit questions and 3 hasil items
TPI_NOTE = "SK tim tidak ditemukan"
DECREE = "B/1234/M.RB.06/2026"
DECREE_DATE = datetime.date(2026, 10, 1)


def question(code: str) -> Question:
    return Question.objects.get(framework=Framework.objects.current(), code=code)


def fresh(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_related("unit", "framework").get(pk=cycle.pk)


def force_stage(cycle: Cycle, stage: str) -> Cycle:
    """Put a cycle in a stage without the workflow (for checks that only need the stage)."""
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    tallies.follow(fresh(cycle))
    return fresh(cycle)


def answer_of(cycle: Cycle, code: str, layer: str) -> Answer:
    return Answer.objects.get(cycle=cycle, question__code=code, layer=layer)


# --------------------------------------------------------------------------
# Steps of the review workflow


def area_codes(cycle: Cycle) -> list[str]:
    return list(
        Area.objects.filter(
            framework=cycle.framework, is_active=True, component__isnull=False
        ).values_list("code", flat=True)
    )


def accept_all(cycle: Cycle, layer: str, by) -> int:
    return services.review_accept_open(
        cycle=cycle, layer=layer, area_codes=area_codes(cycle), by=by
    )


def mark(cycle: Cycle, code: str, by, *, layer: str = Layer.TPI, reason: str = REASON):
    """Mark the question perlu perbaikan with `reason`."""
    return QuestionReviewFactory(cycle=cycle, code=code, layer=layer, reason=reason, by=by)


def return_for_revision(cycle: Cycle, by, codes=(RETURNED,), layer: str = Layer.TPI) -> Cycle:
    """Accept everything, mark `codes` perlu perbaikan and send them back to the unit."""
    accept_all(cycle, layer, by)
    for code in codes:
        mark(cycle, code, by, layer=layer)
    services.cycle_return(cycle=cycle, layer=layer, by=by)
    return fresh(cycle)


def meet_prerequisites(cycle: Cycle) -> None:
    """Record every manual prerequisite at its best (and one year of building)."""
    for prerequisite in Prerequisite.objects.filter(
        framework=cycle.framework, is_active=True
    ).exclude(source=PrerequisiteSource.REVOCATION_FREE_YEARS):
        value = {
            "grade": str((prerequisite.grades or [""])[0]),
            "boolean": "ya",
            "percent": "100",
            "years": "1",
        }[prerequisite.value_type]
        services.prerequisite_record_save(
            cycle=cycle, prerequisite=prerequisite, value=value, by=None
        )


def sptjm_of(unit):
    return EvidenceFactory(unit=unit, file_name="sptjm.pdf", title=f"SPTJM {unit.code}")


def propose(cycle: Cycle, *, instansi, sptjm, by, year: int = 2026):
    return services.proposal_create(
        instansi=instansi,
        year=year,
        letter_number="B/45/KL/2026",
        letter_date=datetime.date(2026, 5, 20),
        sptjm=sptjm,
        cycles=[cycle],
        by=by,
    )


# --------------------------------------------------------------------------
# What the app answered, stored or sent


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def notified(cycle: Cycle | None, verb: str) -> set[str]:
    return set(
        Notification.objects.filter(cycle=cycle, verb=verb).values_list("user__username", flat=True)
    )


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def run(command: str, *args) -> str:
    """What a management command prints."""
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# --------------------------------------------------------------------------
# The unit's pages


def save_url(cycle: Cycle, code: str) -> str:
    return reverse("change_areas:answer_save", kwargs={"pk": cycle.pk, "question_code": code})


def area_url(cycle: Cycle, area_code: str = "A.MP") -> str:
    return reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": area_code})


# --------------------------------------------------------------------------
# The review pages


def url(name: str, cycle: Cycle) -> str:
    """The page `change_areas:<name>` of the cycle."""
    return reverse(f"change_areas:{name}", kwargs={"pk": cycle.pk})


def review_url(cycle: Cycle, area_code: str = "A.MP", layer: str = Layer.TPI) -> str:
    return reverse(
        "change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": area_code}
    )


def review_save_url(cycle: Cycle, code: str = RETURNED, layer: str = Layer.TPI) -> str:
    return reverse(
        "change_areas:review_answer_save",
        kwargs={"pk": cycle.pk, "layer": layer, "question_code": code},
    )


def mark_url(cycle: Cycle, code: str = RETURNED) -> str:
    return reverse(
        "change_areas:review_mark", kwargs={"pk": cycle.pk, "layer": "tpi", "question_code": code}
    )


def comment_url(cycle: Cycle, code: str = RETURNED) -> str:
    return reverse("change_areas:comment_add", kwargs={"pk": cycle.pk, "question_code": code})


def count_queries(client, path: str) -> int:
    """Queries of a GET once the session is settled (a reviewer's first request stores
    the session's sign-in state, which later requests do not)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)
