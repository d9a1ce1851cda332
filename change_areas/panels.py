"""What `change_areas` shows on a unit's page (registered with units.panels)."""

from __future__ import annotations

from change_areas.models import Cycle, Evidence, PredicateAward
from units import access
from units.access import Perm
from units.panels import UnitPanel


def cycles_panel(request, unit) -> UnitPanel:
    """The unit's cycles with their totals, and links to the LKE and evidence. Two queries."""
    cycles = list(Cycle.objects.for_unit(unit).select_related("framework").order_by("-year")[:5])
    awards = list(PredicateAward.objects.for_unit(unit).order_by("-decree_date")[:5])
    return UnitPanel(
        template="change_areas/_unit_panel.html",
        context={
            "unit": unit,
            "cycles": cycles,
            "awards": awards,
            "evidence_count": Evidence.objects.for_unit(unit).count(),
            "can_open": access.can(request.user, unit, Perm.SUBMIT_SELF),
        },
        order=10,
    )
