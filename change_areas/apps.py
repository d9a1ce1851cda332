from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangeAreasConfig(AppConfig):
    name = "change_areas"
    verbose_name = _("Area perubahan dan LKE")

    def ready(self) -> None:
        from change_areas import panels as change_area_panels
        from change_areas import selectors
        from units import access, panels

        panels.register(change_area_panels.cycles_panel)
        access.register_invite_policy(selectors.coordinators_may_invite)
