"""URLs of service standards: the unit's pages in the application and the public pages.

Included once at the site root: the application pages live beside the unit's
own pages (`/unit/<code>/layanan/…`), the public ones under `/layanan/`.
"""

from django.urls import path

from service_standards import views

app_name = "service_standards"

unit = "unit/<unitcode:code>/"

urlpatterns = [
    # In the application (signed in).
    path(f"{unit}layanan/", views.service_list, name="services"),
    path(f"{unit}layanan/tambah/", views.service_create, name="service_create"),
    path(f"{unit}layanan/<int:service_id>/", views.service_detail, name="service_detail"),
    path(f"{unit}layanan/<int:service_id>/ubah/", views.service_edit, name="service_edit"),
    path(
        f"{unit}layanan/<int:service_id>/versi-baru/", views.version_create, name="version_create"
    ),
    path(f"{unit}layanan/versi/<int:version_id>/", views.version_detail, name="version_detail"),
    path(f"{unit}layanan/versi/<int:version_id>/ubah/", views.version_edit, name="version_edit"),
    path(
        f"{unit}layanan/versi/<int:version_id>/hapus/", views.version_delete, name="version_delete"
    ),
    path(
        f"{unit}layanan/versi/<int:version_id>/terbitkan/",
        views.version_publish,
        name="version_publish",
    ),
    path(f"{unit}layanan/versi/<int:version_id>/pdf/", views.version_pdf, name="version_pdf"),
    path(f"{unit}layanan/fgd/", views.consultation_list, name="consultations"),
    path(f"{unit}layanan/fgd/tambah/", views.consultation_create, name="consultation_create"),
    path(
        f"{unit}layanan/fgd/<int:consultation_id>/ubah/",
        views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        f"{unit}layanan/fgd/<int:consultation_id>/notulen/",
        views.consultation_minutes,
        name="consultation_minutes",
    ),
    path(f"{unit}maklumat/", views.maklumat_detail, name="maklumat"),
    path(f"{unit}maklumat/ubah/", views.maklumat_edit, name="maklumat_edit"),
    path(f"{unit}maklumat/tandatangani/", views.maklumat_sign, name="maklumat_sign"),
    path(f"{unit}maklumat/draf.pdf", views.maklumat_draft_pdf, name="maklumat_draft_pdf"),
    path(f"{unit}skm/", views.survey_list, name="surveys"),
    path(f"{unit}skm/tambah/", views.survey_create, name="survey_create"),
    path(f"{unit}skm/templat-responden.xlsx", views.survey_template, name="survey_template"),
    path(f"{unit}skm/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path(f"{unit}skm/<int:survey_id>/impor/", views.survey_import, name="survey_import"),
    path(f"{unit}skm/<int:survey_id>/rata-rata/", views.survey_averages, name="survey_averages"),
    path(f"{unit}skm/<int:survey_id>/publikasikan/", views.survey_publish, name="survey_publish"),
    path(f"{unit}skm/<int:survey_id>/tarik/", views.survey_unpublish, name="survey_unpublish"),
    # Public (no login): only what is published.
    path("layanan/", views.public_index, name="public_index"),
    path("layanan/<unitcode:code>/", views.public_unit, name="public_unit"),
    path(
        "layanan/<unitcode:code>/maklumat.pdf",
        views.public_maklumat_pdf,
        name="public_maklumat_pdf",
    ),
    path(
        "layanan/<unitcode:code>/poster-maklumat.pdf",
        views.public_poster_pdf,
        name="public_poster_pdf",
    ),
    path("layanan/<unitcode:code>/<slug:slug>/", views.public_service, name="public_service"),
    path(
        "layanan/<unitcode:code>/<slug:slug>/standar-pelayanan.pdf",
        views.public_standard_pdf,
        name="public_standard_pdf",
    ),
]
