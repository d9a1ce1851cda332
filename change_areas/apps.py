from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangeAreasConfig(AppConfig):
    name = "change_areas"
    verbose_name = _("Area perubahan dan LKE")
