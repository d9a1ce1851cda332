"""The Django admin of ZI Tracker: for national administrators (superusers) only.

Unit administrators work in the application itself, where every page is
scoped to their subtree; the admin shows every unit, so it stays with the
people who may see every unit.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ZiAdminSite(admin.AdminSite):
    site_header = _("Administrasi ZI Tracker")
    site_title = _("ZI Tracker")
    index_title = _("Data dan katalog")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


class ZiAdminConfig(AdminConfig):
    default_site = "lib.admin_site.ZiAdminSite"
