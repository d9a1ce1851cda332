from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Pencanangan")

    def ready(self) -> None:
        from declarations import panels
        from units.panels import register

        register(panels.unit_declarations_panel)
