from django.urls import path

from declarations.views import actions, declarations, keys, printing, reports, verification

app_name = "declarations"

urlpatterns = [
    path("deklarasi/", declarations.declaration_list, name="list"),
    path("deklarasi/unit/<unitcode:code>/baru/", declarations.declaration_create, name="create"),
    path("deklarasi/unit/<unitcode:code>/cetak/", printing.print_unit, name="print_unit"),
    path("deklarasi/cetak/", printing.print_list, name="print_list"),
    path("deklarasi/<int:pk>/", declarations.declaration_detail, name="detail"),
    path("deklarasi/<int:pk>/ubah/", declarations.declaration_edit, name="edit"),
    path("deklarasi/<int:pk>/unduh/", declarations.declaration_download, name="download"),
    path("deklarasi/<int:pk>/finalkan/", actions.declaration_finalise, name="finalise"),
    path("deklarasi/<int:pk>/tandatangani/", actions.declaration_sign, name="sign"),
    path("deklarasi/<int:pk>/cabut/", actions.declaration_revoke, name="revoke"),
    path("deklarasi/<int:pk>/ganti/", actions.declaration_supersede, name="supersede"),
    path("deklarasi/<int:pk>/salin/", actions.declaration_duplicate, name="duplicate"),
    path("deklarasi/<int:pk>/hapus/", actions.declaration_delete, name="delete"),
    path("deklarasi/<int:pk>/impor/", actions.participants_import, name="import"),
    path("deklarasi/<int:pk>/isi-pegawai/", actions.declarants_from_people, name="from_people"),
    path("deklarasi/cetak/<uuid:job_id>/", printing.print_job, name="print_job"),
    path("deklarasi/cetak/<uuid:job_id>/ulangi/", printing.print_job_retry, name="print_job_retry"),
    path(
        "deklarasi/cetak/<uuid:job_id>/unduh/",
        printing.print_job_download,
        name="print_job_download",
    ),
    path("verifikasi/", verification.verify_lookup, name="verify_lookup"),
    path("verifikasi/<slug:token>/", verification.verify_page, name="verify"),
    path("kunci-tanda-tangan/", keys.signing_keys, name="signing_keys"),
    path("kunci-tanda-tangan/uji-coba/", keys.signing_key_trial, name="signing_key_trial"),
    path("kunci-tanda-tangan/<int:pk>/", keys.signing_key_detail, name="signing_key"),
    path(
        "kunci-tanda-tangan/<int:pk>/bawaan/", keys.signing_key_default, name="signing_key_default"
    ),
    path(
        "kunci-tanda-tangan/<int:pk>/pensiunkan/",
        keys.signing_key_retire,
        name="signing_key_retire",
    ),
    path(
        "kunci-tanda-tangan/<int:pk>/unit/<int:assignment_id>/hapus/",
        keys.signing_key_unassign,
        name="signing_key_unassign",
    ),
    path("siklus/<int:pk>/laporan/<str:layer>/", reports.report_list, name="reports"),
    path(
        "siklus/<int:pk>/laporan/<str:layer>/terbitkan/", reports.report_issue, name="report_issue"
    ),
    path(
        "siklus/<int:pk>/laporan/<str:layer>/<int:report_id>/unduh/",
        reports.report_download,
        name="report_download",
    ),
    path(
        "siklus/<int:pk>/laporan/<str:layer>/<int:report_id>/tandatangani/",
        reports.report_sign,
        name="report_sign",
    ),
    path("verifikasi/laporan/<slug:token>/", reports.report_verify, name="report_verify"),
]
