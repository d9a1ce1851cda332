"""The work plan of a cycle: activities per area, their progress, what is overdue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, services
from change_areas.models import Cycle, ProgressEntry, WorkPlanItem, WorkPlanStatus
from change_areas.views import common
from units.access import Perm, unit_permission


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def work_plan(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Every work-plan item of the cycle by area, with progress and what is overdue."""
    context = common.cycle_context(request, cycle)
    items = list(
        WorkPlanItem.objects.filter(cycle=cycle)
        .select_related("area", "assignee")
        .prefetch_related(
            Prefetch(
                "progress_entries", ProgressEntry.objects.select_related("evidence", "created_by")
            )
        )
        .order_by("area__order", "due_date", "pk")
    )
    attach_item_forms(cycle, items, can_edit=context["can_edit"])
    groups: dict[int, dict] = {}
    for item in items:
        group = groups.setdefault(item.area_id, {"area": item.area, "items": []})
        group["items"].append(item)
    for group in groups.values():
        active = [i for i in group["items"] if i.status != WorkPlanStatus.CANCELLED]
        group["percent"] = sum(i.percent for i in active) / len(active) if active else 0
    context.update(
        {
            "groups": list(groups.values()),
            "item_form": forms.WorkPlanItemForm(cycle=cycle) if context["can_edit"] else None,
            "overdue_count": sum(1 for item in items if item.overdue),
        }
    )
    return render(request, "change_areas/work_plan.html", context)


def attach_item_forms(cycle: Cycle, items: list[WorkPlanItem], *, can_edit: bool) -> None:
    """Mark overdue items and give each a progress form with ids of its own (one query)."""
    today = timezone.localdate()
    choices = forms.evidence_choices_for(cycle.unit) if can_edit and items else []
    for item in items:
        item.overdue = item.is_overdue(today)
        item.progress_form = (
            forms.ProgressEntryForm(
                unit=cycle.unit, evidence_choices=choices, auto_id=f"p{item.pk}_%s"
            )
            if can_edit
            else None
        )


def _back(request: HttpRequest, cycle: Cycle) -> str:
    return common.own_page(
        request, cycle, reverse("change_areas:work_plan", kwargs={"pk": cycle.pk})
    )


def _errors_as_messages(request: HttpRequest, form) -> None:
    for field, field_errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(
            request, f"{label}: {' '.join(field_errors)}" if label else " ".join(field_errors)
        )


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def work_plan_item_create(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    form = forms.WorkPlanItemForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.work_plan_item_save(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Kegiatan “%(title)s” ditambahkan.") % {"title": form.cleaned_data["title"]},
            )
    else:
        _errors_as_messages(request, form)
    return redirect(_back(request, cycle))


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
def work_plan_item_edit(request: HttpRequest, cycle: Cycle, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        WorkPlanItem.objects.select_related("area", "assignee"), pk=item_id, cycle=cycle
    )
    form = forms.WorkPlanItemForm(request.POST or None, instance=item, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_plan_item_save(
                cycle=cycle, item=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kegiatan diperbarui."))
            return redirect("change_areas:work_plan", pk=cycle.pk)
    context = common.cycle_context(request, cycle)
    context.update({"item": item, "form": form})
    return render(
        request,
        "change_areas/work_plan_item_edit.html",
        context,
        status=400 if form.errors else 200,
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def progress_entry_add(request: HttpRequest, cycle: Cycle, item_id: int) -> HttpResponse:
    item = get_object_or_404(WorkPlanItem, pk=item_id, cycle=cycle)
    form = forms.ProgressEntryForm(request.POST, unit=cycle.unit)
    if form.is_valid():
        try:
            services.progress_entry_add(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Kemajuan “%(title)s” dicatat: %(percent)s%%.")
                % {"title": item.title, "percent": form.cleaned_data["percent"]},
            )
    else:
        _errors_as_messages(request, form)
    return redirect(_back(request, cycle))
