"""What the reviews produced: the layers side by side, the TPI's report, and the
predicates a unit holds (and their revocation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, selectors, services
from change_areas.models import Area, Cycle, Layer, PredicateAward
from change_areas.views import common
from units import access
from units.access import Perm, unit_permission
from units.models import Unit


def _comparison_rows(cycle: Cycle) -> list[dict]:
    summaries = {
        layer: cycle.summary(layer) for layer in (Layer.SELF, Layer.PRE, Layer.TPI, Layer.TPN)
    }
    rows = []
    for area in (
        Area.objects.filter(framework=cycle.framework, is_active=True)
        .select_related("component")
        .order_by("order")
    ):
        row = {"area": area}
        for layer, summary in summaries.items():
            row[layer] = summary.get("areas", {}).get(area.code)
        if row[Layer.SELF] and row[Layer.TPI]:
            row["difference"] = row[Layer.TPI]["value"] - row[Layer.SELF]["value"]
        if row[Layer.TPI] and row[Layer.TPN]:
            row["tpn_difference"] = row[Layer.TPN]["value"] - row[Layer.TPI]["value"]
        rows.append(row)
    return rows


def _check_may_see_review(cycle: Cycle, user) -> None:
    """The unit sees the TPI's figures once they are final; reviewers always."""
    perms = access.perms_on(user, cycle.unit)
    if not (
        perms & {Perm.REVIEW_PRE, Perm.REVIEW_TPI, Perm.REVIEW_TPN, Perm.ADMINISTER}
        or cycle.tpi_finalised_at
    ):
        raise PermissionDenied(_("Nilai TPI dapat dilihat unit setelah penilaian TPI final."))


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def comparison(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Self, TPI (and TPN) scores per area side by side, with the differences and both eligibilities."""
    _check_may_see_review(cycle, request.user)
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "rows": _comparison_rows(cycle),
            "summaries": {
                layer: cycle.summary(layer)
                for layer in (Layer.SELF, Layer.PRE, Layer.TPI, Layer.TPN)
            },
            "has_pre": bool(cycle.summary(Layer.PRE)),
            "has_tpn": bool(cycle.summary(Layer.TPN)),
            "changed": selectors.changed_answers(cycle, Layer.TPI, limit=200),
            "events": list(cycle.events.select_related("actor").order_by("created_at")),
        }
    )
    return render(request, "change_areas/comparison.html", context)


@unit_permission(Perm.VIEW)
def predicate_timeline(request: HttpRequest, unit: Unit) -> HttpResponse:
    awards = list(
        PredicateAward.objects.for_unit(unit)
        .select_related("cycle", "revoked_by", "decided_by")
        .order_by("decree_date")
    )
    return render(
        request,
        "change_areas/predicates.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "awards": awards,
            "can_revoke": request.user.is_superuser,
            "revoke_form": forms.RevokeForm() if request.user.is_superuser else None,
            "today": timezone.localdate(),
        },
    )


@unit_permission(Perm.NATIONAL, scope=scopes.AWARD)
@require_POST
def predicate_revoke(request: HttpRequest, award: PredicateAward) -> HttpResponse:
    """The national admin records a revocation on the TPN's recommendation."""
    form = forms.RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.predicate_revoke(award=award, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Predikat dicabut; unit tidak dapat diusulkan kembali selama dua tahun.")
            )
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("change_areas:predicates", code=award.unit.code)
