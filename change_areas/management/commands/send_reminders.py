"""Daily reminders: windows closing soon, overdue work-plan items (to the person in charge
where there is one) and assignments of areas and questions falling due.

Run once a day (cron or a systemd timer). A reminder goes to each person
once per day whatever how often the command runs: a second run the same
day sends nothing new.
"""

import datetime
import itertools

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from change_areas import notifications, selectors, workflow
from change_areas.models import Assignment, Cycle, Layer, ReminderLog, WorkPlanItem
from units.models import Role


class Command(BaseCommand):
    help = _(
        "Kirim pengingat hari ini: jendela pengisian dan penilaian yang ditutup dalam N hari, "
        "rencana kerja yang terlambat (kepada penanggung jawabnya bila ada), penugasan yang "
        "jatuh tempo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help=_("ingatkan jendela yang ditutup dalam sekian hari")
        )

    def handle(self, *args, days, **options):
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=days)
        sent = 0
        filling = Cycle.objects.filter(
            stage__in=workflow.unit_turn_stages(),
            fill_closes__gte=today,
            fill_closes__lte=horizon,
        ).select_related("unit")
        for cycle in filling:
            sent += self._remind(
                notifications.unit_team(cycle),
                key=f"fill-closes:{cycle.pk}",
                today=today,
                cycle=cycle,
                subject=f"Pengisian LKE {cycle.unit} ditutup {date_format(cycle.fill_closes, 'DATE_FORMAT')}",
                message=(
                    f"Pengisian penilaian unit {cycle.unit} tahun {cycle.year} ditutup pada "
                    f"{date_format(cycle.fill_closes, 'DATE_FORMAT')} ({(cycle.fill_closes - today).days} hari lagi). "
                    f"Terisi {float(cycle.self_completeness) * 100:.0f}%."
                ),
                url=reverse("change_areas:cycle_overview", kwargs={"pk": cycle.pk}),
            )
        reviewing = Cycle.objects.filter(
            workflow.waiting_for(Layer.TPI),
            review_closes__gte=today,
            review_closes__lte=horizon,
        ).select_related("unit")
        for cycle in reviewing:
            sent += self._remind(
                notifications.reviewers(cycle, Role.TPI_REVIEWER),
                key=f"review-closes:{cycle.pk}",
                today=today,
                cycle=cycle,
                subject=f"Penilaian TPI {cycle.unit} ditutup {date_format(cycle.review_closes, 'DATE_FORMAT')}",
                message=(
                    f"Jendela penilaian TPI untuk {cycle.unit} tahun {cycle.year} ditutup pada "
                    f"{date_format(cycle.review_closes, 'DATE_FORMAT')} ({(cycle.review_closes - today).days} hari lagi)."
                ),
                url=reverse(
                    "change_areas:review",
                    kwargs={"pk": cycle.pk, "layer": "tpi", "area_code": "A.MP"},
                ),
            )
        overdue: dict[int, list[WorkPlanItem]] = {}
        for item in (
            WorkPlanItem.objects.overdue(today)
            .select_related("cycle__unit", "assignee")
            .order_by("due_date")
        ):
            if item.assignee_id and item.assignee.is_active:
                # An activity with a person in charge reminds that person.
                sent += self._remind(
                    [item.assignee],
                    key=f"overdue-item:{item.pk}",
                    today=today,
                    cycle=item.cycle,
                    subject=f"Kegiatan “{item.title}” melewati tenggat",
                    message=(
                        f"Kegiatan rencana kerja “{item.title}” ({item.cycle.unit}) yang menjadi "
                        f"tanggung jawab Anda melewati tenggat {date_format(item.due_date, 'DATE_FORMAT')} "
                        f"({item.percent}%)."
                    ),
                    url=reverse("change_areas:work_plan", kwargs={"pk": item.cycle_id}),
                )
                continue
            overdue.setdefault(item.cycle_id, []).append(item)
        sent += self._remind_assignees(today, horizon)
        for items in overdue.values():
            cycle = items[0].cycle
            titles = "; ".join(
                f"{item.title} (tenggat {date_format(item.due_date, 'DATE_FORMAT')})"
                for item in items[:10]
            )
            sent += self._remind(
                [person for person in notifications.unit_team(cycle)],
                key=f"overdue:{cycle.pk}",
                today=today,
                cycle=cycle,
                subject=f"{len(items)} kegiatan rencana kerja {cycle.unit} terlambat",
                message=f"Kegiatan rencana kerja yang melewati tenggat: {titles}.",
                url=reverse("change_areas:work_plan", kwargs={"pk": cycle.pk}),
            )
        self.stdout.write(_("Pengingat terkirim: %(count)d") % {"count": sent})

    def _remind_assignees(self, today, horizon) -> int:
        """Areas and questions given to someone, due by the horizon and not all answered."""
        sent = 0
        for _cycle, rows in itertools.groupby(
            Assignment.objects.filter(
                workflow.unit_has_work("cycle__"),
                due_date__isnull=False,
                due_date__lte=horizon,
                assignee__is_active=True,
            )
            .select_related("cycle__unit", "assignee", "area", "question")
            .order_by("cycle_id", "assignee_id", "due_date"),
            key=lambda assignment: assignment.cycle_id,
        ):
            rows = list(rows)
            cycle = rows[0].cycle
            progress = {row.person.pk: row for row in selectors.team_progress(cycle, today)}
            for assignment in rows:
                row = progress.get(assignment.assignee_id)
                if row is None or not row.unanswered:
                    continue
                what = assignment.question.code if assignment.question_id else assignment.area.name
                late = assignment.due_date < today
                sent += self._remind(
                    [assignment.assignee],
                    key=f"assignment:{assignment.pk}",
                    today=today,
                    cycle=cycle,
                    subject=f"Tugas LKE {what} {'melewati tenggat' if late else 'segera jatuh tempo'}",
                    message=(
                        f"Tugas Anda mengisi {what} ({cycle.unit} {cycle.year}) "
                        f"{'melewati' if late else 'bertenggat'} {date_format(assignment.due_date, 'DATE_FORMAT')}. "
                        f"{row.summary}"
                    ),
                    url=reverse("change_areas:cycle_tasks", kwargs={"pk": cycle.pk}),
                )
        return sent

    def _remind(self, people, *, key: str, today, **message) -> int:
        """Notify the people not yet reminded of `key` today; record each reminder."""
        fresh = []
        for person in people:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(user=person, key=key, day=today)
            except IntegrityError:
                continue  # already reminded today
            fresh.append(person)
        if not fresh:
            return 0
        with transaction.atomic():
            return notifications.notify(fresh, verb="reminder", **message)
