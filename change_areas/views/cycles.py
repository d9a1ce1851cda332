"""A unit's cycles: the list and opening one, a cycle's overview, its proposal
prerequisites, and the gap planner (what to improve first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, notifications, scopes, scoring, selectors, services, workflow
from change_areas.models import (
    ComponentKind,
    Cycle,
    Layer,
    Predicate,
    Prerequisite,
    Question,
    Recommendation,
    WorkPlanItem,
    counted_rows,
)
from change_areas.views import common
from units import access
from units.access import Perm, unit_permission
from units.models import Unit


@unit_permission(Perm.VIEW)
def cycle_list(request: HttpRequest, unit: Unit) -> HttpResponse:
    """A unit's cycles, and the form to open one for those who may."""
    cycles = list(
        Cycle.objects.for_unit(unit).select_related("framework", "campaign").order_by("-year")
    )
    can_open = access.can(request.user, unit, Perm.SUBMIT_SELF)
    return render(
        request,
        "change_areas/cycle_list.html",
        {
            "unit": unit,
            "ancestors": list(unit.ancestors()),
            "cycles": cycles,
            "form": forms.CycleOpenForm() if can_open else None,
        },
    )


@unit_permission(Perm.SUBMIT_SELF)
@require_POST
def cycle_open(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = forms.CycleOpenForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_open(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Siklus %(year)s dibuka.") % {"year": cycle.year})
            return redirect(cycle)
    cycles = list(Cycle.objects.for_unit(unit).select_related("framework", "campaign"))
    return render(
        request,
        "change_areas/cycle_list.html",
        {"unit": unit, "ancestors": list(unit.ancestors()), "cycles": cycles, "form": form},
        status=400,
    )


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def cycle_overview(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """All areas with score and completeness bars, Hasil, eligibility, prerequisites."""
    context = common.cycle_context(request, cycle)
    summary = context["summary"]
    first = selectors.first_unanswered(cycle)
    rows = [
        {
            "area": area,
            "node": summary.get("areas", {}).get(area.code, {}),
            "first_unanswered": first.get(area.code),
        }
        for area in context["nav_areas"]
    ]
    checks = selectors.prerequisite_checklist(cycle)
    returned = selectors.returned_questions(cycle, list(workflow.returned_reviews(cycle).values()))
    for row in returned:
        row.url = common.back_to_question(cycle, row.review.question)
    context.update(
        {
            "pengungkit": [
                row for row in rows if row["area"].component.kind == ComponentKind.PENGUNGKIT
            ],
            "hasil": [row for row in rows if row["area"].component.kind == ComponentKind.HASIL],
            "checks": checks,
            "checks_unmet": sum(1 for check in checks if check.met is not True),
            "overdue": WorkPlanItem.objects.filter(cycle=cycle).overdue().count(),
            "returned": returned,
            "returned_unchanged": [row.review.question.code for row in returned if row.unchanged],
            "unit_turn": cycle.stage in workflow.unit_turn_stages(),
            "submitters": [str(person) for person in notifications.submitters(cycle)],
            "open_recommendations": list(
                Recommendation.objects.open()
                .filter(counted_rows(), cycle__unit=cycle.unit, cycle__year__lte=cycle.year)
                .select_related("cycle", "area")
                .order_by("cycle__year", "due_date", "pk")[:11]
            ),
            "events": list(cycle.events.select_related("actor").order_by("-created_at")[:8]),
        }
    )
    context.update(_schedule_context(request, cycle))
    return render(request, "change_areas/cycle_overview.html", context)


def _schedule_context(request: HttpRequest, cycle: Cycle, form=None) -> dict:
    """The cycle's windows, who may move them, and for them the form. No query."""
    owner = workflow.window_owner_unit(cycle)
    may_move = access.can(request.user, owner, Perm.ADMINISTER)
    return {
        "windows": cycle.windows(),
        "window_owners": workflow.window_owners(cycle),
        "window_form": (form or forms.CycleWindowForm()) if may_move else None,
        "today": timezone.localdate(),
    }


@unit_permission(Perm.ADMINISTER, scope=scopes.CYCLE_WINDOWS)
@require_POST
def cycle_window(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The campaign's owner moves one unit's window (extends it, opens it early), with why."""
    form = forms.CycleWindowForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_window_change(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Jadwal unit ini diubah; tim unit dan penilainya diberi tahu.")
            )
            return redirect(cycle)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(
                request, error if field == "__all__" else f"{form[field].label}: {error}"
            )
    return redirect(f"{cycle.get_absolute_url()}#jadwal")


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def prerequisites(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The proposal prerequisites of the cycle's target as a checklist, recorded in place."""
    status = 200
    if request.method == "POST":
        prerequisite = get_object_or_404(
            Prerequisite, pk=request.POST.get("prerequisite") or 0, framework=cycle.framework
        )
        try:
            services.prerequisite_record_save(
                cycle=cycle,
                prerequisite=prerequisite,
                value=request.POST.get("value", "")[:40],
                note=request.POST.get("note", "")[:2000],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, f"{prerequisite.name}: {' '.join(error.messages)}")
            status = 400
        else:
            messages.success(request, _("%(name)s dicatat.") % {"name": prerequisite.name})
            return redirect("change_areas:prerequisites", pk=cycle.pk)
    context = common.cycle_context(request, cycle)
    instansi = selectors.instansi_of(cycle.unit)
    context.update(
        {
            "checks": selectors.prerequisite_checklist(cycle),
            "instansi": instansi,
            "can_record_instansi": access.can(request.user, instansi, Perm.ADMINISTER),
            "can_record_unit": access.can(request.user, cycle.unit, Perm.SUBMIT_SELF),
        }
    )
    return render(request, "change_areas/prerequisites.html", context, status=status)


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def gap_planner(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Which questions to improve, in order, until every rule of the chosen predicate holds
    (`scoring.plan`), then what else adds points. The failing rules it plans toward are
    those of the eligibility check on the same answers."""
    predicate = request.GET.get("predikat", "")
    if predicate not in Predicate.values:
        predicate = cycle.target
    spec = selectors.catalog_spec(cycle.framework)
    held = selectors.held_predicates(cycle.unit)
    card = selectors.scorecard(cycle, Layer.SELF, spec=spec, held=held)
    plan = scoring.plan(spec, card, predicate, held_predicates=held)
    planned = {step.question for step in plan.steps}
    others = [gap for gap in scoring.gaps(spec, card) if gap.question not in planned][:20]
    codes = planned | {gap.question for gap in others}
    questions = {
        q.code: q
        for q in Question.objects.filter(framework=cycle.framework, code__in=codes).select_related(
            "indicator__area__component"
        )
    }
    labels = {failure.rule: failure.label for failure in plan.failed}
    running = card.total
    steps = []
    for number, step in enumerate(plan.steps, start=1):
        running += step.points
        steps.append(
            {
                "number": number,
                "step": step,
                "question": questions[step.question],
                "url": common.back_to_question(cycle, questions[step.question]),
                "rules": [labels.get(code, code) for code in step.rules],
                "total": running,
                "last": number == len(plan.steps) and plan.reaches,
            }
        )
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "plan": plan,
            "predicate": predicate,
            "predicates": Predicate.choices,
            "card": card,
            "steps": steps,
            "others": [
                {
                    "gap": gap,
                    "question": questions[gap.question],
                    "url": common.back_to_question(cycle, questions[gap.question]),
                }
                for gap in others
            ],
            "eligibility": {
                code: {"eligible": result.eligible, "failed": result.failed}
                for code, result in card.eligibility.items()
            },
        }
    )
    return render(request, "change_areas/gap_planner.html", context)
