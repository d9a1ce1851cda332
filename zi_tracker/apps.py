from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZiTrackerConfig(AppConfig):
    name = "zi_tracker"
    verbose_name = _("ZI Tracker")

    def ready(self) -> None:
        from lib import jobs
        from units.panels import register
        from zi_tracker.dashboards.panels import dashboards_panel
        from zi_tracker.models import ExportJob
        from zi_tracker.tasks import build_export_job

        register(dashboards_panel)
        jobs.register(ExportJob, build_export_job, name="export")
