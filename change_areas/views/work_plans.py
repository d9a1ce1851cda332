"""The work plan of a cycle: activities per area, their progress, what is overdue."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, services
from change_areas.models import Cycle, ProgressEntry, WorkPlanItem, WorkPlanStatus
from change_areas.views import common, lke
from units.access import Perm, unit_permission


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def work_plan(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Every work-plan item of the cycle by area, with progress and what is overdue."""
    return _work_plan_page(request, cycle)


def _work_plan_page(
    request: HttpRequest, cycle: Cycle, *, item_form=None, bound=None, status: int = 200
) -> HttpResponse:
    """The work-plan page; a form just sent with errors (`item_form`, or an item's progress
    form in `bound`) is shown again with the person's input and why it was refused."""
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
    common.attach_item_forms(request, cycle, items, can_edit=context["can_edit"], bound=bound)
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
            "item_form": item_form
            or (forms.WorkPlanItemForm(cycle=cycle) if context["can_edit"] else None),
            "overdue_count": sum(1 for item in items if item.overdue),
            # where its forms come back to, also when a refused post draws it at its own URL
            "page_path": reverse("change_areas:work_plan", kwargs={"pk": cycle.pk}),
        }
    )
    return render(request, "change_areas/work_plan.html", context, status=status)


def _back(request: HttpRequest, cycle: Cycle) -> str:
    return common.own_page(
        request, cycle, reverse("change_areas:work_plan", kwargs={"pk": cycle.pk})
    )


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def work_plan_item_create(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Add an activity; refused, the page it was sent from comes back with the form as typed."""
    form = forms.WorkPlanItemForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.work_plan_item_save(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Kegiatan “%(title)s” ditambahkan.") % {"title": form.cleaned_data["title"]},
            )
            return redirect(_back(request, cycle))
    sent_from = _sent_from(request, cycle)
    if sent_from is not None:
        areas, title = common.areas_of(cycle, sent_from)
        return lke.render_area_page(
            request, cycle, areas, title=title, current=sent_from, item_form=form, status=400
        )
    return _work_plan_page(request, cycle, item_form=form, status=400)


def _sent_from(request: HttpRequest, cycle: Cycle) -> str | None:
    """The area code of the area page the form was sent from, if it was one of this cycle's."""
    target = common.own_page(request, cycle, "")
    if not target:
        return None
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return None
    return match.kwargs.get("area_code") if match.view_name == "change_areas:area" else None


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
    """Log progress, with a document from the library or a new upload (recognised when the
    unit already has it); refused, the work plan comes back with the form as typed."""
    item = get_object_or_404(WorkPlanItem, pk=item_id, cycle=cycle)
    form = forms.ProgressEntryForm(
        request.POST, request.FILES, unit=cycle.unit, auto_id=f"p{item.pk}_%s"
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            # One transaction: an entry refused after its upload keeps no document (and
            # the bytes, written on commit by lib.files, are never stored).
            with transaction.atomic():
                if upload is not None:
                    data["evidence"] = services.evidence_upload(
                        unit=cycle.unit,
                        uploaded_file=upload,
                        title=data.pop("file_title", "") or "",
                        by=request.user,
                    )
                    if data["evidence"].reused:
                        messages.info(
                            request,
                            _(
                                "Berkas yang sama sudah ada di pustaka sebagai “%(title)s”; dokumen itu yang dipakai."
                            )
                            % {"title": data["evidence"].title},
                        )
                data.pop("file_title", None)
                services.progress_entry_add(item=item, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Kemajuan “%(title)s” dicatat: %(percent)s%%.")
                % {"title": item.title, "percent": form.cleaned_data["percent"]},
            )
            return redirect(_back(request, cycle))
    return _work_plan_page(request, cycle, bound={item.pk: form}, status=400)
