"""The roof's rows in the admin: dashboard exports, read-only like every kind of job."""

from django.contrib import admin

from lib.jobs import JobAdmin
from zi_tracker.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    list_display = ("label", "kind", "unit", *JobAdmin.list_display[1:])
    list_filter = ("status", "kind")
    list_select_related = ("created_by", "unit")
