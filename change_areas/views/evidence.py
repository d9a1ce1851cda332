"""A unit's evidence library (bukti dukung): the documents, uploads, downloads, new versions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, services
from change_areas.models import Answer, Area, Evidence, Layer
from lib.files import stored_file_response
from units import access
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.VIEW)
def evidence_library(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The unit's documents, where they are used, and the upload form."""
    can_edit = access.can(request.user, unit, Perm.EDIT_SELF)
    form = (
        forms.EvidenceUploadForm(request.POST or None, request.FILES or None) if can_edit else None
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                evidence = services.evidence_upload(
                    unit=unit,
                    uploaded_file=form.cleaned_data.pop("file"),
                    by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if evidence.reused:
                    messages.info(
                        request,
                        _(
                            "Berkas yang sama sudah ada di pustaka sebagai “%(title)s”; tidak diunggah dua kali."
                        )
                        % {"title": evidence.title},
                    )
                else:
                    messages.success(
                        request,
                        _("Bukti dukung “%(title)s” diunggah.") % {"title": evidence.title},
                    )
                return redirect("change_areas:evidence_library", code=unit.code)
        status = 400
    query = request.GET.get("q", "").strip()[:100]
    areas = list(
        Area.objects.filter(framework__cycles__unit=unit, component__isnull=False, is_active=True)
        .distinct()
        .order_by("framework__code", "order")
    )
    area = request.GET.get("area", "")
    documents = (
        Evidence.objects.for_unit(unit)
        .select_related("blob", "uploaded_by")
        .prefetch_related(
            Prefetch(
                "answers",
                Answer.objects.filter(layer=Layer.SELF)
                .select_related("question__indicator__area", "cycle")
                .order_by("-cycle__year", "question__order", "question__code"),
                to_attr="uses",
            )
        )
        .order_by("-created_at", "-pk")
    )
    if query:
        documents = documents.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if area in {a.code for a in areas}:
        documents = documents.filter(
            answers__layer=Layer.SELF, answers__question__indicator__area__code=area
        ).distinct()
    else:
        area = ""
    page = Paginator(documents, 50).get_page(request.GET.get("halaman"))
    return render(
        request,
        "change_areas/evidence_library.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "page": page,
            "form": form,
            "query": query,
            "areas": areas,
            "area": area,
            "can_edit": can_edit,
            "today": timezone.localdate(),
            "max_mb": settings.ZI_EVIDENCE_MAX_BYTES // 1_000_000,
        },
        status=status,
    )


@unit_permission(Perm.VIEW, scope=scopes.EVIDENCE)
def evidence_download(request: HttpRequest, evidence: Evidence) -> FileResponse:
    """A document, only for people who may see its unit; always as a download."""
    return stored_file_response(
        evidence.blob.file, filename=evidence.original_name, content_type=evidence.blob.content_type
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.EVIDENCE)
@require_POST
def evidence_replace(request: HttpRequest, evidence: Evidence) -> HttpResponse:
    form = forms.EvidenceReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_replace(
                evidence=evidence, uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Berkas “%(title)s” diganti; versi lama tersimpan di riwayat.")
                % {"title": evidence.title},
            )
    else:
        messages.error(request, _("Pilih berkas pengganti."))
    return redirect("change_areas:evidence_library", code=evidence.unit.code)
