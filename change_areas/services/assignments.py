"""Who does what in a unit's programme: areas, questions and activities given to team
members, and the notices that keep work moving (a nudge to someone behind, a word
to the coordinator that everything is answered).

Capabilities: assigning and nudging need MANAGE_TEAM on the cycle's unit (its
coordinators and administrators, or an administrator above it); telling the
coordinator needs EDIT_SELF (anyone of the unit's team).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from change_areas import notifications, selectors
from change_areas.models import (
    Area,
    Assignment,
    Cycle,
    Layer,
    Question,
    ReminderLog,
    WorkPlanItem,
)
from lib.writes import record
from units import access
from units.access import Perm


def _once_today(people, key: str) -> list:
    """The people not yet told about `key` today; records that they now are."""
    today = timezone.localdate()
    fresh = []
    for person in people:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(user=person, key=key, day=today)
        except IntegrityError:
            continue
        fresh.append(person)
    return fresh


@transaction.atomic
def cycle_notify_submitters(*, cycle: Cycle, by) -> int:
    """A team member tells the coordinators how far the self-assessment is (once a day each).

    Returns how many were told; a ValidationError when all were told today already.
    """
    if by is not None:
        access.check(by, cycle.unit, Perm.EDIT_SELF)
    people = [person for person in notifications.submitters(cycle) if by is None or person != by]
    if not people:
        raise ValidationError(_("Unit ini belum memiliki koordinator yang dapat diberi tahu."))
    fresh = _once_today(people, f"notify-submit:{cycle.pk}")
    if not fresh:
        raise ValidationError(_("Koordinator sudah diberi tahu hari ini."))
    summary = cycle.summary(Layer.SELF)
    answered, questions = summary.get("answered", 0), summary.get("questions", 0)
    message = (
        _(
            "%(who)s: semua %(count)d pertanyaan penilaian unit %(unit)s %(year)s sudah terjawab dan siap diajukan."
        )
        if questions and answered >= questions
        else _(
            "%(who)s: %(answered)d dari %(count)d pertanyaan penilaian unit %(unit)s %(year)s sudah terjawab."
        )
    ) % {
        "who": by or _("Sistem"),
        "count": questions,
        "answered": answered,
        "unit": cycle.unit,
        "year": cycle.year,
    }
    return notifications.notify(
        fresh,
        verb="ready",
        subject=_("Penilaian unit %(unit)s") % {"unit": cycle.unit},
        message=message,
        url=reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk}),
        cycle=cycle,
    )


def _check_member(cycle: Cycle, person) -> None:
    if person not in selectors.team_members(cycle):
        raise ValidationError(
            _("%(person)s bukan anggota tim %(unit)s.") % {"person": person, "unit": cycle.unit}
        )


@transaction.atomic
def assignment_set(
    *,
    cycle: Cycle,
    assignee,
    by,
    area: Area | None = None,
    question: Question | None = None,
    due_date: datetime.date | None = None,
    note: str = "",
) -> Assignment:
    """Give a change area or a question of the cycle to a team member (replacing whoever had
    it) and tell them."""
    if by is not None:
        access.check(by, cycle.unit, Perm.MANAGE_TEAM)
    if (area is None) == (question is None):
        raise ValidationError(_("Pilih satu area atau satu pertanyaan."))
    target = area or question
    if target.framework_id != cycle.framework_id:
        raise ValidationError(_("Area atau pertanyaan ini bukan bagian dari LKE siklus ini."))
    _check_member(cycle, assignee)
    assignment = Assignment.objects.filter(cycle=cycle, area=area, question=question).first()
    assignment = assignment or Assignment(cycle=cycle, area=area, question=question)
    assignment.assignee = assignee
    assignment.due_date = due_date
    assignment.note = note.strip()
    assignment.assigned_by = by
    assignment.full_clean()
    record(assignment, by=by, reason="assignment_set")
    assignment.save()
    what = question.code if question else area.name
    notifications.notify(
        [assignee],
        verb="assignment",
        subject=_("Tugas baru: %(what)s") % {"what": what},
        message=(
            _("Anda ditugaskan mengisi %(what)s (%(unit)s %(year)s), tenggat %(date)s.")
            if due_date
            else _("Anda ditugaskan mengisi %(what)s (%(unit)s %(year)s).")
        )
        % {
            "what": what,
            "unit": cycle.unit,
            "year": cycle.year,
            "date": date_format(due_date, "DATE_FORMAT") if due_date else "",
        },
        url=reverse("change_areas:cycle_tasks", kwargs={"pk": cycle.pk}),
        cycle=cycle,
        exclude=by,
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by) -> None:
    if by is not None:
        access.check(by, assignment.cycle.unit, Perm.MANAGE_TEAM)
    record(assignment, by=by, reason="assignment_remove")
    assignment.delete()


@transaction.atomic
def person_nudge(*, cycle: Cycle, person, by) -> int:
    """The coordinator reminds one member of what they still have to do (once a day)."""
    if by is not None:
        access.check(by, cycle.unit, Perm.MANAGE_TEAM)
    _check_member(cycle, person)
    progress = next((row for row in selectors.team_progress(cycle) if row.person == person), None)
    if progress is None or not progress.has_work:
        raise ValidationError(
            _("%(person)s tidak memiliki tugas yang tertunda.") % {"person": person}
        )
    if not _once_today([person], f"nudge:{cycle.pk}"):
        raise ValidationError(_("%(person)s sudah diingatkan hari ini.") % {"person": person})
    return notifications.notify(
        [person],
        verb="reminder",
        subject=_("Pengingat tugas ZI %(unit)s") % {"unit": cycle.unit},
        message=_("%(who)s mengingatkan: %(summary)s")
        % {"who": by or _("Sistem"), "summary": progress.summary},
        url=reverse("change_areas:cycle_tasks", kwargs={"pk": cycle.pk}),
        cycle=cycle,
    )


@transaction.atomic
def team_nudge(*, cycle: Cycle, by) -> int:
    """Someone above a lagging unit (its administrator, an instansi administrator) reminds
    the unit's team of what is unanswered or overdue (once a day each)."""
    if by is not None:
        access.check(by, cycle.unit, Perm.MANAGE_TEAM)
    summary = cycle.summary(Layer.SELF)
    unanswered = max(0, summary.get("questions", 0) - summary.get("answered", 0))
    overdue = WorkPlanItem.objects.filter(cycle=cycle).overdue().count()
    if not unanswered and not overdue:
        raise ValidationError(
            _(
                "%(unit)s tidak tertinggal: semua pertanyaan terjawab dan tidak ada kegiatan terlambat."
            )
            % {"unit": cycle.unit}
        )
    people = [person for person in notifications.unit_team(cycle) if by is None or person != by]
    fresh = _once_today(people, f"team-nudge:{cycle.pk}")
    if not fresh:
        raise ValidationError(_("Tim %(unit)s sudah diingatkan hari ini.") % {"unit": cycle.unit})
    return notifications.notify(
        fresh,
        verb="reminder",
        subject=_("Pengingat LKE %(unit)s") % {"unit": cycle.unit},
        message=_(
            "%(who)s mengingatkan: %(unanswered)d pertanyaan penilaian unit %(year)s belum dijawab, %(overdue)d kegiatan rencana kerja terlambat."
        )
        % {
            "who": by or _("Sistem"),
            "unanswered": unanswered,
            "overdue": overdue,
            "year": cycle.year,
        },
        url=reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk}),
        cycle=cycle,
    )
