"""Charts as inline SVG, drawn on the server: no JavaScript, no chart CDN.

Every chart is a `<figure>` holding an `<svg role="img">` with a `<title>`
(the chart's name) and `<desc>` (its figures in words), and every bar carries
its value as `<text>`, so the chart reads as text in a screen reader, in a
printout and in the PDF (WeasyPrint renders the same markup). Colours and
sizes are SVG presentation attributes (`fill="…"`, `font-size="…"`), not CSS
`style` attributes, so a strict Content-Security-Policy and WeasyPrint both
accept them.

All text is escaped here; the functions return markup safe to insert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Layer colours, shared by every chart and the legends in the pages.
SELF = "#3b6ea5"
PRE = "#7b5ea7"
TPI = "#0b5d3b"
TPN = "#b8860b"
NEUTRAL = "#5b6575"
POSITIVE = "#b42318"  # over-scoring (self above reviewer): a warning
NEGATIVE = "#3b6ea5"

INK = "#1c2430"
MUTED = "#5b6575"
GRID = "#d9dee7"
FONT = "Noto Sans, Segoe UI, Roboto, Arial, sans-serif"

WIDTH = 440


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    color: str


def decimal(value: float | None, places: int = 2) -> str:
    """1234.5 → "1.234,50" in Indonesian; "—" when unknown."""
    if value is None:
        return "—"
    return number_format(round(float(value), places), decimal_pos=places, force_grouping=True)


def percent(value: float | None, places: int = 0) -> str:
    """A value already in percent (0..100) → "55,7%"."""
    if value is None:
        return "—"
    return f"{decimal(value, places)}%"


def _n(value: float) -> str:
    """A coordinate: never localised, at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, *, size: int = 13, anchor: str = "start", weight: str = "normal", fill: str = INK) -> str:  # fmt: skip
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" font-family="{FONT}" '
        f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def _svg(body: list[str], *, height: float, title: str, description: str, css_class: str, width: int = WIDTH) -> SafeString:  # fmt: skip
    markup = (
        f'<figure class="chart {css_class}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" '
        f'width="{width}" height="{_n(height)}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        f"{''.join(body)}</svg></figure>"
    )
    return mark_safe(markup)  # every piece of text above went through escape()


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], 0.0
    for item in series:
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" rx="2" fill="{item.color}"/>'
        )
        parts.append(_text(x + 17, y, item.label, size=13))
        x += 30 + 7.5 * len(item.label)
    return parts


def grouped_bars(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    maximum: float = 100.0,
    fmt: Callable[[float | None], str] = percent,
    empty: str | None = None,
) -> SafeString:
    """Horizontal bars, one group per category (the label above its bars), one bar per series.

    Labels sit above the bars so long area names stay readable on a phone.
    """
    bar, gap, label_height, legend_height = 16, 4, 20, 26
    value_room = 64
    track = WIDTH - value_room
    with_legend = len(series) > 1
    body = _legend(series, 14) if with_legend else []
    y = legend_height if with_legend else 0
    lines = []
    for index, category in enumerate(categories):
        y += label_height
        body.append(_text(0, y - 5, category, size=14, weight="600"))
        for item in series:
            value = item.values[index] if index < len(item.values) else None
            length = 0.0 if value is None or maximum <= 0 else max(0.0, min(1.0, value / maximum))
            body.append(
                f'<rect x="0" y="{_n(y)}" width="{_n(track)}" height="{bar}" rx="3" fill="#eef1f5"/>'
            )
            if length:
                body.append(
                    f'<rect x="0" y="{_n(y)}" width="{_n(track * length)}" height="{bar}" rx="3" '
                    f'fill="{item.color}"><title>{escape(item.label or category)}'
                    f"{' — ' + escape(category) if item.label else ''}: "
                    f"{escape(fmt(value))}</title></rect>"
                )
            body.append(_text(track + 6, y + bar - 3, fmt(value), size=13))
            lines.append(f"{category}{', ' + item.label if item.label else ''}: {fmt(value)}")
            y += bar + gap
        y += 8
    if not categories:
        y += 30
        body.append(_text(0, y, empty or _("Belum ada data."), size=14, fill=MUTED))
    return _svg(
        body, height=y + 4, title=title, description="; ".join(lines), css_class="grouped-bars"
    )


def bars(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    color: str = TPI,
    maximum: float | None = None,
    fmt: Callable[[float | None], str] = lambda value: decimal(value, 0),
    empty: str | None = None,
) -> SafeString:
    """One horizontal bar per label (counts per stage, per year…)."""
    return grouped_bars(
        title=title,
        categories=labels,
        series=[Series("", values, color)],
        maximum=maximum if maximum is not None else max([v or 0 for v in values] or [0]) or 1,
        fmt=fmt,
        empty=empty,
    )


def columns(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float | None], str] = lambda value: decimal(value, 0),
    axis_label: str = "",
) -> SafeString:
    """Vertical columns (a histogram): one slot per label, one column per series in each slot."""
    height, top, bottom, left = 260, 34, 40, 8
    plot = height - top - bottom
    slots = max(1, len(labels))
    slot = (WIDTH - left) / slots
    inner = slot * 0.8
    column = inner / max(1, len(series))
    peak = max([v or 0 for item in series for v in item.values] or [0]) or 1
    body = _legend(series, 14) if len(series) > 1 else []
    body.append(
        f'<line x1="{left}" x2="{WIDTH}" y1="{_n(top + plot)}" y2="{_n(top + plot)}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    lines = []
    for index, label in enumerate(labels):
        x0 = left + index * slot + (slot - inner) / 2
        for s_index, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else None
            h = plot * (value or 0) / peak
            x = x0 + s_index * column
            body.append(
                f'<rect x="{_n(x)}" y="{_n(top + plot - h)}" width="{_n(column - 2)}" '
                f'height="{_n(h)}" fill="{item.color}"><title>{escape(item.label)} {escape(label)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
            if value:
                body.append(
                    _text(
                        x + (column - 2) / 2,
                        top + plot - h - 4,
                        fmt(value),
                        size=11,
                        anchor="middle",
                    )
                )
            lines.append(f"{label}{' ' + item.label if item.label else ''}: {fmt(value)}")
        body.append(
            _text(x0 + inner / 2, top + plot + 16, label, size=11, anchor="middle", fill=MUTED)
        )
    if axis_label:
        body.append(_text(WIDTH / 2, height - 4, axis_label, size=12, anchor="middle", fill=MUTED))
    return _svg(body, height=height, title=title, description="; ".join(lines), css_class="columns")


def diverging(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    fmt: Callable[[float | None], str],
    left_label: str,
    right_label: str,
    limit: float | None = None,
) -> SafeString:
    """Bars left and right of zero: where the first layer scores above (right) or below the second."""
    bar, label_height = 16, 20
    middle = WIDTH / 2
    half = middle - 56
    peak = limit or max([abs(v) for v in values if v is not None] or [0]) or 1
    body = [
        _text(middle - 6, 14, f"← {left_label}", size=12, anchor="end", fill=MUTED),
        _text(middle + 6, 14, f"{right_label} →", size=12, anchor="start", fill=MUTED),
    ]
    y = 26.0
    lines = []
    for label, value in zip(labels, values, strict=False):
        y += label_height
        body.append(_text(0, y - 5, label, size=13, weight="600"))
        if value is not None and value != 0:
            length = half * min(1.0, abs(value) / peak)
            x = middle if value > 0 else middle - length
            color = POSITIVE if value > 0 else NEGATIVE
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(length)}" height="{bar}" fill="{color}">'
                f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
            )
            if value > 0:
                body.append(_text(middle + length + 4, y + bar - 3, fmt(value), size=12))
            else:
                body.append(
                    _text(middle - length - 4, y + bar - 3, fmt(value), size=12, anchor="end")
                )
        else:
            body.append(_text(middle + 4, y + bar - 3, fmt(value), size=12, fill=MUTED))
        lines.append(f"{label}: {fmt(value)}")
        y += bar + 6
    body.insert(
        0,
        f'<line x1="{_n(middle)}" x2="{_n(middle)}" y1="20" y2="{_n(y)}" stroke="{MUTED}" '
        f'stroke-width="1"/>',
    )
    return _svg(
        body, height=y + 4, title=title, description="; ".join(lines), css_class="diverging"
    )
