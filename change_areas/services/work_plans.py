"""Work-plan items and the progress logged on them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from change_areas import notifications, selectors
from change_areas.models import (
    Cycle,
    Evidence,
    ProgressEntry,
    WorkPlanItem,
    WorkPlanStatus,
)
from lib.writes import record
from units import access
from units.access import Perm


def _refresh_work_plan_percent(cycle: Cycle) -> None:
    average = (
        WorkPlanItem.objects.filter(cycle=cycle)
        .exclude(status=WorkPlanStatus.CANCELLED)
        .aggregate(average=Avg("percent"))["average"]
    )
    Cycle.objects.filter(pk=cycle.pk).update(work_plan_percent=Decimal(str(round(average or 0, 2))))


def _check_work_plan_access(cycle: Cycle, by) -> None:
    if by is not None:
        access.check(by, cycle.unit, Perm.EDIT_SELF)


@transaction.atomic
def work_plan_item_save(
    *, cycle: Cycle, by=None, item: WorkPlanItem | None = None, **fields
) -> WorkPlanItem:
    """Create a work-plan item for the cycle, or change one."""
    _check_work_plan_access(cycle, by)
    item = item or WorkPlanItem(cycle=cycle, created_by=by)
    if item.cycle_id != cycle.pk:
        raise ValidationError(_("Kegiatan ini milik siklus lain."))
    previous_assignee = item.assignee_id
    for name, value in fields.items():
        setattr(item, name, value)
    if item.assignee_id and item.assignee not in selectors.team_members(cycle):
        raise ValidationError(
            _("%(person)s bukan anggota tim %(unit)s.")
            % {"person": item.assignee, "unit": cycle.unit}
        )
    if item.area.framework_id != cycle.work_plan_framework_id:
        raise ValidationError(_("Area harus berasal dari kerangka rencana kerja siklus ini."))
    if item.status == WorkPlanStatus.DONE:
        item.percent = 100
    if item.start_date and item.due_date and item.due_date < item.start_date:
        raise ValidationError(_("Tenggat harus sesudah tanggal mulai."))
    item.full_clean()
    record(item, by=by, reason="work_plan_item_save")
    item.save()
    _refresh_work_plan_percent(cycle)
    if item.assignee_id and item.assignee_id != previous_assignee:
        notifications.notify(
            [item.assignee],
            verb="assignment",
            subject=_("Kegiatan baru: %(title)s") % {"title": item.title},
            message=(
                _(
                    "Anda penanggung jawab kegiatan “%(title)s” (%(unit)s %(year)s), tenggat %(date)s."
                )
                if item.due_date
                else _("Anda penanggung jawab kegiatan “%(title)s” (%(unit)s %(year)s).")
            )
            % {
                "title": item.title,
                "unit": cycle.unit,
                "year": cycle.year,
                "date": date_format(item.due_date, "DATE_FORMAT") if item.due_date else "",
            },
            url=reverse("change_areas:work_plan", kwargs={"pk": cycle.pk}) + f"#kegiatan-{item.pk}",
            cycle=cycle,
            exclude=by,
        )
    return item


@transaction.atomic
def progress_entry_add(
    *,
    item: WorkPlanItem,
    note: str,
    percent: int,
    date: datetime.date | None = None,
    evidence: Evidence | None = None,
    by=None,
) -> ProgressEntry:
    """Log progress on an item; the item takes the entry's percent (and is done at 100)."""
    cycle = item.cycle
    _check_work_plan_access(cycle, by)
    if evidence is not None and evidence.unit_id != cycle.unit_id:
        raise ValidationError(_("Bukti dukung harus milik unit siklus ini."))
    date = date or timezone.localdate()
    if date > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError(_("Kemajuan tidak dapat dicatat untuk tanggal yang akan datang."))
    entry = ProgressEntry(
        item=item,
        note=note.strip(),
        percent=percent,
        date=date,
        evidence=evidence,
        created_by=by,
    )
    entry.full_clean()
    record(entry, by=by, reason="progress_entry_add")
    entry.save()
    item.percent = percent
    if percent >= 100:
        item.status = WorkPlanStatus.DONE
    elif item.status == WorkPlanStatus.PLANNED:
        item.status = WorkPlanStatus.IN_PROGRESS
    record(item, by=by, reason="progress_entry_add")
    item.save(update_fields=["percent", "status"])
    _refresh_work_plan_percent(cycle)
    return entry
