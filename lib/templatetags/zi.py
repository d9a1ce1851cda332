"""Template filters shared by every app's pages: scores, shares, percentages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def score(value, decimals: int = 2) -> str:
    """A score the Indonesian way: 3,90 (localized with 2 decimals); — when unknown."""
    if value is None or value == "":
        return "—"
    return floatformat(value, f"{decimals}g" if decimals > 2 else decimals)


@register.filter
def percent(fraction, decimals: int = 0) -> str:
    """A fraction 0..1 as a percentage: 0.557 → 55,7% (with decimals=1)."""
    if fraction is None or fraction == "":
        return "—"
    return f"{floatformat(float(fraction) * 100, decimals)}%"


@register.filter
def share(node: dict | None) -> float:
    """value ÷ weight of a stored summary node, 0 when the weight is 0."""
    if not node or not node.get("weight"):
        return 0.0
    return node.get("value", 0) / node["weight"]


@register.filter
def completeness(node: dict | None) -> float:
    if not node or not node.get("questions"):
        return 0.0
    return node.get("answered", 0) / node["questions"]


@register.filter
def plain(value) -> str:
    """A number for HTML attributes (value="…", max="…"): never localized, dot decimal."""
    if value is None or value == "":
        return "0"
    return format(float(value), ".4f").rstrip("0").rstrip(".") or "0"


@register.filter
def get(mapping, key):
    """mapping[key] in templates (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def anchor(question_code: str) -> str:
    """The HTML id of a question on its area page: A.MP.PMN.i.a → q-A-MP-PMN-i-a."""
    return "q-" + str(question_code).replace(".", "-")


@register.filter
def subtract(value, other) -> float | None:
    if value in (None, "") or other in (None, ""):
        return None
    return float(value) - float(other)


@register.filter
def signed(value, decimals: int = 2) -> str:
    """A difference with its sign: +1,25 / −0,50 / 0,00."""
    if value in (None, ""):
        return "—"
    number = float(value)
    text = floatformat(abs(number), decimals)
    if round(number, decimals) > 0:
        return f"+{text}"
    if round(number, decimals) < 0:
        return f"−{text}"
    return text


@register.filter
def dom_id(prefix: str, code) -> str:
    """An HTML id for a catalog node: "ind"|dom_id:"A.MP.PMN.i" → ind-A-MP-PMN-i."""
    return f"{prefix}-" + str(code).replace(".", "-")
