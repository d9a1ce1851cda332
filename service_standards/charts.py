"""A server-rendered SVG line chart of IKM over periods (no JavaScript, no chart library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from service_standards import skm

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 64, 22, 40
INSET = 44  # keeps the first and last point (and their labels) off the edges
Y_MIN, Y_MAX = Decimal("50"), Decimal("100")


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value: Decimal
    grade: str


@dataclass
class BandLine:
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    bands: list[BandLine]
    ticks: list[BandLine]
    polyline: str
    left: int
    right: int
    bottom: int


def _y(value: Decimal) -> float:
    value = min(max(value, Y_MIN), Y_MAX)
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + float((Y_MAX - value) / (Y_MAX - Y_MIN)) * plot, 1)


def ikm_trend(surveys) -> Chart | None:
    """Chart of surveys (oldest first) that have a result; None with fewer than one point."""
    with_result = [survey for survey in surveys if survey.ikm is not None]
    if not with_result:
        return None
    plot_width = WIDTH - LEFT - RIGHT - 2 * INSET
    step = plot_width / max(len(with_result) - 1, 1)
    points = []
    for index, survey in enumerate(with_result):
        x = LEFT + INSET + (index * step if len(with_result) > 1 else plot_width / 2)
        points.append(
            ChartPoint(
                round(x, 1), _y(survey.ikm), survey.short_period_label, survey.ikm, survey.grade
            )
        )
    bands = [
        BandLine(_y(band.ikm_min), band.grade)
        for band in skm.SKM_GRADE_BANDS
        if Y_MIN <= band.ikm_min <= Y_MAX
    ]
    ticks = [BandLine(_y(Decimal(v)), str(v)) for v in (50, 60, 70, 80, 90, 100)]
    return Chart(
        WIDTH,
        HEIGHT,
        points,
        bands,
        ticks,
        " ".join(f"{p.x},{p.y}" for p in points),
        LEFT,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
    )
