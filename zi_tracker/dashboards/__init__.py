"""Dashboards and reporting (issue 7): read every app, imported by none."""
