"""Who does what: the coordinator's assignments of areas, questions and activities, who is
behind, and the notices a team sends (a nudge, a word to the coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from change_areas import forms, scopes, selectors, services
from change_areas.models import Assignment, Cycle
from change_areas.views import common
from units import access
from units.access import Perm, unit_permission


def _page(cycle: Cycle) -> str:
    return reverse("change_areas:cycle_tasks", kwargs={"pk": cycle.pk})


@unit_permission(Perm.VIEW, scope=scopes.CYCLE)
def cycle_tasks(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The team and what each member holds: areas, questions, activities, who is behind."""
    return _render(request, cycle)


def _render(request: HttpRequest, cycle: Cycle, form=None, status: int = 200) -> HttpResponse:
    members = selectors.team_members(cycle)
    can_assign = access.can(request.user, cycle.unit, Perm.MANAGE_TEAM)
    progress = selectors.team_progress(cycle)
    context = common.cycle_context(request, cycle)
    context.update(
        {
            "progress": progress,
            "behind": [row for row in progress if row.behind],
            "can_assign": can_assign,
            "form": (form or forms.AssignmentForm(cycle=cycle, members=members))
            if can_assign and members
            else None,
        }
    )
    return render(request, "change_areas/cycle_tasks.html", context, status=status)


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.CYCLE)
@require_POST
def assignment_save(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    form = forms.AssignmentForm(request.POST, cycle=cycle, members=selectors.team_members(cycle))
    if form.is_valid():
        try:
            services.assignment_set(cycle=cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Tugas diberikan kepada %(person)s.") % {"person": form.cleaned_data["assignee"]},
            )
            return redirect(_page(cycle))
    return _render(request, cycle, form=form, status=400)


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.ASSIGNMENT)
@require_POST
def assignment_delete(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    cycle = assignment.cycle
    services.assignment_remove(assignment=assignment, by=request.user)
    messages.success(request, _("Penugasan dihapus."))
    return redirect(_page(cycle))


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.CYCLE)
@require_POST
def person_nudge(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """The coordinator reminds one member of what they still hold."""
    person = next(
        (p for p in selectors.team_members(cycle) if str(p.pk) == request.POST.get("person")),
        None,
    )
    if person is None:
        raise Http404
    try:
        services.person_nudge(cycle=cycle, person=person, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(person)s diingatkan.") % {"person": person})
    return redirect(_page(cycle))


@unit_permission(Perm.MANAGE_TEAM, scope=scopes.CYCLE)
@require_POST
def team_nudge(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """Someone above a lagging unit reminds its team (from the campaign or the unit's pages)."""
    try:
        count = services.team_nudge(cycle=cycle, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(count)d anggota tim %(unit)s diingatkan.") % {"count": count, "unit": cycle.unit},
        )
    target = request.POST.get("next", "")
    if (
        cycle.campaign_id
        and target.startswith(f"/kampanye/{cycle.campaign_id}/")
        and "//" not in target
    ):
        return redirect(target)  # back to the campaign's list of units
    return redirect(common.own_page(request, cycle, cycle.get_absolute_url()))


@unit_permission(Perm.EDIT_SELF, scope=scopes.CYCLE)
@require_POST
def cycle_notify_submitters(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    """A team member tells the coordinators that the self-assessment is ready (or how far)."""
    try:
        count = services.cycle_notify_submitters(cycle=cycle, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)d koordinator diberi tahu.") % {"count": count})
    return redirect(common.own_page(request, cycle, cycle.get_absolute_url()))
