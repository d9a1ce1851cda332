"""Laporan Hasil Evaluasi (LHE) pages: the reports of a cycle's reviewer layer, issuing one
(the layer's reviewers, once final), signing one issued unsigned, downloading, and the
public verification page its QR code opens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from change_areas import workflow
from change_areas.models import Cycle, Layer
from declarations import reports, scopes, signing
from declarations.forms import ReportForm, VerifyForm
from declarations.models import EvaluationReport
from declarations.verification import body_too_large, read_upload, too_large, verify
from units import access
from units.access import Perm, perm_by, public, unit_permission

REPORT_PERMS = perm_by(
    "layer", {layer.value: workflow.LAYER_PERMS[layer] for layer in reports.REPORT_LAYERS}
)


def _layer(layer: str) -> Layer:
    if layer not in reports.REPORT_LAYERS:
        raise Http404
    return Layer(layer)


def _page(request: HttpRequest, cycle: Cycle, layer: Layer, form=None, status: int = 200):
    issued = list(
        EvaluationReport.objects.filter(cycle=cycle, layer=layer).select_related(
            "issuer", "signer", "superseded_by"
        )
    )
    may_issue = access.can(request.user, cycle.unit, workflow.LAYER_PERMS[layer])
    issuers = reports.issuer_choices(cycle, request.user) if may_issue else []
    if may_issue and form is None and cycle.layer_counts(layer):
        issuer = issuers[0] if issuers else None
        form = ReportForm(
            issuers=issuers,
            initial={
                "number": reports.suggested_number(cycle, layer),
                "issued_on": timezone.localdate(),
                "place": (issuer.regency if issuer else "") or cycle.unit.regency,
                "issuer": issuer,
                "signer_position": reports.TEAM_TITLES[layer],
            },
        )
    return render(
        request,
        "declarations/reports.html",
        {
            "cycle": cycle,
            "unit": cycle.unit,
            "ancestors": list(cycle.unit.ancestors()),
            "layer": layer,
            "layer_label": layer.label,
            "reports": issued,
            "final": cycle.layer_counts(layer),
            "may_issue": may_issue,
            "form": form,
            # the key that signs for the team's unit offered first (reports.signing_unit)
            "key": signing.key_status(issuers[0] if issuers else cycle.unit) if may_issue else None,
        },
        status=status,
    )


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def report_list(request: HttpRequest, cycle: Cycle, layer: str) -> HttpResponse:
    """The layer's reports of the cycle (the current one first), and the form to issue one."""
    return _page(request, cycle, _layer(layer))


@unit_permission(REPORT_PERMS, scope=scopes.CYCLE)
@require_POST
def report_issue(request: HttpRequest, cycle: Cycle, layer: str) -> HttpResponse:
    layer = _layer(layer)
    issuers = reports.issuer_choices(cycle, request.user)
    form = ReportForm(request.POST, issuers=issuers)
    if form.is_valid():
        try:
            report = reports.report_issue(
                cycle=cycle, layer=layer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                (
                    _("Laporan %(number)s diterbitkan dan ditandatangani secara elektronik.")
                    if report.is_signed
                    else _(
                        "Laporan %(number)s diterbitkan, belum ditandatangani secara elektronik."
                    )
                )
                % {"number": report.number},
            )
            return redirect("declarations:reports", pk=cycle.pk, layer=layer)
    return _page(request, cycle, layer, form=form, status=400)


@unit_permission(REPORT_PERMS, scope=scopes.REPORT)
@require_POST
def report_sign(request: HttpRequest, report: EvaluationReport) -> HttpResponse:
    try:
        reports.report_sign(report=report, by=request.user)
    except (ValidationError, signing.SigningError) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, _("Laporan ditandatangani secara elektronik."))
    return redirect("declarations:reports", pk=report.cycle_id, layer=report.layer)


@unit_permission(Perm.VIEW, scope=scopes.REPORT)
def report_download(request: HttpRequest, report: EvaluationReport) -> FileResponse:
    """The signed PDF when there is one, else the issued one."""
    field = report.signed_pdf if report.is_signed else report.pdf
    response = FileResponse(
        field.open("rb"),
        as_attachment=request.GET.get("lihat") != "1",
        filename=field.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@public
@require_http_methods(["GET", "POST"])
def report_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what was issued under this token, its status and hashes, and an upload check."""
    report = (
        EvaluationReport.objects.select_related("cycle__unit", "superseded_by")
        .filter(verification_token=token)
        .first()
    )
    if report is None:
        raise Http404
    result = None
    status = 200
    form = VerifyForm()
    if request.method == "POST" and body_too_large(request):
        result = too_large()
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            content = read_upload(form.cleaned_data["file"])
            result = content if not isinstance(content, bytes) else verify(report, content)
        else:
            status = 400
    response = render(
        request,
        "declarations/report_verify.html",
        {"report": report, "doc": report.snapshot, "form": form, "result": result},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
