from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZiTrackerConfig(AppConfig):
    name = "zi_tracker"
    verbose_name = _("ZI Tracker")
