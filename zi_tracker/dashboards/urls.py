"""Dashboards: a unit, a subtree's portfolio and calibration, the public predicate registry."""

from django.urls import path

from zi_tracker.dashboards.views import calibration, jobs, portfolio, registry, units

app_name = "dashboards"

unit = "unit/<unitcode:code>/"

urlpatterns = [
    path("dasbor/", units.index, name="index"),
    path(f"{unit}dasbor/", units.unit_dashboard, name="unit"),
    path(f"{unit}dasbor.pdf", units.unit_dashboard_pdf, name="unit_pdf"),
    path(f"{unit}portofolio/", portfolio.portfolio, name="portfolio"),
    path(f"{unit}portofolio.xlsx", portfolio.portfolio_xlsx, name="portfolio_xlsx"),
    path(f"{unit}portofolio.pdf", portfolio.portfolio_pdf, name="portfolio_pdf"),
    path(f"{unit}kalibrasi/", calibration.calibration, name="calibration"),
    path(f"{unit}kalibrasi.xlsx", calibration.calibration_xlsx, name="calibration_xlsx"),
    path("ekspor/<uuid:job_id>/", jobs.export_job, name="export_job"),
    path("ekspor/<uuid:job_id>/ulangi/", jobs.export_job_retry, name="export_job_retry"),
    path("ekspor/<uuid:job_id>/unduh/", jobs.export_job_download, name="export_job_download"),
    path("predikat/", registry.registry, name="registry"),
]
