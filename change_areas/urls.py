from django.urls import path

from change_areas import review_views, views

app_name = "change_areas"

urlpatterns = [
    path("unit/<unitcode:code>/siklus/", views.cycle_list, name="cycle_list"),
    path("unit/<unitcode:code>/siklus/buka/", views.cycle_open, name="cycle_open"),
    path("unit/<unitcode:code>/bukti/", views.evidence_library, name="evidence_library"),
    path("bukti/<int:pk>/unduh/", views.evidence_download, name="evidence_download"),
    path("bukti/<int:pk>/ganti/", views.evidence_replace, name="evidence_replace"),
    path("siklus/<int:pk>/", views.cycle_overview, name="cycle_overview"),
    path("siklus/<int:pk>/area/<str:area_code>/", views.area_page, name="area"),
    path("siklus/<int:pk>/hasil/", views.hasil_page, name="hasil"),
    path("siklus/<int:pk>/jawab/<str:question_code>/", views.answer_save, name="answer_save"),
    path(
        "siklus/<int:pk>/jawab/<str:question_code>/bukti/",
        views.answer_evidence,
        name="answer_evidence",
    ),
    path("siklus/<int:pk>/rencana-kerja/", views.work_plan, name="work_plan"),
    path(
        "siklus/<int:pk>/rencana-kerja/tambah/",
        views.work_plan_item_create,
        name="work_plan_item_create",
    ),
    path(
        "siklus/<int:pk>/rencana-kerja/<int:item_id>/ubah/",
        views.work_plan_item_edit,
        name="work_plan_item_edit",
    ),
    path(
        "siklus/<int:pk>/rencana-kerja/<int:item_id>/kemajuan/",
        views.progress_entry_add,
        name="progress_entry_add",
    ),
    path("siklus/<int:pk>/syarat/", views.prerequisites, name="prerequisites"),
    path("siklus/<int:pk>/peluang/", views.gap_planner, name="gap_planner"),
    path("siklus/<int:pk>/skor.json", views.scorecard_json, name="scorecard_json"),
    path("siklus/<int:pk>/rekap.pdf", views.scorecard_pdf, name="scorecard_pdf"),
    path("siklus/<int:pk>/lke/unduh/", views.lke_export, name="lke_export"),
    path("siklus/<int:pk>/lke/impor/", views.lke_import, name="lke_import"),
    # the review workflow
    path("penilaian/", review_views.review_queue, name="review_queue"),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/area/<str:area_code>/",
        review_views.review_area,
        name="review",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/jawab/<str:question_code>/",
        review_views.review_answer_save,
        name="review_answer_save",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/status/<str:question_code>/",
        review_views.review_mark,
        name="review_mark",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/terima/<str:area_code>/",
        review_views.review_accept_open,
        name="review_accept_open",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/kembalikan/",
        review_views.cycle_return,
        name="cycle_return",
    ),
    path(
        "siklus/<int:pk>/tinjau/pendahuluan/lulus/",
        review_views.cycle_pass_pre,
        name="cycle_pass_pre",
    ),
    path("siklus/<int:pk>/tinjau/tpi/final/", review_views.cycle_finalise, name="cycle_finalise"),
    path(
        "siklus/<int:pk>/komentar/<str:question_code>/",
        review_views.comment_add,
        name="comment_add",
    ),
    path("siklus/<int:pk>/ajukan/", review_views.cycle_submit, name="cycle_submit"),
    path("siklus/<int:pk>/ajukan-ulang/", review_views.cycle_resubmit, name="cycle_resubmit"),
    path("siklus/<int:pk>/putusan/", review_views.cycle_decide, name="cycle_decide"),
    path("siklus/<int:pk>/banding/", review_views.comparison, name="comparison"),
    path("siklus/<int:pk>/laporan-tpi.pdf", review_views.tpi_report_pdf, name="tpi_report_pdf"),
    path("pengusulan/", review_views.proposals, name="proposals"),
    path("unit/<unitcode:code>/predikat/", review_views.predicate_timeline, name="predicates"),
    path("predikat/<int:pk>/cabut/", review_views.predicate_revoke, name="predicate_revoke"),
    path("notifikasi/", review_views.notification_list, name="notifications"),
    path("kampanye/", views.campaign_list, name="campaign_list"),
    path("kampanye/<int:pk>/", views.campaign_detail, name="campaign_detail"),
]
