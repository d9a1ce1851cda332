"""The change_areas cycles at their stages, for the API, calendar and message tests."""

from tests.change_areas.conftest import cycle, filled_cycle, finalised, submitted

__all__ = ["cycle", "filled_cycle", "finalised", "submitted"]
