from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceStandardsConfig(AppConfig):
    name = "service_standards"
    verbose_name = _("Standar pelayanan")

    def ready(self) -> None:
        from service_standards import panels  # noqa: F401  (registers the unit page panel)
