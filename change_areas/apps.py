from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangeAreasConfig(AppConfig):
    name = "change_areas"
    verbose_name = _("Area perubahan dan LKE")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from change_areas import panels as change_area_panels
        from change_areas import selectors, tallies
        from change_areas.models import Cycle
        from change_areas.models.catalog import CatalogItem, catalog_changed
        from units import access, panels
        from units.services import unit_moved

        panels.register(change_area_panels.cycles_panel)
        access.register_invite_policy(selectors.coordinators_may_invite)
        # Every write to a catalog row gives its framework a new catalog revision.
        for model in self.get_models():
            if issubclass(model, CatalogItem):
                post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
                post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
        # The tallies above a unit follow its cycles when they are deleted or it moves.
        pre_delete.connect(tallies.cycle_deleted, sender=Cycle, dispatch_uid="tally-cycle-deleted")
        unit_moved.connect(tallies.unit_moved, dispatch_uid="tally-unit-moved")
