"""Sections other apps contribute to a unit's page, without `units` importing them.

An app registers a provider in its `AppConfig.ready()`:

    from units.panels import UnitPanel, register

    @register
    def declarations_panel(request, unit):
        items = ...  # a constant number of queries
        return UnitPanel(template="declarations/_unit_panel.html", context={...}, order=40)

`units` only knows this interface; the dependency still runs from the other
apps to `units`, never back. A provider returns None to show nothing (for
instance when the person may not see that part).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from units.models import Unit


@dataclass
class UnitPanel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


Provider = Callable[["HttpRequest", "Unit"], UnitPanel | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest, unit: Unit) -> list[UnitPanel]:
    panels = [panel for provider in _providers if (panel := provider(request, unit)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
