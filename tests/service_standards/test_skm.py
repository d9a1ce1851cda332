"""SKM arithmetic (PermenPAN-RB 14/2017): NRR, IKM = mean NRR × 25, grade bands and rounding."""

from decimal import Decimal
from fractions import Fraction

import pytest

from service_standards import skm
from service_standards.respondent_files import parse_dataset
from tests.service_standards.helpers import respondent_dataset

# A respondent file worked by hand (U1…U9):
HAND_WORKED = [
    (4, 4, 3, 4, 3, 4, 4, 3, 4),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (4, 3, 4, 4, 4, 4, 4, 4, 3),
    (3, 4, 3, 4, 3, 4, 3, 3, 4),
]
# NRR: 3,50 3,50 3,25 4,00 3,25 3,75 3,75 3,25 3,50 → Σ = 31,75
# IKM = 31,75 / 9 × 25 = 88,194… → 88,19 → B (76,61–88,30).


def test_hand_worked_respondent_file_gives_the_formulas_ikm_and_grade():
    parsed = parse_dataset(respondent_dataset(HAND_WORKED))
    assert parsed.ok, parsed.errors
    result = skm.compute(row.values for row in parsed.rows)
    assert result.respondent_count == 4
    assert [float(v) for v in result.nrr] == [3.5, 3.5, 3.25, 4.0, 3.25, 3.75, 3.75, 3.25, 3.5]
    assert abs(float(result.ikm) - 88.19) < 0.01
    assert result.ikm == Decimal("88.19")
    assert result.ikm_exact == Fraction(3175, 36)  # 31,75 × 25 / 9
    assert result.grade == "B"
    assert result.band.performance == "Baik"


def test_ikm_is_mean_nrr_times_25_and_the_same_as_the_weighted_sum():
    result = skm.compute(HAND_WORKED)
    weighted = sum(value * Fraction(1, 9) for value in result.nrr) * 25
    assert result.ikm_exact == weighted


def test_all_fours_give_100_and_all_ones_give_25():
    assert skm.compute([(4,) * 9]).ikm == Decimal("100.00")
    assert skm.compute([(4,) * 9]).grade == "A"
    assert skm.compute([(1,) * 9]).ikm == Decimal("25.00")
    assert skm.compute([(1,) * 9]).grade == "D"


@pytest.mark.parametrize(
    ("ikm", "grade"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.305", "A"),  # rounds half-up to 88,31
        ("88.30", "B"),
        ("88.3049", "B"),  # rounds to 88,30
        ("76.61", "B"),
        ("76.60", "C"),
        ("76.605", "B"),
        ("65.00", "C"),
        ("64.995", "C"),  # rounds to 65,00
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_grade_bands_at_their_edges(ikm, grade):
    assert skm.band_for(Decimal(ikm)).grade == grade


def test_band_edges_are_data():
    assert [band.grade for band in skm.SKM_GRADE_BANDS] == ["A", "B", "C", "D"]
    assert [band.ikm_min for band in skm.SKM_GRADE_BANDS] == [
        Decimal("88.31"),
        Decimal("76.61"),
        Decimal("65.00"),
        Decimal("25.00"),
    ]
    # Bands touch: each upper edge is 0,01 below the next band's lower edge.
    for upper, lower in zip(skm.SKM_GRADE_BANDS, skm.SKM_GRADE_BANDS[1:], strict=False):
        assert lower.ikm_max + Decimal("0.01") == upper.ikm_min


def _rows_with_total(count: int, total: int) -> list[tuple[int, ...]]:
    """`count` respondents whose 9×count answers add up to `total` (4s lowered to 3s)."""
    cells = [4] * (9 * count)
    for index in range(36 * count - total):
        cells[index % len(cells)] -= 1
    assert sum(cells) == total
    return [tuple(cells[i * 9 : i * 9 + 9]) for i in range(count)]


def test_boundary_respondent_files_88_30_and_88_31():
    # 300 respondents: IKM = Σ / (9 × 300) × 25 = Σ / 108.
    just_a = skm.compute(_rows_with_total(300, 9537))  # 88,3055… → 88,31
    just_b = skm.compute(_rows_with_total(300, 9536))  # 88,2962… → 88,30
    assert just_a.ikm == Decimal("88.31") and just_a.grade == "A"
    assert just_b.ikm == Decimal("88.30") and just_b.grade == "B"


def test_entered_averages_use_the_same_formula_and_bands():
    result = skm.from_averages([Decimal("3.5324")] * 9, respondent_count=100)
    assert result.ikm == Decimal("88.31") and result.grade == "A"
    result = skm.from_averages([Decimal("3.532")] * 9, respondent_count=100)
    assert result.ikm == Decimal("88.30") and result.grade == "B"


def test_values_outside_the_scale_are_refused():
    with pytest.raises(ValueError):
        skm.compute([(5, 4, 4, 4, 4, 4, 4, 4, 4)])
    with pytest.raises(ValueError):
        skm.compute([])


# --------------------------------------------------------------------------
# Blanks, the sample size and the weight convention (PermenPAN-RB 14/2017)


def test_a_blank_element_is_averaged_over_the_answers_given():
    """Three respondents; the third left U2 blank: U2's NRR is (4 + 2) / 2 = 3, not 6 / 3."""
    result = skm.compute([(4,) * 9, (2,) * 9, (3, None, 3, 3, 3, 3, 3, 3, 3)])
    assert result.respondent_count == 3
    assert result.nrr[0] == 3 and result.nrr[1] == 3
    assert result.answers == (3, 2, 3, 3, 3, 3, 3, 3, 3)
    assert result.ikm == Decimal("75.00")


def test_an_element_nobody_answered_has_no_average():
    with pytest.raises(skm.UnansweredElements) as caught:
        skm.compute([(4, 4, None, 4, 4, 4, 4, 4, 4)])
    assert caught.value.codes == ["u3"]


def test_a_respondent_with_every_element_blank_is_no_respondent():
    assert skm.compute([(4,) * 9, (None,) * 9]).respondent_count == 1


@pytest.mark.parametrize(
    ("population", "sample"),
    [(10, 10), (50, 44), (100, 80), (200, 132), (1_000, 278), (10_000, 370), (1_000_000, 384)],
)
def test_sample_size_follows_the_krejcie_morgan_table(population, sample):
    assert skm.sample_size(population) == sample


def test_the_rounded_weight_0_111_can_flip_a_grade():
    """88,33 with 1/9 is A; a spreadsheet with 0,111 shows 88,24, a B."""
    nrr = [Decimal("3.5333")] * 9
    assert skm.round_ikm(skm.ikm_from_nrr(nrr)) == Decimal("88.33")
    assert skm.band_for(skm.ikm_from_nrr(nrr)).grade == "A"
    assert skm.ikm_with_rounded_weight(nrr) == Decimal("88.24")
    assert skm.band_for(skm.ikm_with_rounded_weight(nrr)).grade == "B"


def test_publishing_warns_of_a_small_sample_until_confirmed(unit, coordinator, client_for):
    from django.core.exceptions import ValidationError

    from service_standards import services
    from service_standards.models import PeriodKind, SatisfactionSurvey

    survey = services.survey_create(
        unit=unit, by=None, year=2026, period_kind=PeriodKind.SEMESTER, period_number=1
    )
    survey = services.survey_replace_respondents(
        survey=survey,
        by=None,
        rows=[services.RespondentRow(n + 2, (4,) * 9) for n in range(5)],
    )
    with pytest.raises(ValidationError, match="Populasi penerima layanan belum diisi"):
        services.survey_publish(survey=survey, by=coordinator)

    survey = services.survey_set_population(survey=survey, population=100, by=coordinator)
    page = client_for(coordinator).get(survey.get_absolute_url()).content.decode()
    assert "5 responden kurang dari sampel minimal 80 untuk populasi 100" in page
    assert "bobot tertimbang tepat 1/9" in page
    with pytest.raises(ValidationError, match="sampel minimal 80"):
        services.survey_publish(survey=survey, by=coordinator)

    services.survey_publish(survey=survey, by=coordinator, small_sample_confirmed=True)
    stored = SatisfactionSurvey.objects.get(pk=survey.pk)
    assert stored.is_published
    assert "sampel minimal 80" in stored.history.first().history_change_reason
