"""Benchmark: scorecards and self-assessment pages with many cycles fully answered.

    .venv/bin/python benchmarks/scoring.py [--cycles 300] [--repeat 50]

Seeds CYCLES cycles (one unit each) with every LKE question answered, then
prints the time per scorecard (the pure engine, and with its database
reads), per answer save (which stores the summary in the same transaction),
and per page render of the area and overview pages.
"""

from __future__ import annotations

import argparse
import random

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
from change_areas.models import Cycle, Framework, Layer  # noqa: E402
from tests.factories import UnitFactory, UserFactory  # noqa: E402
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
                typed = {i.key: float(rng.randint(1, 20)) for i in question.typed_inputs}
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
    it = iter(cycles * 3)
    report(
        "POST one answer (htmx) → fragment + new score",
        timed(
            lambda: ok(
                client.post(
                    reverse(
                        "change_areas:answer_save",
                        kwargs={"pk": next(it).pk, "question_code": "A.MP.PMN.i.b"},
                    ),
                    {"option": "A"},
                    HTTP_HX_REQUEST="true",
                )
            ),
            args.repeat,
        ),
    )


if __name__ == "__main__":
    main(ARGS)
