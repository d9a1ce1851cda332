"""Recommendations and their follow-up (tindak lanjut): the reviewer writes them per area,
the unit reports what it did with evidence, the reviewer marks each done or not done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, services, workflow
from change_areas.models import (
    Cycle,
    FollowUp,
    Layer,
    Recommendation,
)
from change_areas.views import common
from units import access
from units.access import Perm, perm_by, unit_permission

RECOMMENDING_PERMS = perm_by(
    "layer", {layer.value: workflow.LAYER_PERMS[layer] for layer in (Layer.TPI, Layer.TPN)}
)


def _recommendations(queryset):
    return list(
        queryset.select_related("area", "cycle__unit", "created_by")
        .prefetch_related(
            Prefetch(
                "follow_ups", FollowUp.objects.select_related("author", "evidence").order_by("pk")
            )
        )
        .order_by("cycle__year", "layer", "area__order", "pk")
    )


def _back(request: HttpRequest, cycle: Cycle, anchor: str = "") -> str:
    page = reverse("change_areas:followups", kwargs={"pk": cycle.pk})
    return common.own_page(request, cycle, f"{page}#{anchor}" if anchor else page)


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def followups(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The cycle's recommendations and their follow-up, and those still open from earlier years."""
    items = _recommendations(Recommendation.objects.filter(cycle=cycle))
    earlier = _recommendations(
        Recommendation.objects.open().filter(cycle__unit=cycle.unit, cycle__year__lt=cycle.year)
    )
    can_report = access.can(request.user, cycle.unit, Perm.EDIT_SELF)
    judging = {
        layer
        for layer in (Layer.TPI, Layer.TPN)
        if access.can(request.user, cycle.unit, workflow.LAYER_PERMS[layer])
    }
    today = timezone.localdate()
    for item in [*items, *earlier]:
        item.overdue = item.is_overdue(today)
        item.can_report = can_report and not item.is_done and item.cycle.layer_counts(item.layer)
        item.can_judge = item.layer in judging and item.is_answered
        item.report_form = (
            forms.FollowUpForm(
                unit=cycle.unit,
                auto_id=f"f{item.pk}_%s",
                initial=common.picked_for(request, f"f{item.pk}_evidence"),
            )
            if item.can_report
            else None
        )
        item.verdict_form = forms.VerdictForm(auto_id=f"v{item.pk}_%s") if item.can_judge else None
    adding = [layer for layer in judging if cycle.summary(layer)]
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "items": items,
            "earlier": earlier,
            "add_layers": [(layer, Layer(layer).label) for layer in adding],
            "add_form": forms.RecommendationForm(cycle=cycle) if adding else None,
            "open_count": sum(1 for item in items if not item.is_done),
        }
    )
    return render(request, "change_areas/followups.html", context)


@unit_permission(RECOMMENDING_PERMS, scope=scopes.CYCLE)
@require_POST
def recommendation_add(request: HttpRequest, cycle: Cycle, layer: str) -> HttpResponse:
    form = forms.RecommendationForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.recommendation_add(
                cycle=cycle, layer=layer, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rekomendasi dicatat."))
    else:
        for field_errors in form.errors.values():
            messages.error(request, " ".join(field_errors))
    return redirect(_back(request, cycle))


@unit_permission(RECOMMENDING_PERMS, scope=scopes.RECOMMENDATION)
@require_POST
def recommendation_delete(request: HttpRequest, recommendation: Recommendation) -> HttpResponse:
    cycle = recommendation.cycle
    try:
        services.recommendation_delete(recommendation=recommendation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rekomendasi dihapus."))
    return redirect(_back(request, cycle))


@unit_permission(Perm.EDIT_SELF, scope=scopes.RECOMMENDATION)
@require_POST
def follow_up_report(request: HttpRequest, recommendation: Recommendation) -> HttpResponse:
    """The unit reports what it did, choosing a document from its library or uploading one."""
    cycle = recommendation.cycle
    form = forms.FollowUpForm(request.POST, request.FILES, unit=cycle.unit)
    if form.is_valid():
        try:
            # One transaction: a report refused after its upload keeps no document.
            with transaction.atomic():
                evidence = form.cleaned_data["evidence"]
                upload = form.cleaned_data["file"]
                if upload is not None:
                    evidence = services.evidence_upload(
                        unit=cycle.unit, uploaded_file=upload, title="", by=request.user
                    )
                    if getattr(evidence, "reused", False):
                        messages.info(
                            request,
                            _(
                                "Berkas yang sama sudah ada di pustaka sebagai “%(title)s”; dokumen itu yang dipakai."
                            )
                            % {"title": evidence.title},
                        )
                services.follow_up_report(
                    recommendation=recommendation,
                    note=form.cleaned_data["note"],
                    evidence=evidence,
                    by=request.user,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tindak lanjut dilaporkan kepada penilai."))
    else:
        for field_errors in form.errors.values():
            messages.error(request, " ".join(field_errors))
    return redirect(_back(request, cycle, f"rekomendasi-{recommendation.pk}"))


@unit_permission(RECOMMENDING_PERMS, scope=scopes.RECOMMENDATION)
@require_POST
def follow_up_verdict(request: HttpRequest, recommendation: Recommendation) -> HttpResponse:
    cycle = recommendation.cycle
    form = forms.VerdictForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_verdict(
                recommendation=recommendation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Tindak lanjut dinyatakan selesai.")
                if form.cleaned_data["done"]
                else _("Tindak lanjut dinyatakan belum selesai; unit diberi tahu."),
            )
    else:
        for field_errors in form.errors.values():
            messages.error(request, " ".join(field_errors))
    return redirect(_back(request, cycle, f"rekomendasi-{recommendation.pk}"))
