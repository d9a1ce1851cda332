"""Printing many declarations at once: a unit's subtree as one zip, and the job that builds it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from declarations import printing, scopes
from declarations.forms import DeclarationFilterForm
from declarations.models import Declaration, PrintJob
from lib import jobs
from units import access
from units.access import Perm, signed_in, unit_permission
from units.models import Unit


@unit_permission(Perm.ADMINISTER)
@require_POST
def print_unit(request: HttpRequest, unit: Unit) -> HttpResponse:
    """Every declaration of the unit and the units below it, as one zip."""
    declarations = list(
        Declaration.objects.in_subtree_of(unit)
        .order_by("event_date", "pk")
        .values_list("pk", flat=True)
    )
    if not declarations:
        messages.error(request, _("Belum ada pencanangan di %(unit)s.") % {"unit": unit.name})
        return redirect(f"{reverse('declarations:list')}?unit={unit.code}")
    job = printing.print_job_start(
        declarations=declarations,
        by=request.user,
        label=_("Semua pencanangan %(unit)s dan unit di bawahnya") % {"unit": unit.name},
    )
    return redirect(job)


@unit_permission(Perm.ADMINISTER, scope=scopes.PRINT_JOB)
def print_job(request: HttpRequest, job: PrintJob) -> HttpResponse:
    return render(
        request,
        "declarations/print_job.html",
        {
            "job": job,
            "stalled": printing.job_is_stalled(job),
            "keep_days": settings.ZI_PRINT_JOB_KEEP_DAYS,
        },
    )


@unit_permission(Perm.ADMINISTER, scope=scopes.PRINT_JOB)
@require_POST
def print_job_retry(request: HttpRequest, job: PrintJob) -> HttpResponse:
    """Start again a job whose worker stopped (or that failed)."""
    return jobs.retry_from_page(request, job, started=_("Pekerjaan cetak dimulai lagi."))


@unit_permission(Perm.ADMINISTER, scope=scopes.PRINT_JOB)
def print_job_download(request: HttpRequest, job: PrintJob) -> FileResponse:
    return jobs.file_response(job, content_type="application/zip")


@signed_in
@require_POST
def print_list(request: HttpRequest) -> HttpResponse:
    """The main list's "Cetak semua (zip)": every declaration the list shows (same filters)
    that the person administers, as one zip."""
    form = DeclarationFilterForm(request.POST)
    paths = [
        m.unit.path
        for m in access.memberships_of(request.user)
        if Perm.ADMINISTER in access.ROLE_PERMS[m.role]
    ]
    if not paths and not request.user.is_superuser:
        raise PermissionDenied(_("Mencetak pencanangan adalah tugas admin unit."))
    queryset = form.filter(Declaration.objects.visible_to(request.user), unit=None)
    if not request.user.is_superuser:
        queryset = queryset.filter(unit__in=Unit.objects.within_paths(paths))
    declarations = list(queryset.order_by("event_date", "pk").values_list("pk", flat=True))
    if not declarations:
        messages.error(request, _("Tidak ada pencanangan yang dapat Anda cetak di daftar ini."))
        return redirect("declarations:list")
    job = printing.print_job_start(
        declarations=declarations, by=request.user, label=_("Pencanangan dari daftar")
    )
    return redirect(job)
