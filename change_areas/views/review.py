"""The review workflow in the browser: the reviewer's queue, scoring an area beside the
unit's answers, review marks, comment threads, the moves of the workflow
table (submit, return, resubmit, pass, finalise, decide) and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, selectors, services, workflow
from change_areas.models import (
    LAYER_SHORT_LABELS,
    Cycle,
    Layer,
    Notification,
    Question,
    Recommendation,
    ReturnedQuestion,
    ReviewRound,
    ReviewStatus,
)
from change_areas.views import common
from change_areas.views.lke import REVIEW_PERMS
from units import access
from units.access import Perm, perm_by, signed_in, unit_permission

MARKING_PERMS = perm_by(
    "layer", {layer.value: workflow.LAYER_PERMS[layer] for layer in workflow.MARKING_LAYERS}
)


@signed_in
def review_queue(request: HttpRequest) -> HttpResponse:
    """Cycles waiting for this person's review, in their scope. Constant queries."""
    memberships = access.memberships_of(request.user)
    condition = Q(pk__in=[])
    for layer in workflow.REVIEW_STAGE:
        if request.user.is_superuser:
            condition |= workflow.waiting_for(layer)
            continue
        for membership in memberships:
            if workflow.LAYER_PERMS[layer] in access.ROLE_PERMS[membership.role]:
                condition |= Q(unit__path__startswith=membership.unit.path) & workflow.waiting_for(
                    layer
                )
    on_layer = {
        layer: Q(reviews__layer=layer) & workflow.waiting_for(layer)
        for layer in workflow.MARKING_LAYERS
    }
    marked = on_layer[Layer.PRE] | on_layer[Layer.TPI]
    cycles = list(
        Cycle.objects.filter(condition)
        .select_related("unit", "framework", "campaign__root")
        .annotate(
            reviewed=Count("reviews", filter=Q(reviews__status=ReviewStatus.ACCEPTED) & marked),
            review_total=Count("reviews", filter=marked),
        )
        .order_by("review_closes", "submitted_at", "unit__path")[:500]
    )
    today = timezone.localdate()
    for cycle in cycles:
        cycle.review_layer = workflow.review_layer(cycle)
        opens = workflow.window_opens(cycle, cycle.review_layer)
        cycle.opens_later = opens if opens and opens > today else None
        cycle.window_owners = workflow.window_owners(cycle) if cycle.opens_later else ""
    return render(request, "change_areas/review_queue.html", {"cycles": cycles, "today": today})


@unit_permission(REVIEW_PERMS, scope=scopes.CYCLE)
def review_area(request: HttpRequest, cycle: Cycle, layer: str, area_code: str) -> HttpResponse:
    """One area: the unit's answers beside this layer's, review marks and threads."""
    layer = Layer(layer)
    areas, title = common.areas_of(cycle, area_code)
    editable, reason = workflow.layer_edit_state(cycle, layer, request.user)
    marks_layer = layer if layer in workflow.MARKING_LAYERS else None
    sections = selectors.area_sections(
        cycle,
        areas,
        layer,
        compare_layer=Layer.SELF,
        review_layer=marks_layer,
        rounds_layer=marks_layer,
    )
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "layer": layer,
            "layer_label": layer.label,
            "layer_short": LAYER_SHORT_LABELS[layer],
            "layer_final": cycle.layer_counts(layer),
            "title": title,
            "current": area_code,
            "sections": sections,
            "review_editable": editable,
            "review_reason": reason,
            "layer_summary": cycle.summary(layer),
            "self_summary": cycle.summary(Layer.SELF),
            "marks": bool(marks_layer),
            "counts": common.review_counts(cycle, marks_layer) if marks_layer else {},
            "page_path": request.path,
            **_area_recommendations(cycle, layer, areas, request.user),
        }
    )
    return render(request, "change_areas/review_area.html", context)


def _area_recommendations(cycle: Cycle, layer: Layer, areas, user) -> dict:
    """The layer's recommendations for the page's areas, and whether the person may add.
    One query; none for a layer that does not recommend."""
    if layer not in services.RECOMMENDING_LAYERS:
        return {"recommendations": None}
    by_area: dict[str, list] = {}
    for item in (
        Recommendation.objects.filter(cycle=cycle, layer=layer, area__in=areas)
        .select_related("area")
        .prefetch_related("follow_ups")
    ):
        by_area.setdefault(item.area.code, []).append(item)
    return {
        "recommendations": by_area,
        "recommendation_form": access.can(user, cycle.unit, workflow.LAYER_PERMS[layer])
        and bool(cycle.summary(layer)),
    }


@unit_permission(MARKING_PERMS, scope=scopes.CYCLE)
@require_POST
def review_mark(request: HttpRequest, cycle: Cycle, layer: str, question_code: str) -> HttpResponse:
    question = common.question_of(cycle, question_code)
    errors = []
    try:
        services.review_mark(
            cycle=cycle,
            question=question,
            layer=layer,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", "")[:5000],
            by=request.user,
        )
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        return common.question_fragment(request, cycle, question, layer, errors=errors)
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    return redirect(common.back_to_question(cycle, question, layer))


@unit_permission(MARKING_PERMS, scope=scopes.CYCLE)
@require_POST
def review_accept_open(
    request: HttpRequest, cycle: Cycle, layer: str, area_code: str
) -> HttpResponse:
    areas, _title = common.areas_of(cycle, area_code)
    count = services.review_accept_open(
        cycle=cycle, layer=layer, area_codes=[a.code for a in areas], by=request.user
    )
    messages.success(request, _("%(count)d pertanyaan ditandai ditinjau.") % {"count": count})
    return redirect("change_areas:review", pk=cycle.pk, layer=layer, area_code=area_code)


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
@require_POST
def comment_add(request: HttpRequest, cycle: Cycle, question_code: str) -> HttpResponse:
    question = common.question_of(cycle, question_code)
    errors = []
    try:
        services.comment_add(
            cycle=cycle, question=question, body=request.POST.get("body", ""), by=request.user
        )
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        return render(
            request,
            "change_areas/area_page.html#comments",
            {
                "cycle": cycle,
                "q": common.question_views(cycle, question, Layer.SELF),
                "comment_side": services.comment_side(cycle, request.user),
                "errors": errors,
            },
        )
    for message in errors:
        messages.error(request, f"{question.code}: {message}")
    if not errors:
        messages.success(request, _("Komentar pada %(code)s terkirim.") % {"code": question.code})
    return redirect(
        common.own_page(
            request, cycle, reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk})
        )
    )


# --------------------------------------------------------------------------
# The moves. Each view names its move's capability once; the service asks the
# workflow table for the rest (stage, window, guard) and says why it refuses.


def _take(request: HttpRequest, move, success: str, **kwargs) -> None:
    try:
        move(by=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@unit_permission(Perm.SUBMIT_SELF, scope=scopes.CYCLE)
@require_POST
def cycle_submit(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    _take(request, services.cycle_submit, _("Penilaian unit diajukan untuk dinilai."), cycle=cycle)
    return redirect(cycle)


@unit_permission(Perm.SUBMIT_SELF, scope=scopes.CYCLE)
@require_POST
def cycle_resubmit(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Hand returned questions back: those named (`question`, one or more), else all.

    A question left as it was returned is handed back only when the form
    confirms it (`confirm_unchanged`); it is then recorded as tidak diubah.
    """
    codes = [code[:80] for code in request.POST.getlist("question")]
    questions = (
        list(Question.objects.filter(framework=cycle.framework, code__in=codes)) if codes else None
    )
    try:
        items = services.cycle_resubmit(
            cycle=cycle,
            by=request.user,
            questions=questions,
            confirm_unchanged=request.POST.get("confirm_unchanged") == "1",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d pertanyaan diajukan kembali kepada penilai.",
                "%(count)d pertanyaan diajukan kembali kepada penilai.",
                len(items),
            )
            % {"count": len(items)},
        )
    return redirect(common.own_page(request, cycle, cycle.get_absolute_url()))


@unit_permission(MARKING_PERMS, scope=scopes.CYCLE)
@require_POST
def cycle_return(request: HttpRequest, cycle: Cycle, layer: str) -> HttpResponse:
    """Send the questions marked perlu perbaikan to the unit as one round; review goes on."""
    try:
        review_round = services.cycle_return(
            cycle=cycle, layer=layer, by=request.user, note=request.POST.get("note", "")[:5000]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d pertanyaan dikembalikan kepada unit (putaran %(round)d); tinjauan pertanyaan lain dapat dilanjutkan.",
                "%(count)d pertanyaan dikembalikan kepada unit (putaran %(round)d); tinjauan pertanyaan lain dapat dilanjutkan.",
                review_round.items.count(),
            )
            % {"count": review_round.items.count(), "round": review_round.number},
        )
    return redirect(
        common.own_page(
            request,
            cycle,
            reverse(
                "change_areas:review", kwargs={"pk": cycle.pk, "layer": layer, "area_code": "A.MP"}
            ),
        )
    )


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def review_rounds(request: HttpRequest, cycle: Cycle, layer: str) -> HttpResponse:
    """Every round of a reviewer layer: what went back, why, and what the unit changed."""
    layer = Layer(layer) if layer in workflow.MARKING_LAYERS else None
    if layer is None:
        raise Http404
    rounds = list(
        ReviewRound.objects.filter(cycle=cycle, layer=layer)
        .select_related("returned_by")
        .prefetch_related(
            Prefetch(
                "items",
                ReturnedQuestion.objects.select_related(
                    "question__indicator__area__component", "resubmitted_by"
                ),
            )
        )
        .order_by("-number")
    )
    for review_round in rounds:
        review_round.rows = [
            {
                "item": item,
                "changes": selectors.snapshot_changes(item.before, item.after),
                "page": common.back_to_question(cycle, item.question),
            }
            for item in review_round.items.all()
        ]
    context = common.cycle_context(request, cycle)
    context.update({"layer": layer, "rounds": rounds})
    return render(request, "change_areas/review_rounds.html", context)


@unit_permission(Perm.REVIEW_PRE, scope=scopes.CYCLE)
@require_POST
def cycle_pass_pre(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    _take(
        request,
        services.cycle_pass_pre_assessment,
        _("Unit lulus penilaian pendahuluan dan diteruskan ke TPI."),
        cycle=cycle,
    )
    return redirect("change_areas:review", pk=cycle.pk, layer=Layer.PRE, area_code="A.MP")


@unit_permission(Perm.REVIEW_TPI, scope=scopes.CYCLE)
@require_POST
def cycle_finalise(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    _take(
        request,
        services.cycle_finalise_tpi,
        _("Penilaian TPI difinalkan dan dikunci."),
        cycle=cycle,
    )
    # The reviewer stays on the review page (the layer now final, with the comparison and
    # the report linked there), not on the unit's self-assessment pages.
    return redirect("change_areas:review", pk=cycle.pk, layer=Layer.TPI, area_code="A.MP")


@unit_permission(Perm.REVIEW_TPN, scope=scopes.CYCLE)
def cycle_decide(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The TPN records the decision: the predicate with its decree, or why not."""
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_decide(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Keputusan dicatat."))
            return redirect(cycle)
    context = common.cycle_context(request, cycle)
    moves = context.get("moves") or {}
    context.update(
        {
            "form": form,
            "tpn_summary": cycle.summary(Layer.TPN),
            "award_reasons": moves["award"].reasons if "award" in moves else [],
        }
    )
    return render(
        request, "change_areas/decision.html", context, status=400 if form.errors else 200
    )


@signed_in
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
        return redirect("change_areas:notifications")
    items = list(Notification.objects.filter(user=request.user).select_related("cycle__unit")[:100])
    return render(request, "change_areas/notifications.html", {"items": items})
