"""Benchmark: scorecards and self-assessment pages with many cycles fully answered.

    .venv/bin/python benchmarks/scoring.py [--cycles 300] [--repeat 50]

Seeds CYCLES cycles (one unit each) with every LKE question answered, then
prints the time per scorecard (the pure engine, and with its database
reads), per answer save (which stores the summary in the same transaction),
and per page render of the area and overview pages; then the area page of two
cycles alike but for their unit's evidence library (1 and 500 documents, each
with four work-plan activities and their progress forms), timed interleaved,
with the page's size.
"""

from __future__ import annotations

import argparse
import random
import statistics

from benchmarks._setup import report, setup_django, timed


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=50)
    return parser.parse_args()


# The app modules need Django set up, so the script sets it up before importing them
# (and `--help` answers before the database is built).
ARGS = _arguments()
setup_django("scoring")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from change_areas import scoring, selectors, services  # noqa: E402
from change_areas.models import Answer, Cycle, Evidence, Framework, Layer  # noqa: E402
from tests.factories import (  # noqa: E402
    EvidenceFactory,
    UnitFactory,
    UserFactory,
    WorkPlanItemFactory,
)
from units.models import Role, UnitKind  # noqa: E402
from units.services import membership_grant  # noqa: E402


def main(args: argparse.Namespace) -> None:
    framework = Framework.objects.current()
    spec = selectors.catalog_spec(framework)
    rng = random.Random(7)

    def answers():
        result = {}
        for question in spec.questions:
            if question.options:
                result[question.code] = (
                    scoring.AnswerData(option=rng.choice(list(question.options))),
                    "",
                )
            elif question.inputs:
                # One count for every input of the question: a part (done, followed up)
                # may not exceed its whole, which equal counts never do.
                count = float(rng.randint(1, 20))
                typed = {i.key: count for i in question.typed_inputs}
                result[question.code] = (scoring.AnswerData(inputs=typed), "")
            else:
                result[question.code] = (
                    scoring.AnswerData(number=round(rng.uniform(2.5, 4), 2)),
                    "",
                )
        return result

    root = UnitFactory(code="BENCH", kind=UnitKind.KEMENTERIAN_LEMBAGA)
    seeding = []
    for number in range(args.cycles):
        unit = UnitFactory(code=f"B{number:05d}", parent=root)
        cycle = services.cycle_open(unit=unit, framework=framework, year=2026)
        seeding += timed(
            lambda cycle=cycle: services.answers_save_many(
                cycle=cycle, layer=Layer.SELF, answers=answers(), spec=spec
            ),
            1,
        )
    cycles = list(Cycle.objects.select_related("unit", "framework")[: args.repeat])
    print(f"{args.cycles} cycles × {len(spec.questions)} answers seeded\n")
    report("seed one cycle's 113 answers (answers_save_many)", seeding)

    data = [
        {
            code: selectors.answer_data(a)
            for code, a in selectors.layer_answers(c, Layer.SELF).items()
        }
        for c in cycles
    ]
    report(
        "scoring.score() — pure engine", timed(lambda: [scoring.score(spec, d) for d in data], 1)
    )
    per_card = [t / len(data) for t in timed(lambda: [scoring.score(spec, d) for d in data], 5)]
    report("scoring.score() per scorecard", per_card)
    cards = [scoring.score(spec, d) for d in data]
    planned = iter(cards * 3)
    report(
        "scoring.plan() — every rule of Menuju WBK",
        timed(lambda: scoring.plan(spec, next(planned), "wbk"), args.repeat),
    )
    report(
        "catalog_spec() — catalog from the database",
        timed(lambda: selectors.catalog_spec(framework), args.repeat),
    )
    it = iter(cycles * 3)
    report(
        "selectors.scorecard() — with database reads",
        timed(lambda: selectors.scorecard(next(it)), args.repeat),
    )
    question = framework.questions.get(code="A.MP.PMN.i.b")
    it = iter(cycles * 3)
    report(
        "services.answer_save() — one answer + summary",
        timed(
            lambda: services.answer_save(cycle=next(it), question=question, option="B"), args.repeat
        ),
    )

    user = UserFactory(username="bench")
    membership_grant(unit=root, user=user, role=Role.STAFF, by=None)
    client = Client()
    client.force_login(user)

    def ok(response):
        # A redirect or error page would be timed as a suspiciously fast page.
        assert response.status_code == 200, response.status_code
        return response

    it = iter(cycles * 3)
    report(
        "GET area page (Penguatan Pengawasan, 22 questions)",
        timed(
            lambda: ok(
                client.get(
                    reverse("change_areas:area", kwargs={"pk": next(it).pk, "area_code": "A.PW"})
                )
            ),
            args.repeat,
        ),
    )
    it = iter(cycles * 3)
    report(
        "GET overview page",
        timed(
            lambda: ok(
                client.get(reverse("change_areas:cycle_overview", kwargs={"pk": next(it).pk}))
            ),
            args.repeat,
        ),
    )
    it = iter(cycles * 3)
    report(
        "GET gap planner page",
        timed(
            lambda: ok(client.get(reverse("change_areas:gap_planner", kwargs={"pk": next(it).pk}))),
            args.repeat,
        ),
    )
    # Each save sends the answer's version it was opened at (the lost-update check) and
    # moves it on by one; the versions are read before the timing starts.
    versions = dict(
        Answer.objects.filter(cycle__in=cycles, question=question, layer=Layer.SELF).values_list(
            "cycle_id", "version"
        )
    )

    def save_one(cycle: Cycle):
        response = ok(
            client.post(
                reverse(
                    "change_areas:answer_save",
                    kwargs={"pk": cycle.pk, "question_code": question.code},
                ),
                {"option": "A" if versions[cycle.pk] % 2 else "C", "version": versions[cycle.pk]},
                HTTP_HX_REQUEST="true",
            )
        )
        versions[cycle.pk] += 1
        return response

    it = iter(cycles * 3)
    report(
        "POST one answer (htmx) → fragment + new score",
        timed(lambda: save_one(next(it)), args.repeat),
    )
    library_pages(client, cycles[0], cycles[1], args.repeat)


def library_pages(client: Client, small: Cycle, large: Cycle, repeat: int) -> None:
    """The area page with a library of 1 and of 500 documents (issue 18: the page's size
    and time do not depend on the library), requests interleaved so that the machine's
    load falls on both alike."""
    for cycle, size in ((small, 1), (large, 500)):
        for number in range(4):
            WorkPlanItemFactory(cycle=cycle, area_code="A.PW", title=f"Kegiatan {number}")
        first = EvidenceFactory(unit=cycle.unit, title="SK Tim Kerja ZI")
        Evidence.objects.bulk_create(
            Evidence(
                unit=cycle.unit,
                title=f"Notulen rapat evaluasi {number}",
                description="rapat bulanan",
                blob=first.blob,
                original_name="notulen.pdf",
            )
            for number in range(size - 1)
        )
    paths = {
        cycle.pk: reverse("change_areas:area", kwargs={"pk": cycle.pk, "area_code": "A.PW"})
        for cycle in (small, large)
    }

    def page(path: str) -> bytes:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        assert b"Notulen rapat" not in response.content  # the library is searched, not sent
        return response.content

    times: dict[int, list[float]] = {small.pk: [], large.pk: []}
    sizes = {pk: len(page(path)) for pk, path in paths.items()}  # templates compiled
    for _ in range(repeat):
        for pk, path in paths.items():
            times[pk] += timed(lambda path=path: page(path), 1)
    for cycle, documents in ((small, 1), (large, 500)):
        report(f"GET area page A.PW, library of {documents} (4 activities)", times[cycle.pk])
    medians = {pk: statistics.median(values) for pk, values in times.items()}
    print(
        f"area page size: {sizes[small.pk] / 1024:.1f} KB with 1 document, "
        f"{sizes[large.pk] / 1024:.1f} KB with 500; "
        f"time 500 / 1: {medians[large.pk] / medians[small.pk]:.2f}×"
    )


if __name__ == "__main__":
    main(ARGS)
