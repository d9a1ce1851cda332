"""Template filters that word scores in the reader's language."""

from __future__ import annotations

from django import template

from change_areas import selectors

register = template.Library()


@register.filter
def failure_text(failure) -> str:
    """A failed threshold rule (stored dict or FailedRule) in the active language."""
    return selectors.failure_text(failure)
