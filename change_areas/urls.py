from django.urls import path

from change_areas import views

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
    path("kampanye/", views.campaign_list, name="campaign_list"),
    path("kampanye/<int:pk>/", views.campaign_detail, name="campaign_detail"),
]
