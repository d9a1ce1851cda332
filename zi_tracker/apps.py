from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZiTrackerConfig(AppConfig):
    name = "zi_tracker"
    verbose_name = _("ZI Tracker")

    def ready(self) -> None:
        from units.panels import register
        from zi_tracker.dashboards.panels import dashboards_panel

        register(dashboards_panel)
