"""The declarations section of a unit's page (registered with `units.panels`)."""

from __future__ import annotations

from declarations.models import Declaration
from units import access
from units.access import Perm
from units.panels import UnitPanel

PANEL_SIZE = 10


def unit_declarations_panel(request, unit) -> UnitPanel | None:
    """The unit's latest declarations (organised by it or naming it). Two queries."""
    if not access.can(request.user, unit, Perm.VIEW):
        return None
    can_manage = access.can(request.user, unit, Perm.ADMINISTER)
    queryset = Declaration.objects.involving(unit)
    if not can_manage:
        queryset = queryset.issued()
    declarations = list(
        queryset.select_related("unit").order_by("-event_date", "-pk")[: PANEL_SIZE + 1]
    )
    return UnitPanel(
        template="declarations/_unit_panel.html",
        context={
            "unit": unit,
            "declarations": declarations[:PANEL_SIZE],
            "more": len(declarations) > PANEL_SIZE,
            "can_manage": can_manage,
        },
        order=40,
    )
