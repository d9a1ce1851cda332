"""Template filters that ask the workflow table, so templates never compare stage strings."""

from __future__ import annotations

from django import template

from change_areas import workflow

register = template.Library()


@register.filter
def stage_tone(stage: str) -> str:
    """The badge class of a stage (" warning" while the unit revises, " ok" once decided)."""
    tone = workflow.tone(stage)
    return f" {tone}" if tone else ""


@register.filter
def review_tone(review) -> str:
    """The badge class of a question's review status (its row of QUESTION_STATES)."""
    state = workflow.question_state(review)
    return state.tone if state else "muted"
