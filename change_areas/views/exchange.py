"""A cycle's figures going out and answers coming in: the scorecard as JSON and as a
recap PDF, and the LKE as a spreadsheet to download or upload."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from change_areas import forms, lke, scopes, selectors, workbook
from change_areas.models import Area, ComponentKind, Cycle, Layer
from change_areas.views import common
from lib.imports import ImportFileError, read_dataset
from lib.pdf import absolute_url, image_data_uri, render_pdf
from units.access import Perm, unit_permission


def _layer_param(request: HttpRequest, cycle: Cycle) -> str:
    """The layer asked for (`?layer=`): the unit's own for everyone, reviewers' for reviewers."""
    layer = request.GET.get("layer", Layer.SELF)
    if layer not in Layer.values:
        raise Http404
    if not selectors.may_read_layer(request.user, cycle, layer):
        raise PermissionDenied
    return layer


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def scorecard_json(request: HttpRequest, cycle: Cycle) -> JsonResponse:
    layer = _layer_param(request, cycle)
    return JsonResponse(
        selectors.scorecard_json(cycle, layer), json_dumps_params={"ensure_ascii": False}
    )


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def scorecard_pdf(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The recap laid out like the workbook's: areas × pemenuhan/reform, Hasil, total, eligibility."""
    layer = _layer_param(request, cycle)
    card = selectors.scorecard(cycle, layer)
    rows = []
    for area in (
        Area.objects.filter(framework=cycle.framework, is_active=True)
        .select_related("component")
        .prefetch_related("parts")
        .order_by("order")
    ):
        parts = (
            {p.kind: p for p in area.parts.all()}
            if area.component.kind == ComponentKind.PENGUNGKIT
            else {}
        )
        rows.append(
            {
                "area": area,
                "node": card.areas.get(area.code),
                "pemenuhan": card.parts.get(parts["pemenuhan"].code)
                if "pemenuhan" in parts
                else None,
                "reform": card.parts.get(parts["reform"].code) if "reform" in parts else None,
            }
        )
    rendered = render_pdf(
        "pdf/scorecard.html",
        {
            "cycle": cycle,
            "unit": cycle.unit,
            "layer": Layer(layer).label,
            "card": card,
            "rows": rows,
            "pengungkit_rows": [
                r for r in rows if r["area"].component.kind == ComponentKind.PENGUNGKIT
            ],
            "hasil_rows": [r for r in rows if r["area"].component.kind == ComponentKind.HASIL],
            "generated": timezone.localtime(),
            "document_number": f"LKE-{cycle.unit.code}-{cycle.year}-{layer}",
            "logo": image_data_uri(cycle.unit.logo),
        },
        filename=f"rekap-lke-{cycle.unit.code}-{cycle.year}-{layer}.pdf",
    )
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    return response


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def lke_export(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    layer = _layer_param(request, cycle)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    content = lke.export_dataset(cycle, layer).export(fmt)
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lke-{cycle.unit.code}-{cycle.year}-{layer}.{fmt}"'
    )
    return response


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
def lke_import(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Upload an LKE file into the self-assessment: all rows or none, errors by row."""
    form = forms.LkeImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    context = common.cycle_context(request, cycle)
    if request.method == "POST":
        if not context["editable"]:
            raise PermissionDenied(context["edit_reason"])
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > 5_000_000:
                    raise ImportFileError(_("Berkas LKE terlalu besar (batas 5 MB)."))
                dataset = read_dataset(upload.read(), file_name=upload.name)
                written = lke.import_dataset(cycle, Layer.SELF, dataset, by=request.user)
            except ImportFileError as error:
                errors = error.errors
            except lke.LkeImportError as error:
                errors = error.errors
            else:
                messages.success(
                    request, _("%(count)d jawaban diimpor dari berkas.") % {"count": written}
                )
                return redirect(cycle)
    context.update({"form": form, "errors": errors})
    return render(
        request,
        "change_areas/lke_import.html",
        context,
        status=400 if errors or form.errors else 200,
    )


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def lke_workbook_export(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The LKE in the official workbook's layout, with its formulas; reviewers' layers beside
    the unit's for those who may read them."""
    layers = [Layer.SELF]
    if selectors.may_read_layer(request.user, cycle, Layer.TPI):
        answered = set(cycle.answers.values_list("layer", flat=True).distinct())
        layers += [layer for layer in (Layer.PRE, Layer.TPI, Layer.TPN) if layer in answered]
    content = workbook.export_workbook(
        cycle,
        layers=layers,
        evidence_url=lambda evidence: absolute_url(
            reverse("change_areas:evidence_download", kwargs={"pk": evidence.pk})
        ),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lke-zi-{cycle.unit.code}-{cycle.year}.xlsx"'
    )
    return response


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
def lke_workbook_import(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Upload a filled official workbook into the self-assessment: all rows or none."""
    form = forms.LkeWorkbookImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    context = common.cycle_context(request, cycle)
    if request.method == "POST":
        if not context["editable"]:
            raise PermissionDenied(context["edit_reason"])
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > 10_000_000:
                    raise ImportFileError(_("Lembar kerja terlalu besar (batas 10 MB)."))
                written = workbook.import_workbook(
                    cycle, upload.read(), layer=Layer.SELF, by=request.user
                )
            except ImportFileError as error:
                errors = error.errors
            except lke.LkeImportError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _("%(count)d jawaban diimpor dari lembar kerja LKE.") % {"count": written},
                )
                return redirect(cycle)
    context.update({"form": form, "errors": errors})
    return render(
        request,
        "change_areas/lke_workbook_import.html",
        context,
        status=400 if errors or form.errors else 200,
    )
