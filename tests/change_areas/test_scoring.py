"""The scoring engine against hand-worked cases and every threshold at its boundary."""

import pytest

from change_areas import scoring
from change_areas.models import Framework
from change_areas.scoring import AnswerData as A
from change_areas.selectors import card_json, catalog_spec
from tests.factories import best_answers


@pytest.fixture
def lke90(catalogs) -> scoring.CatalogSpec:
    return catalog_spec(Framework.objects.get(code="permenpan-rb-90-2021"))


def approx(value: float) -> pytest.approx:
    return pytest.approx(value, abs=0.005)


class TestHandWorkedCases:
    def test_all_best_answers_score_100_and_are_eligible(self, lke90):
        card = scoring.score(lke90, best_answers(lke90), held_predicates={"wbk"})
        assert card.total == approx(100)
        assert card.components["A"].value == approx(60)
        assert card.components["B"].value == approx(40)
        assert card.parts["A.MP.PMN"].value == approx(4)
        assert card.areas["A.PW"].value == approx(15)
        assert card.completeness == 1
        assert card.answered == card.question_count == 113
        assert card.eligibility["wbk"].eligible
        assert card.eligibility["wbbm"].eligible

    def test_mixed_answers_with_percentage_items_and_the_decrease_rule(self, lke90):
        answers = {
            # Pemenuhan MP
            "A.MP.PMN.i.a": A(option="Ya"),  # 1
            "A.MP.PMN.i.b": A(option="B"),  # 0.5   → mean 0.75 × 0.5 = 0.375
            "A.MP.PMN.ii.a": A(option="Ya"),  # 1
            "A.MP.PMN.ii.b": A(option="A"),  # 1
            "A.MP.PMN.ii.c": A(option="C"),  # 0     → 2/3 × 1 = 0.666667
            "A.MP.PMN.iii.a": A(option="B"),  # 0.67
            "A.MP.PMN.iii.b": A(option="C"),  # 0.33  (c unanswered = 0) → 1.00/3 × 1 = 0.333333
            "A.MP.PMN.iv.a": A(option="Tidak"),  # 0
            "A.MP.PMN.iv.b": A(option="A"),  # 1
            "A.MP.PMN.iv.c": A(option="B"),  # 0.5
            "A.MP.PMN.iv.d": A(option="B"),  # 0.67  → 2.17/4 × 1.5 = 0.81375
            # Reform MP
            "A.MP.RFM.i.a": A(inputs={"n1": 10, "n2": 8}),  # 8 changes / 10 agents = 0.8
            "A.MP.RFM.i.b": A(inputs={"n1": 8, "n2": 12}),  # 12/8 capped at 1 → mean 0.9 × 2 = 1.8
            "A.MP.RFM.ii.a": A(option="C"),  # 0.5 × 1 = 0.5
            "A.MP.RFM.iii.a": A(option="D"),  # 0
            # Reform SDM iii: violations fell from 10 to 4 → (10 − 4)/10 = 0.6 × 2 = 1.2
            "A.SDM.RFM.iii.a": A(inputs={"n1": 10, "n2": 4, "n3": 3}),
            # Reform PW iii: LHKPN 6 of (1 + 5 + 2) = 0.75 × 1; LHKASN 30 of (3 + 7 + 20) = 1 × 1
            "A.PW.RFM.iii.LHKPN.a": A(inputs={"n2": 1, "n3": 5, "n4": 2, "n5": 6}),
            "A.PW.RFM.iii.LHKASN.a": A(inputs={"n2": 3, "n3": 7, "n4": 20, "n5": 30}),
        }
        card = scoring.score(lke90, answers)

        assert card.indicators["A.MP.PMN.i"].value == approx(0.375)
        assert card.indicators["A.MP.PMN.ii"].value == pytest.approx(2 / 3)
        assert card.indicators["A.MP.PMN.iii"].value == pytest.approx(1.0 / 3)
        assert card.indicators["A.MP.PMN.iv"].value == pytest.approx(0.81375)
        assert card.parts["A.MP.PMN"].value == pytest.approx(2.18875)
        assert card.questions["A.MP.RFM.i.a"] == pytest.approx(0.8)
        assert card.questions["A.MP.RFM.i.b"] == 1
        assert card.parts["A.MP.RFM"].value == pytest.approx(2.3)
        assert card.areas["A.MP"].value == pytest.approx(4.48875)
        assert card.areas["A.MP"].answered == 15 and card.areas["A.MP"].questions == 16
        assert card.indicators["A.SDM.RFM.iii"].value == pytest.approx(1.2)
        assert card.indicators["A.PW.RFM.iii.LHKPN"].value == pytest.approx(0.75)
        assert card.indicators["A.PW.RFM.iii"].value == pytest.approx(1.75)
        assert card.total == pytest.approx(4.48875 + 1.2 + 1.75)
        assert card.answered == 18
        assert card.completeness == pytest.approx(18 / 113)

        messages = [f.message for f in card.eligibility["wbk"].failed]
        assert "Manajemen Perubahan 4,49 dari 8,00 (56,13%) di bawah minimal 60%" in messages
        assert "Nilai total (pengungkit + hasil) 7,44 di bawah minimal 75,00" in messages
        # every area fails the 60 % rule, and every hasil rule fails: all named
        area_failures = [f for f in card.eligibility["wbk"].failed if f.rule == "area"]
        assert {f.target for f in area_failures} == {
            "A.MP",
            "A.TL",
            "A.SDM",
            "A.AK",
            "A.PW",
            "A.PP",
        }
        assert len(card.eligibility["wbk"].failed) == 1 + 1 + 6 + 4

    def test_hasil_at_the_survey_minima(self, lke90):
        answers = best_answers(lke90)
        answers["B.BBA.a.1"] = A(number=3.6)  # 3.6/4 × 17.5 = 15.75
        answers["B.BBA.b.1"] = A(option="C")  # 0.5 × 5 = 2.5
        answers["B.PPP.a.1"] = A(number=3.2)  # 3.2/4 × 17.5 = 14.0
        card = scoring.score(lke90, answers, held_predicates={"wbk"})
        assert card.indicators["B.BBA.a"].value == pytest.approx(15.75)
        assert card.areas["B.BBA"].value == pytest.approx(18.25)
        assert card.areas["B.PPP"].value == pytest.approx(14.0)
        assert card.total == pytest.approx(60 + 18.25 + 14.0)
        assert card.eligibility["wbk"].eligible, card.eligibility["wbk"].failed
        wbbm = {f.rule: f.message for f in card.eligibility["wbbm"].failed}
        assert set(wbbm) == {"bersih-akuntabel", "capaian-kinerja", "pelayanan-prima"}
        assert (
            wbbm["capaian-kinerja"]
            == "Capaian Kinerja Lebih Baik 2,50 dari 5,00 di bawah minimal 3,75"
        )

    def test_wbbm_needs_a_held_wbk(self, lke90):
        card = scoring.score(lke90, best_answers(lke90))
        assert card.eligibility["wbk"].eligible
        failed = card.eligibility["wbbm"].failed
        assert [f.message for f in failed] == ["Belum memiliki predikat Menuju WBK"]


class TestQuestionValues:
    @pytest.mark.parametrize(
        ("inputs", "expected"),
        [
            ({"n1": 10, "n2": 4, "n3": 0}, 0.6),
            ({"n1": 0, "n2": 0, "n3": 0}, 1.0),  # no violations in either year
            ({"n1": 0, "n2": 3, "n3": 3}, 0.0),  # none last year, some this year
            ({"n1": 4, "n2": 6, "n3": 6}, 0.0),  # more violations: never negative
            ({"n1": 10, "n2": 4}, None),  # the sanctions input is required though unused
        ],
    )
    def test_decrease_rule(self, lke90, inputs, expected):
        question = next(q for q in lke90.questions if q.code == "A.SDM.RFM.iii.a")
        value = scoring.question_value(question, A(inputs=inputs))
        assert value == (None if expected is None else pytest.approx(expected))

    def test_zero_denominator_uses_the_rule(self, lke90):
        question = next(q for q in lke90.questions if q.code == "A.AK.RFM.i.a")
        assert scoring.question_value(question, A(inputs={"n1": 0, "n2": 0})) == 0

    def test_computed_input_that_disagrees_is_refused(self, lke90):
        question = next(q for q in lke90.questions if q.code == "A.PW.RFM.iii.LHKPN.a")
        with pytest.raises(scoring.AnswerError, match="dihitung dari isian lain"):
            scoring.validate_answer(
                question, A(inputs={"n1": 9, "n2": 1, "n3": 5, "n4": 2, "n5": 6})
            )
        scoring.validate_answer(question, A(inputs={"n1": 8, "n2": 1, "n3": 5, "n4": 2, "n5": 6}))

    @pytest.mark.parametrize(
        ("code", "answer", "message"),
        [
            ("A.MP.PMN.i.a", A(option="A"), "tidak tersedia"),
            ("B.BBA.a.1", A(number=4.5), "antara 0 dan 4"),
            ("A.MP.RFM.i.a", A(inputs={"n1": -1, "n2": 2}), "tidak boleh negatif"),
            ("A.MP.RFM.i.a", A(inputs={"n1": 2.5, "n2": 2}), "bilangan bulat"),
            ("A.MP.RFM.i.a", A(inputs={"n9": 1}), "tidak dikenal"),
        ],
    )
    def test_answers_that_do_not_fit_are_refused_in_indonesian(self, lke90, code, answer, message):
        question = next(q for q in lke90.questions if q.code == code)
        with pytest.raises(scoring.AnswerError, match=message):
            scoring.validate_answer(question, answer)


def tiny_catalog(*, share_scope: str = "area") -> scoring.CatalogSpec:
    """A = one area of weight 60 split 30/30; B = one survey worth 40."""
    return scoring.CatalogSpec(
        framework="tiny",
        components=(
            scoring.ComponentSpec("A", "Pengungkit", "pengungkit", 60),
            scoring.ComponentSpec("B", "Hasil", "hasil", 40),
        ),
        areas=(
            scoring.AreaSpec("A.X", "Area X", "X", 60, "A"),
            scoring.AreaSpec("B.S", "Survei", "S", 40, "B"),
        ),
        parts=(
            scoring.PartSpec("A.X.P", "Pemenuhan", "pemenuhan", 30, "A.X"),
            scoring.PartSpec("A.X.R", "Reform", "reform", 30, "A.X"),
        ),
        indicators=(
            scoring.IndicatorSpec("A.X.P.i", "Pemenuhan X", 30, "A.X", "A.X.P"),
            scoring.IndicatorSpec("A.X.R.i", "Reform X", 30, "A.X", "A.X.R"),
            scoring.IndicatorSpec("B.S.a", "Survei", 40, "B.S"),
        ),
        questions=(
            scoring.QuestionSpec(
                "p",
                "A.X.P.i",
                "persen",
                rule={"kind": "ratio", "numerator": "n2", "denominator": "n1", "cap": 1},
                inputs=(
                    scoring.InputSpec("n1", "p.n1", "n1"),
                    scoring.InputSpec("n2", "p.n2", "n2"),
                ),
            ),
            scoring.QuestionSpec(
                "r",
                "A.X.R.i",
                "persen",
                rule={"kind": "ratio", "numerator": "n2", "denominator": "n1", "cap": 1},
                inputs=(
                    scoring.InputSpec("n1", "r.n1", "n1"),
                    scoring.InputSpec("n2", "r.n2", "n2"),
                ),
            ),
            scoring.QuestionSpec("s", "B.S.a", "nilai_0_4"),
        ),
        thresholds=(
            scoring.ThresholdSpec("wbk", "total", "min_total", "Nilai total", minimum=75),
            scoring.ThresholdSpec(
                "wbk",
                "area",
                "min_area_share",
                "Setiap area",
                target="A",
                minimum=0.6,
                scope=share_scope,
            ),
        ),
        predicates=("wbk",),
    )


def ratio(part: int) -> A:
    return A(inputs={"n1": 1000, "n2": part})


class TestBoundaries:
    """A verdict and its sentence read the same figure: the value as the LKE shows it."""

    @pytest.mark.parametrize(
        ("total", "eligible", "sentence"),
        [
            (74.994, False, "Nilai total 74,99 di bawah minimal 75,00"),
            (74.995, True, None),  # shown 75,00: meets 75,00
            (74.996, True, None),
            (75.00, True, None),
        ],
    )
    def test_total_at_the_boundary_verdict_sentence_and_json_agree(self, total, eligible, sentence):
        # A full (60) + survey/4 × 40: the survey index that gives the total
        survey = (total - 60) / 10
        card = scoring.score(
            tiny_catalog(), {"p": ratio(1000), "r": ratio(1000), "s": A(number=survey)}
        )
        assert card.total == pytest.approx(total, abs=1e-9)
        assert card.eligibility["wbk"].eligible is eligible
        assert [f.message for f in card.eligibility["wbk"].failed] == (
            [sentence] if sentence else []
        )
        data = card_json(card)
        assert data["eligibility"]["wbk"]["eligible"] is eligible
        assert data["total"] == (74.99 if not eligible else 75.0)
        # what the sentence or the JSON shows is never at or above the minimum it fails
        assert not (data["total"] >= 75 and not eligible)

    @pytest.mark.parametrize(
        ("numerator", "denominator", "sentence"),
        [
            (599, 1000, "Area X 35,94 dari 60,00 (59,90%) di bawah minimal 60%"),
            (5999, 10000, "Area X 35,99 dari 60,00 (59,98%) di bawah minimal 60%"),
            (59992, 100000, None),  # 35,9952 is shown 36,00 of 60,00: 60,00 %
            (600, 1000, None),
        ],
    )
    def test_area_share_boundary(self, numerator, denominator, sentence):
        answers = {"p": A(inputs={"n1": denominator, "n2": numerator}), "s": A(number=4)}
        answers["r"] = answers["p"]
        card = scoring.score(tiny_catalog(), answers)
        failures = [f.message for f in card.eligibility["wbk"].failed if f.rule == "area"]
        assert failures == ([sentence] if sentence else [])

    def test_the_issue_example_4_20_of_7_00_is_60_percent(self):
        """Penataan Tatalaksana at 4,1999 of 7,00: shown 4,20 → 60,00 %, and so it meets 60 %."""
        assert scoring.share_meets(4.1999, 7.0, 0.6)
        assert not scoring.share_meets(4.194, 7.0, 0.6)  # shown 4,19: 59,86 %

    def test_area_share_scope_per_part_checks_pemenuhan_and_reform_separately(self):
        answers = {
            "p": ratio(1000),
            "r": ratio(300),
            "s": A(number=4),
        }  # whole area 65 %, reform 30 %
        by_area = scoring.score(tiny_catalog(share_scope="area"), answers)
        by_part = scoring.score(tiny_catalog(share_scope="part"), answers)
        assert not [f for f in by_area.eligibility["wbk"].failed if f.rule == "area"]
        failures = [f.message for f in by_part.eligibility["wbk"].failed if f.rule == "area"]
        assert failures == ["Area X — Reform 9,00 dari 30,00 (30,00%) di bawah minimal 60%"]


def test_gap_planner_ranks_questions_by_points_gained(lke90):
    answers = best_answers(lke90)
    answers["A.PW.RFM.ii.a"] = A(
        inputs={"n1": 10, "n2": 0, "n3": 5}
    )  # 0.5 of weight 3 alone → +1.5
    answers["A.MP.PMN.i.a"] = A(option="Tidak")  # 0 of weight 0.5 shared by 2 → +0.25
    del answers["B.PPP.a.1"]  # unanswered survey: +17.5
    card = scoring.score(lke90, answers)
    gaps = scoring.gaps(lke90, card)
    assert [(g.question, round(g.points, 4)) for g in gaps] == [
        ("B.PPP.a.1", 17.5),
        ("A.PW.RFM.ii.a", 1.5),
        ("A.MP.PMN.i.a", 0.25),
    ]
