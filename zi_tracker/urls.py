"""URL map of ZI Tracker. Each app owns its URLs under its own namespace.

Django's own views are marked here with what they require, like ours.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from integrations import api, sso
from lib import operations
from lib.view_permissions import public, signed_in
from units.converters import UnitCodeConverter
from units.forms import LoginForm
from units.views import accounts
from zi_tracker import views

register_converter(UnitCodeConverter, "unitcode")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "masuk/",
        public(sso.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("keluar/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("akun/sandi/", signed_in(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "akun/sandi/selesai/",
        signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "akun/undangan/<uidb64>/<token>/",
        public(accounts.InvitationAcceptView.as_view()),
        name="invitation_accept",
    ),
    path("akun/lupa-sandi/", public(accounts.PasswordResetView.as_view()), name="password_reset"),
    path(
        "akun/lupa-sandi/terkirim/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="registration/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "akun/lupa-sandi/<uidb64>/<token>/",
        public(accounts.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "akun/lupa-sandi/selesai/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="registration/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("akun/dua-langkah/", accounts.second_factor, name="second_factor"),
    path("masuk/kode/", accounts.otp_verify, name="otp_verify"),
    path("bahasa/", public(set_language), name="set_language"),
    path("healthz", operations.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("dev/surel/", views.dev_mailbox, name="dev_mailbox"),
    path("unit/", include("units.urls")),
    path("", include("zi_tracker.public_urls")),
    path("", include("change_areas.urls")),
    path("", include("service_standards.urls")),
    path("", include("declarations.urls")),
    path("", include("messaging.urls")),
    path("", include("integrations.urls")),
    path("api/v1/", api.urls()),
    path("", include("zi_tracker.dashboards.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "lib.operations.server_error"
