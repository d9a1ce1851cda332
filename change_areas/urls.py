from django.urls import path

from change_areas.views import (
    campaigns,
    cycles,
    evidence,
    exchange,
    lke,
    results,
    review,
    work_plans,
)

app_name = "change_areas"

urlpatterns = [
    path("unit/<unitcode:code>/siklus/", cycles.cycle_list, name="cycle_list"),
    path("unit/<unitcode:code>/siklus/buka/", cycles.cycle_open, name="cycle_open"),
    path("unit/<unitcode:code>/bukti/", evidence.evidence_library, name="evidence_library"),
    path("bukti/<int:pk>/unduh/", evidence.evidence_download, name="evidence_download"),
    path("bukti/<int:pk>/ganti/", evidence.evidence_replace, name="evidence_replace"),
    path("siklus/<int:pk>/", cycles.cycle_overview, name="cycle_overview"),
    path("siklus/<int:pk>/area/<str:area_code>/", lke.area_page, name="area"),
    path("siklus/<int:pk>/hasil/", lke.hasil_page, name="hasil"),
    path("siklus/<int:pk>/jawab/<str:question_code>/", lke.answer_save, name="answer_save"),
    path(
        "siklus/<int:pk>/jawab/<str:question_code>/bukti/",
        lke.answer_evidence,
        name="answer_evidence",
    ),
    path(
        "siklus/<int:pk>/jawab/<str:question_code>/bukti/cari/",
        lke.evidence_search,
        name="evidence_search",
    ),
    path("siklus/<int:pk>/rencana-kerja/", work_plans.work_plan, name="work_plan"),
    path(
        "siklus/<int:pk>/rencana-kerja/tambah/",
        work_plans.work_plan_item_create,
        name="work_plan_item_create",
    ),
    path(
        "siklus/<int:pk>/rencana-kerja/<int:item_id>/ubah/",
        work_plans.work_plan_item_edit,
        name="work_plan_item_edit",
    ),
    path(
        "siklus/<int:pk>/rencana-kerja/<int:item_id>/kemajuan/",
        work_plans.progress_entry_add,
        name="progress_entry_add",
    ),
    path("siklus/<int:pk>/syarat/", cycles.prerequisites, name="prerequisites"),
    path("siklus/<int:pk>/peluang/", cycles.gap_planner, name="gap_planner"),
    path("siklus/<int:pk>/skor.json", exchange.scorecard_json, name="scorecard_json"),
    path("siklus/<int:pk>/rekap.pdf", exchange.scorecard_pdf, name="scorecard_pdf"),
    path("siklus/<int:pk>/lke/unduh/", exchange.lke_export, name="lke_export"),
    path("siklus/<int:pk>/lke/impor/", exchange.lke_import, name="lke_import"),
    path(
        "siklus/<int:pk>/lke/lembar-kerja/",
        exchange.lke_workbook_export,
        name="lke_workbook_export",
    ),
    path(
        "siklus/<int:pk>/lke/lembar-kerja/impor/",
        exchange.lke_workbook_import,
        name="lke_workbook_import",
    ),
    # the review workflow
    path("penilaian/", review.review_queue, name="review_queue"),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/area/<str:area_code>/",
        review.review_area,
        name="review",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/jawab/<str:question_code>/",
        lke.review_answer_save,
        name="review_answer_save",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/status/<str:question_code>/",
        review.review_mark,
        name="review_mark",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/terima/<str:area_code>/",
        review.review_accept_open,
        name="review_accept_open",
    ),
    path(
        "siklus/<int:pk>/tinjau/<str:layer>/kembalikan/",
        review.cycle_return,
        name="cycle_return",
    ),
    path(
        "siklus/<int:pk>/tinjau/pendahuluan/lulus/",
        review.cycle_pass_pre,
        name="cycle_pass_pre",
    ),
    path("siklus/<int:pk>/tinjau/tpi/final/", review.cycle_finalise, name="cycle_finalise"),
    path(
        "siklus/<int:pk>/komentar/<str:question_code>/",
        review.comment_add,
        name="comment_add",
    ),
    path("siklus/<int:pk>/ajukan/", review.cycle_submit, name="cycle_submit"),
    path("siklus/<int:pk>/ajukan-ulang/", review.cycle_resubmit, name="cycle_resubmit"),
    path("siklus/<int:pk>/putusan/", review.cycle_decide, name="cycle_decide"),
    path("siklus/<int:pk>/banding/", results.comparison, name="comparison"),
    path("siklus/<int:pk>/laporan-tpi.pdf", results.tpi_report_pdf, name="tpi_report_pdf"),
    path("pengusulan/", campaigns.proposals, name="proposals"),
    path("unit/<unitcode:code>/predikat/", results.predicate_timeline, name="predicates"),
    path("predikat/<int:pk>/cabut/", results.predicate_revoke, name="predicate_revoke"),
    path("notifikasi/", review.notification_list, name="notifications"),
    path("kampanye/", campaigns.campaign_list, name="campaign_list"),
    path("kampanye/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
]
