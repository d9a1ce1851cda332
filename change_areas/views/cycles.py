"""A unit's cycles: the list and opening one, a cycle's overview, its proposal
prerequisites, and the gap planner (what to improve first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, scoring, selectors, services, workflow
from change_areas.models import ComponentKind, Cycle, Layer, Prerequisite, Question, WorkPlanItem
from change_areas.views import common
from lib.forms import id_from
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
    context.update(
        {
            "pengungkit": [
                row for row in rows if row["area"].component.kind == ComponentKind.PENGUNGKIT
            ],
            "hasil": [row for row in rows if row["area"].component.kind == ComponentKind.HASIL],
            "checks": checks,
            "checks_unmet": sum(1 for check in checks if check.met is not True),
            "overdue": WorkPlanItem.objects.filter(cycle=cycle).overdue().count(),
            "returned": list(workflow.returned_reviews(cycle).values()),
            "events": list(cycle.events.select_related("actor").order_by("-created_at")[:8]),
        }
    )
    return render(request, "change_areas/cycle_overview.html", context)


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def prerequisites(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The proposal prerequisites of the cycle's target as a checklist, recorded in place."""
    status = 200
    if request.method == "POST":
        prerequisite = get_object_or_404(
            Prerequisite,
            pk=id_from(request.POST.get("prerequisite")) or 0,
            framework=cycle.framework,
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
    """The questions whose improvement adds the most points toward the target."""
    spec = selectors.catalog_spec(cycle.framework)
    card = selectors.scorecard(cycle, Layer.SELF, spec=spec)
    gaps = scoring.gaps(spec, card)[:30]
    questions = {
        q.code: q
        for q in Question.objects.filter(
            framework=cycle.framework, code__in=[g.question for g in gaps]
        ).select_related("indicator__area__component")
    }
    rows = [
        {
            "gap": gap,
            "question": questions[gap.question],
            "url": common.back_to_question(cycle, questions[gap.question]),
        }
        for gap in gaps
    ]
    target_rule = next(
        (
            rule
            for rule in spec.thresholds
            if rule.predicate == cycle.target and rule.kind == "min_total"
        ),
        None,
    )
    needed = (
        max(0.0, target_rule.minimum - card.total) if target_rule and target_rule.minimum else 0.0
    )
    running = 0.0
    for row in rows:
        running += row["gap"].points
        row["cumulative"] = running
        row["reaches_target"] = (
            needed > 0
            and running + scoring.EPSILON >= needed
            and running - row["gap"].points < needed
        )
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "rows": rows,
            "card": card,
            "needed": needed,
            "target_minimum": target_rule.minimum if target_rule else None,
        }
    )
    return render(request, "change_areas/gap_planner.html", context)
