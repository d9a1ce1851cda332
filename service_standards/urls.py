"""URLs of service standards: the unit's pages in the application and the public pages.

Included once at the site root: the application pages live beside the unit's
own pages (`/unit/<code>/layanan/…`), the public ones under `/layanan/`. The
public index and a unit's public page (`/layanan/`, `/layanan/<code>/`) are
the roof's (`zi_tracker.public`), as they also show the unit's predicates.
"""

from django.urls import path

from service_standards.views import consultations, maklumat, public, standards, surveys

app_name = "service_standards"

unit = "unit/<unitcode:code>/"

urlpatterns = [
    # In the application (signed in).
    path(f"{unit}layanan/", standards.service_list, name="services"),
    path(f"{unit}layanan/tambah/", standards.service_create, name="service_create"),
    path(f"{unit}layanan/<int:service_id>/", standards.service_detail, name="service_detail"),
    path(f"{unit}layanan/<int:service_id>/ubah/", standards.service_edit, name="service_edit"),
    path(
        f"{unit}layanan/<int:service_id>/versi-baru/",
        standards.version_create,
        name="version_create",
    ),
    path(f"{unit}layanan/versi/<int:version_id>/", standards.version_detail, name="version_detail"),
    path(
        f"{unit}layanan/versi/<int:version_id>/ubah/", standards.version_edit, name="version_edit"
    ),
    path(
        f"{unit}layanan/versi/<int:version_id>/hapus/",
        standards.version_delete,
        name="version_delete",
    ),
    path(
        f"{unit}layanan/versi/<int:version_id>/terbitkan/",
        standards.version_publish,
        name="version_publish",
    ),
    path(f"{unit}layanan/versi/<int:version_id>/pdf/", standards.version_pdf, name="version_pdf"),
    path(f"{unit}layanan/fgd/", consultations.consultation_list, name="consultations"),
    path(
        f"{unit}layanan/fgd/tambah/", consultations.consultation_create, name="consultation_create"
    ),
    path(
        f"{unit}layanan/fgd/<int:consultation_id>/ubah/",
        consultations.consultation_edit,
        name="consultation_edit",
    ),
    path(
        f"{unit}layanan/fgd/<int:consultation_id>/notulen/",
        consultations.consultation_minutes,
        name="consultation_minutes",
    ),
    path(f"{unit}maklumat/", maklumat.maklumat_detail, name="maklumat"),
    path(f"{unit}maklumat/ubah/", maklumat.maklumat_edit, name="maklumat_edit"),
    path(f"{unit}maklumat/tandatangani/", maklumat.maklumat_sign, name="maklumat_sign"),
    path(f"{unit}maklumat/draf.pdf", maklumat.maklumat_draft_pdf, name="maklumat_draft_pdf"),
    path(f"{unit}skm/", surveys.survey_list, name="surveys"),
    path(f"{unit}skm/tambah/", surveys.survey_create, name="survey_create"),
    path(f"{unit}skm/templat-responden.xlsx", surveys.survey_template, name="survey_template"),
    path(f"{unit}skm/<int:survey_id>/", surveys.survey_detail, name="survey_detail"),
    path(f"{unit}skm/<int:survey_id>/impor/", surveys.survey_import, name="survey_import"),
    path(f"{unit}skm/<int:survey_id>/rata-rata/", surveys.survey_averages, name="survey_averages"),
    path(f"{unit}skm/<int:survey_id>/publikasikan/", surveys.survey_publish, name="survey_publish"),
    path(f"{unit}skm/<int:survey_id>/tarik/", surveys.survey_unpublish, name="survey_unpublish"),
    path(
        f"{unit}skm/<int:survey_id>/populasi/", surveys.survey_population, name="survey_population"
    ),
    # Public (no login): only what is published.
    path(
        "layanan/<unitcode:code>/maklumat.pdf",
        public.public_maklumat_pdf,
        name="public_maklumat_pdf",
    ),
    path(
        "layanan/<unitcode:code>/poster-maklumat.pdf",
        public.public_poster_pdf,
        name="public_poster_pdf",
    ),
    path("layanan/<unitcode:code>/<slug:slug>/", public.public_service, name="public_service"),
    path(
        "layanan/<unitcode:code>/<slug:slug>/standar-pelayanan.pdf",
        public.public_standard_pdf,
        name="public_standard_pdf",
    ),
]
