"""Template filters about units and people's access to them."""

from __future__ import annotations

from django import template

from units import access

register = template.Library()


@register.filter
def viewable_by(unit, user) -> bool:
    """Whether the person may open the unit's page (no query once memberships are cached)."""
    return bool(access.perms_on(user, unit))
