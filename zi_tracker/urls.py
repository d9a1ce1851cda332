"""URL map of ZI Tracker. Each app owns its URLs under its own namespace.

Django's own views are marked here with what they require, like ours.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from lib import operations
from lib.view_permissions import public, signed_in
from units import views as unit_views
from units.converters import UnitCodeConverter
from units.forms import LoginForm
from zi_tracker import views

register_converter(UnitCodeConverter, "unitcode")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        public(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    path("keluar/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("akun/sandi/", signed_in(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "akun/sandi/selesai/",
        signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("akun/dua-langkah/", unit_views.second_factor, name="second_factor"),
    path("masuk/kode/", unit_views.otp_verify, name="otp_verify"),
    path("bahasa/", public(set_language), name="set_language"),
    path("healthz", operations.healthz, name="healthz"),
    path("unit/", include("units.urls")),
    path("", include("zi_tracker.public_urls")),
    path("", include("change_areas.urls")),
    path("", include("service_standards.urls")),
    path("", include("declarations.urls")),
    path("", include("zi_tracker.dashboards.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "lib.errors.bad_request"
handler403 = "lib.errors.permission_denied"
handler500 = "lib.operations.server_error"
