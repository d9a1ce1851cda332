from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """Installed only so that Django finds the shared template filters (`{% load zi %}`)."""

    name = "lib"
    verbose_name = _("Pustaka bersama")
