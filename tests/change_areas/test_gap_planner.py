"""The gap planner plans toward every failing rule of a predicate, not only the total, and
agrees with the eligibility check: on 100 random answer sets it names the same failing
rules, and raising its questions to their best meets every rule it says it meets — as
the engine itself scores the result."""

from __future__ import annotations

import random
import re

import pytest
from django.core.management import call_command

from change_areas import scoring, selectors
from change_areas.models import Framework
from tests.change_areas.helpers import url
from tests.factories import CycleFactory, best_answers

A = scoring.AnswerData


@pytest.fixture(scope="module")
def spec(django_db_setup, django_db_blocker) -> scoring.CatalogSpec:
    """The current catalog as the engine reads it, read once for the module (loaded again
    first if a transactional test flushed it, as the `catalogs` fixture does)."""
    with django_db_blocker.unblock():
        if not Framework.objects.exists():
            call_command("load_catalogs", verbosity=0)
        return selectors.catalog_spec(Framework.objects.current())


def random_answer(question: scoring.QuestionSpec, rng: random.Random, quality: float):
    """One random answer: often the best, sometimes a lesser one, now and then none."""
    if rng.random() < 0.05:
        return None
    if question.options:
        keys = sorted(question.options, key=question.options.get, reverse=True)
        return A(option=keys[0] if rng.random() < quality else rng.choice(keys))
    if question.answer_type == "nilai_0_4":
        return A(number=4 if rng.random() < quality else round(rng.uniform(2, 4), 2))
    if question.answer_type == "persentase":
        return A(number=100 if rng.random() < quality else round(rng.uniform(40, 100), 1))
    inputs = {spec_input.key: rng.randint(1, 20) for spec_input in question.typed_inputs}
    return A(inputs=inputs)


def answer_set(spec: scoring.CatalogSpec, seed: int) -> dict[str, scoring.AnswerData]:
    rng = random.Random(seed)
    quality = rng.uniform(0.3, 1.0)
    answers = {}
    for question in spec.questions:
        answer = random_answer(question, rng, quality)
        if answer is not None:
            answers[question.code] = answer
    return answers


def failures(result: scoring.Eligibility) -> list[tuple[str, str, str]]:
    return [(f.rule, f.target, f.message) for f in result.failed]


@pytest.mark.parametrize("seed", range(100))
def test_the_plan_and_the_eligibility_check_agree(spec, seed):
    answers = answer_set(spec, seed)
    held = {"wbk"} if seed % 3 == 0 else set()
    card = scoring.score(spec, answers, held_predicates=held)
    best = best_answers(spec)

    for predicate in ("wbk", "wbbm"):
        plan = scoring.plan(spec, card, predicate, held_predicates=held)
        eligibility = card.eligibility[predicate]

        # The same failing rules as the eligibility panel, in the same words.
        assert failures(scoring.Eligibility(predicate, False, plan.failed)) == failures(eligibility)
        assert plan.eligible_now == eligibility.eligible
        if eligibility.eligible:
            assert plan.steps == [] and plan.reaches
            continue
        # Every step moves a failing rule; none is a question already at its best.
        assert all(step.rules and step.points > 0 for step in plan.steps)
        assert len({step.question for step in plan.steps}) == len(plan.steps)

        # Raise the planned questions to their best and let the engine judge.
        improved = {**answers, **{step.question: best[step.question] for step in plan.steps}}
        after = scoring.score(spec, improved, held_predicates=held).eligibility[predicate]
        assert after.eligible == plan.reaches
        assert [(f.rule, f.target) for f in after.failed] == [
            (f.rule, f.target) for f in plan.remaining
        ]
        assert all(f.shortfall is None or f.shortfall <= scoring.EPSILON for f in plan.remaining)


def test_a_total_met_with_an_area_failing_is_not_called_done(spec):
    """The page's old promise ("the total reaches the target") was false when an area failed."""
    answers = best_answers(spec)
    for question in spec.questions:  # Penataan Tatalaksana at its worst, the rest at best
        if question.code.startswith("A.TL.") and question.options:
            answers[question.code] = A(option=min(question.options, key=question.options.get))
    card = scoring.score(spec, answers)
    assert card.total >= 75

    plan = scoring.plan(spec, card, "wbk")

    assert not plan.eligible_now
    assert {f.rule for f in plan.failed} == {f.rule for f in card.eligibility["wbk"].failed}
    assert plan.steps and all(step.area == "A.TL" for step in plan.steps)
    assert plan.reaches


def test_a_predicate_the_unit_must_hold_is_left_as_unreachable(spec):
    plan = scoring.plan(spec, scoring.score(spec, best_answers(spec)), "wbbm")

    assert plan.steps == []
    assert [f.kind for f in plan.remaining] == ["requires_predicate"]
    assert not plan.reaches


def test_the_planner_page_names_the_same_failing_rules_as_the_overview(unit, staff, client_for):
    cycle = CycleFactory(
        unit=unit,
        filled=True,
        options={"A.TL.PMN.i.a": "C", "A.TL.PMN.i.b": "C"},
        leave_out=["B.BBA.a.1"],
    )
    client = client_for(staff)

    overview = client.get(cycle.get_absolute_url()).content.decode()
    planner = client.get(url("gap_planner", cycle)).content.decode()

    def rules(html: str) -> list[str]:
        block = re.search(r'class="failed-rules">(.*?)</ul>', html, re.S).group(1)
        return re.findall(r"<li>(.*?)</li>", block)

    assert rules(planner) == rules(overview)
    assert "semua aturan terpenuhi di sini" in planner
    assert "Nilai total sudah mencapai ambang target" not in planner
