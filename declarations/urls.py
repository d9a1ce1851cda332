from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("deklarasi/", views.declaration_list, name="list"),
    path("deklarasi/unit/<unitcode:code>/baru/", views.declaration_create, name="create"),
    path("deklarasi/unit/<unitcode:code>/cetak/", views.print_unit, name="print_unit"),
    path("deklarasi/<int:pk>/", views.declaration_detail, name="detail"),
    path("deklarasi/<int:pk>/ubah/", views.declaration_edit, name="edit"),
    path("deklarasi/<int:pk>/unduh/", views.declaration_download, name="download"),
    path("deklarasi/<int:pk>/finalkan/", views.declaration_finalise, name="finalise"),
    path("deklarasi/<int:pk>/tandatangani/", views.declaration_sign, name="sign"),
    path("deklarasi/<int:pk>/cabut/", views.declaration_revoke, name="revoke"),
    path("deklarasi/<int:pk>/ganti/", views.declaration_supersede, name="supersede"),
    path("deklarasi/<int:pk>/salin/", views.declaration_duplicate, name="duplicate"),
    path("deklarasi/<int:pk>/hapus/", views.declaration_delete, name="delete"),
    path("deklarasi/<int:pk>/impor/", views.participants_import, name="import"),
    path("deklarasi/<int:pk>/isi-pegawai/", views.declarants_from_people, name="from_people"),
    path("deklarasi/cetak/<uuid:job_id>/", views.print_job, name="print_job"),
    path("deklarasi/cetak/<uuid:job_id>/ulangi/", views.print_job_retry, name="print_job_retry"),
    path(
        "deklarasi/cetak/<uuid:job_id>/unduh/", views.print_job_download, name="print_job_download"
    ),
    path("verifikasi/<slug:token>/", views.verify_page, name="verify"),
]
