from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceStandardsConfig(AppConfig):
    name = "service_standards"
    verbose_name = _("Standar pelayanan")
