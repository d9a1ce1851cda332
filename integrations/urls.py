from django.urls import path

from integrations import sso, views

app_name = "integrations"

urlpatterns = [
    path("akun/token/", views.token_list, name="tokens"),
    path("akun/token/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
    path("akun/kalender/", views.calendar_page, name="calendar"),
    path("kalender/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    path("masuk/sso/kembali/", sso.sso_callback, name="sso_callback"),
    path("masuk/sso/gagal/", sso.sso_failed, name="sso_failed"),
    path("masuk/sso/<slug:slug>/", sso.sso_start, name="sso_start"),
    path("pengaturan/sso/", views.provider_list, name="provider_list"),
    path("pengaturan/sso/tambah/", views.provider_edit, name="provider_create"),
    path("pengaturan/sso/<int:pk>/", views.provider_edit, name="provider_edit"),
]
