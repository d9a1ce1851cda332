"""Links to the dashboards on a unit's page (registered with units.panels). No query."""

from __future__ import annotations

from units.panels import UnitPanel


def dashboards_panel(request, unit) -> UnitPanel:
    """The unit page is shown only to people with VIEW on the unit, which every dashboard needs."""
    return UnitPanel(
        template="dashboards/_unit_panel.html",
        context={"unit": unit, "has_children": unit.numchild > 0},
        order=5,
    )
