from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("akun/pesan/", views.preferences, name="preferences"),
    path("pengaturan/kanal-pesan/", views.channel_list, name="channel_list"),
    path("pengaturan/kanal-pesan/tambah/", views.channel_edit, name="channel_create"),
    path("pengaturan/kanal-pesan/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("pengaturan/kanal-pesan/<int:pk>/hapus/", views.channel_delete, name="channel_delete"),
]
