"""The product against an independent computation (tests/change_areas/oracle.py), for every
shipped LKE version and for a catalog of a new shape, on hundreds of answer sets."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from change_areas import scoring
from change_areas.models import Framework
from change_areas.selectors import catalog_spec
from tests.change_areas.oracle import Oracle
from tests.factories import best_answers

A = scoring.AnswerData
CATALOGS = Path(settings.ZI_CATALOG_DIR)
TEST_CATALOG = Path(__file__).parent / "catalogs" / "uji-enam-pilihan.yaml"
VERSIONS = ["permenpan-rb-90-2021", "permenpan-rb-90-2021-lke-2026", "permenpan-rb-52-2014"]


def worst(question: scoring.QuestionSpec) -> A:
    if question.options:
        return A(option=min(question.options, key=question.options.get))
    if question.range:
        return A(number=question.range[0])
    return A(
        inputs={spec.key: 0 for spec in question.typed_inputs} | {question.typed_inputs[0].key: 5}
    )


def some(question: scoring.QuestionSpec, rng: random.Random) -> A:
    """An answer anywhere on the question's scale (counts from 0 to 12)."""
    if question.options:
        return A(option=rng.choice(list(question.options)))
    if question.range:
        low, high = question.range
        return A(number=round(rng.uniform(low, high), 2))
    return A(inputs={spec.key: rng.randint(0, 12) for spec in question.typed_inputs})


def answer_sets(spec: scoring.CatalogSpec) -> list[dict[str, A]]:
    """One set per question (all best but that one at its worst), 60 random sets, and the
    hasil items at each survey and capaian minimum and one step below."""
    best = best_answers(spec)
    sets = [best, {}]
    for question in spec.questions:
        sets.append({**best, question.code: worst(question)})
    rng = random.Random(16)
    for _ in range(60):
        coverage = rng.random()
        sets.append({q.code: some(q, rng) for q in spec.questions if rng.random() < coverage})
    codes = {q.code for q in spec.questions}
    for code, values in (
        ("B.BBA.a.1", [3.6, 3.59, 3.599]),  # IPAK 3,60 | 3,59 (15,75 | 15,71) | shown 15,75
        ("B.PPP.a.1", [3.2, 3.19, 3.6, 3.59]),  # IPKP 3,20 | 3,19 (WBK) and 3,60 | 3,59 (WBBM)
    ):
        if code in codes:
            sets += [{**best, code: A(number=value)} for value in values]
    if "B.BBA.b.1" in codes:
        sets += [{**best, "B.BBA.b.1": A(option=option)} for option in "ABCDE"]
    return sets


def agree(spec: scoring.CatalogSpec, oracle: Oracle, answers: dict, held: frozenset[str]) -> None:
    card = scoring.score(spec, answers, held_predicates=held)
    expected = oracle.score(answers, held=held)
    assert card.total == pytest.approx(float(expected.total), abs=1e-9)
    for nodes in (card.components, card.areas, card.parts, card.indicators):
        for code, node in nodes.items():
            assert node.value == pytest.approx(float(expected.nodes[code].value), abs=1e-9), code
            assert (node.answered, node.questions) == (
                expected.nodes[code].answered,
                expected.nodes[code].questions,
            ), code
    assert (card.answered, card.question_count) == (expected.answered, expected.question_count)
    for predicate in spec.predicates:
        failed = {(f.rule, f.target) for f in card.eligibility[predicate].failed}
        assert failed == expected.failed[predicate], predicate
        assert card.eligibility[predicate].eligible == expected.eligible(predicate)


@pytest.mark.parametrize("code", VERSIONS)
def test_every_shipped_version_agrees_with_the_independent_computation(catalogs, code):
    spec = catalog_spec(Framework.objects.get(code=code))
    oracle = Oracle(CATALOGS / f"{code}.yaml")
    sets = answer_sets(spec)
    assert len(sets) > len(spec.questions) + 60
    for answers in sets:
        for held in (frozenset(), frozenset({"wbk"})):
            agree(spec, oracle, answers, held)


def test_the_boundaries_are_in_the_answer_sets(catalogs):
    """The sets reach both sides of the WBK and WBBM survey and capaian minima."""
    spec = catalog_spec(Framework.objects.get(code="permenpan-rb-90-2021-lke-2026"))
    oracle = Oracle(CATALOGS / "permenpan-rb-90-2021-lke-2026.yaml")
    verdicts = {
        (code, value): oracle.score({**best_answers(spec), code: A(number=value)}).failed["wbk"]
        for code, value in (
            ("B.BBA.a.1", 3.6),
            ("B.BBA.a.1", 3.59),
            ("B.PPP.a.1", 3.2),
            ("B.PPP.a.1", 3.19),
        )
    }
    assert not verdicts[("B.BBA.a.1", 3.6)] and not verdicts[("B.PPP.a.1", 3.2)]
    assert ("ipak", "B.BBA.a") in verdicts[("B.BBA.a.1", 3.59)]
    assert ("pelayanan-prima", "B.PPP") in verdicts[("B.PPP.a.1", 3.19)]


def test_a_catalog_of_a_new_shape_loads_and_scores_with_no_code_change(db):
    """Six options, a 1–5 scale, question weights, its own rule and its own threshold kind."""
    call_command("load_catalogs", str(TEST_CATALOG), verbosity=0)
    spec = catalog_spec(Framework.objects.get(code="uji-enam-pilihan"))
    oracle = Oracle(TEST_CATALOG)
    answers = {
        "A.X.i.a": A(option="C"),  # 0,6 of weight 2
        "A.X.i.b": A(option="Ya"),  # 1 of weight 1 → (1,2 + 1) / 3 × 30 = 22
        "A.X.ii.a": A(inputs={"n1": 10, "n2": 3, "n3": 2}),  # (3 + 1) / 10 = 0,4 × 30 = 12
        "B.S.a.1": A(number=4),  # (4 − 1) / 4 = 0,75 × 40 = 30
    }
    card = scoring.score(spec, answers)
    assert card.indicators["A.X.i"].value == pytest.approx(22)
    assert card.indicators["A.X.ii"].value == pytest.approx(12)
    assert card.total == pytest.approx(64)
    assert [f.message for f in card.eligibility["wbk"].failed] == [
        "Nilai total 64,00 di bawah minimal 75,00",
        "Indikator Pengaduan 12,00 dari 30,00 (40,00%) di bawah minimal 50%",
    ]
    with pytest.raises(scoring.AnswerError, match="antara 1 dan 5"):
        scoring.validate_answer(next(q for q in spec.questions if q.code == "B.S.a.1"), A(number=6))
    rng = random.Random(6)
    for _ in range(200):
        sample = {q.code: some(q, rng) for q in spec.questions if rng.random() < 0.8}
        agree(spec, oracle, sample, frozenset())
