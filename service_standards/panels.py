"""The unit page panel: services with their standard status, the maklumat and the latest SKM."""

from __future__ import annotations

from service_standards import selectors
from units import access
from units.access import Perm
from units.panels import UnitPanel, register


@register
def service_standards_panel(request, unit) -> UnitPanel | None:
    """Three queries (see `selectors.unit_overview`), whatever the number of services."""
    if not access.can(request.user, unit, Perm.VIEW):
        return None
    return UnitPanel(
        template="service_standards/_unit_panel.html",
        context={
            "unit": unit,
            "overview": selectors.unit_overview(unit),
            "can_edit": access.can(request.user, unit, Perm.EDIT_SELF),
        },
        order=30,
    )
