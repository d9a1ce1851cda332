"""Dashboards: a unit, a subtree's portfolio and calibration, the public predicate registry."""

from django.urls import path

from zi_tracker.dashboards import views

app_name = "dashboards"

unit = "unit/<unitcode:code>/"

urlpatterns = [
    path("dasbor/", views.index, name="index"),
    path(f"{unit}dasbor/", views.unit_dashboard, name="unit"),
    path(f"{unit}dasbor.pdf", views.unit_dashboard_pdf, name="unit_pdf"),
    path(f"{unit}portofolio/", views.portfolio, name="portfolio"),
    path(f"{unit}portofolio.xlsx", views.portfolio_xlsx, name="portfolio_xlsx"),
    path(f"{unit}portofolio.pdf", views.portfolio_pdf, name="portfolio_pdf"),
    path(f"{unit}kalibrasi/", views.calibration, name="calibration"),
    path(f"{unit}kalibrasi.xlsx", views.calibration_xlsx, name="calibration_xlsx"),
    path("predikat/", views.registry, name="registry"),
]
