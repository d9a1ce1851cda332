from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Pencanangan")

    def ready(self) -> None:
        from change_areas.selectors import register_pencanangan_source
        from declarations import panels, selectors
        from declarations.models import PrintJob
        from declarations.tasks import build_print_job
        from lib import jobs
        from units.panels import register

        register(panels.unit_declarations_panel)
        # "sejak pencanangan": the proposal prerequisite counts from the declaration's date.
        register_pencanangan_source(selectors.first_pencanangan)
        jobs.register(PrintJob, build_print_job, name="print")
