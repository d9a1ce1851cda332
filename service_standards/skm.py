"""Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017): the arithmetic, with no ORM.

Nine elements (*unsur*) U1…U9 are asked on a 1–4 scale. For each element the
NRR (*nilai rata-rata*) is the mean of the values the respondents gave for it —
a respondent who left an element blank still counts for the others, and the
blank is not a value (14/2017: "nilai rata-rata per unsur" = the element's
total ÷ the respondents who filled it in); the index is

    IKM = Σ (NRR_i × 1/9) × 25 = mean(NRR) × 25          (range 25–100)

We weight by exactly 1/9. Some spreadsheets use the rounded weight 0,111,
which gives an index 0,1 % lower (e.g. 88,22 instead of 88,31); the
regulation's intent is the equal weight, and only 1/9 keeps "all 4" at 100.

Rounding rule at band edges (the bands are printed with two decimals, so the
gaps between them — 88,30 | 88,31 — are only closed by rounding): the IKM is
computed exactly (fractions), rounded half-up to two decimals, and that
rounded value is compared with each band's lower edge. So 88,305 → 88,31 → A,
88,3049 → 88,30 → B. The rounded value is the one stored and shown, so what a
person reads always matches the grade beside it.

The bands are data (`SKM_GRADE_BANDS`), not code paths.

Sample size: 14/2017 sizes the sample from the population of service users with
the Krejcie–Morgan table; `sample_size(population)` is that table's formula
(χ² = 3,841 for one degree of freedom at 95 %, P = 0,5, d = 0,05, rounded to the
nearest whole respondent: 100 → 80, 1.000 → 278, 1.000.000 → 384).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from lib.rounding import shown

ELEMENT_CODES = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
SCALE_MIN, SCALE_MAX = 1, 4
CONVERSION_FACTOR = 25
IKM_PLACES = Decimal("0.01")
NRR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class GradeBand:
    grade: str  # mutu pelayanan
    performance: str  # kinerja unit pelayanan (Indonesian, translated at display time)
    ikm_min: Decimal  # lower edge of the converted interval, inclusive
    ikm_max: Decimal
    nrr_min: Decimal  # the same band on the 1–4 perception scale, for reference
    nrr_max: Decimal


# PermenPAN-RB 14/2017, Lampiran: nilai persepsi, interval, interval konversi, mutu, kinerja.
SKM_GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(
        "A", "Sangat Baik", Decimal("88.31"), Decimal("100.00"), Decimal("3.5324"), Decimal("4.00")
    ),
    GradeBand("B", "Baik", Decimal("76.61"), Decimal("88.30"), Decimal("3.0644"), Decimal("3.532")),
    GradeBand(
        "C", "Kurang Baik", Decimal("65.00"), Decimal("76.60"), Decimal("2.60"), Decimal("3.064")
    ),
    GradeBand(
        "D", "Tidak Baik", Decimal("25.00"), Decimal("64.99"), Decimal("1.00"), Decimal("2.5996")
    ),
)

BAND_BY_GRADE = {band.grade: band for band in SKM_GRADE_BANDS}


def round_ikm(value: Fraction | Decimal) -> Decimal:
    """Half-up to two decimals, exactly: the same rule as every LKE verdict (lib.rounding)."""
    return shown(value)


def band_for(ikm: Decimal | Fraction) -> GradeBand:
    """The band of an index: the first whose lower edge the rounded index reaches."""
    rounded = round_ikm(ikm)
    for band in SKM_GRADE_BANDS:
        if rounded >= band.ikm_min:
            return band
    return SKM_GRADE_BANDS[-1]  # below 25 cannot happen on a 1–4 scale


@dataclass(frozen=True)
class SkmResult:
    respondent_count: int
    nrr: tuple[Fraction, ...]  # per element, exact
    ikm_exact: Fraction
    answers: tuple[int, ...] = ()  # per element: how many respondents answered it

    @property
    def ikm(self) -> Decimal:
        return round_ikm(self.ikm_exact)

    @property
    def band(self) -> GradeBand:
        return band_for(self.ikm_exact)

    @property
    def grade(self) -> str:
        return self.band.grade

    def nrr_decimal(self) -> list[Decimal]:
        return [
            (Decimal(v.numerator) / Decimal(v.denominator)).quantize(NRR_PLACES, ROUND_HALF_UP)
            for v in self.nrr
        ]


def ikm_from_nrr(nrr: Sequence[Fraction | Decimal]) -> Fraction:
    """Mean NRR × 25, exactly."""
    if len(nrr) != len(ELEMENT_CODES):
        raise ValueError("nine element averages are needed")
    total = sum((Fraction(value) for value in nrr), Fraction(0))
    return total / len(nrr) * CONVERSION_FACTOR


def compute(rows: Iterable[Sequence[int | None]]) -> SkmResult:
    """NRR per element and the IKM of respondent rows (nine values 1–4, None where blank).

    Each element is averaged over the respondents who answered it. A row with every
    element blank is no respondent; an element nobody answered has no average.
    """
    sums = [0] * len(ELEMENT_CODES)
    answers = [0] * len(ELEMENT_CODES)
    count = 0
    for row in rows:
        if len(row) != len(ELEMENT_CODES):
            raise ValueError("each respondent needs nine values")
        if all(value is None for value in row):
            continue
        for index, value in enumerate(row):
            if value is None:
                continue
            if not SCALE_MIN <= value <= SCALE_MAX:
                raise ValueError(f"value {value} outside {SCALE_MIN}–{SCALE_MAX}")
            sums[index] += value
            answers[index] += 1
        count += 1
    if count == 0:
        raise ValueError("no respondents")
    unanswered = [code for code, n in zip(ELEMENT_CODES, answers, strict=True) if not n]
    if unanswered:
        raise UnansweredElements(unanswered)
    nrr = tuple(Fraction(total, n) for total, n in zip(sums, answers, strict=True))
    return SkmResult(count, nrr, ikm_from_nrr(nrr), answers=tuple(answers))


class UnansweredElements(ValueError):
    """Elements no respondent answered: no average can be computed for them."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(", ".join(code.upper() for code in codes))


# --------------------------------------------------------------------------
# Sample size (Krejcie & Morgan 1970, the table 14/2017 prescribes)

CHI_SQUARE = Decimal("3.841")  # 1 degree of freedom, 95 % confidence
PROPORTION = Decimal("0.5")
MARGIN = Decimal("0.05")


def sample_size(population: int) -> int:
    """The minimum number of respondents for a population of service users."""
    if population <= 0:
        return 0
    n = Decimal(population)
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    size = CHI_SQUARE * n * PROPORTION * (1 - PROPORTION) / (MARGIN**2 * (n - 1) + spread)
    return int(size.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------
# The weight convention

ROUNDED_WEIGHT = Decimal("0.111")  # what many spreadsheets type for 1/9


def ikm_with_rounded_weight(nrr: Sequence[Fraction | Decimal]) -> Decimal:
    """The index as a spreadsheet weighting each element 0,111 instead of 1/9 would show it."""
    total = sum((Fraction(value) for value in nrr), Fraction(0))
    return shown(total * Fraction(ROUNDED_WEIGHT) * CONVERSION_FACTOR)


def from_averages(averages: Sequence[Decimal], *, respondent_count: int = 0) -> SkmResult:
    """A result from per-element averages entered directly (no respondent rows)."""
    nrr = tuple(Fraction(value) for value in averages)
    return SkmResult(respondent_count, nrr, ikm_from_nrr(nrr))
