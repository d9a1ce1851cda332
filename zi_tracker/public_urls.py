"""URLs of the public portal (namespace `public`): its home, finding a unit, and a unit's
public page under `/layanan/` beside the public pages of service standards.
`/` shows the public home to anonymous visitors (zi_tracker.views.home)."""

from django.urls import path

from zi_tracker import public

app_name = "public"

urlpatterns = [
    path("publik/", public.home, name="home"),
    path("publik/cari/", public.search, name="search"),
    path("layanan/", public.index, name="index"),
    path("layanan/<unitcode:code>/", public.unit, name="unit"),
]
