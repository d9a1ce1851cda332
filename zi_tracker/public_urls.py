"""URLs of the public portal (namespace `public`), under `/layanan/` beside the public
pages of service standards."""

from django.urls import path

from zi_tracker import public

app_name = "public"

urlpatterns = [
    path("layanan/", public.index, name="index"),
    path("layanan/<unitcode:code>/", public.unit, name="unit"),
]
