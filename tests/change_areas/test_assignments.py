"""Work assigned: the coordinator gives areas, questions and activities to team members
(the person in charge is a person), each person's home lists their own tasks with due
dates, reminders go to the person assigned, the coordinator sees who is behind and
nudges them, and staff at 100 % see who submits and tell them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import selectors, services, workflow
from change_areas.models import Area, Assignment, Notification, WorkPlanItem
from tests.change_areas.helpers import fresh, notified, question, recipients, run, url
from tests.clock import on
from tests.factories import CycleFactory, WorkPlanItemFactory, member
from units.models import Role


def area(cycle, code="A.MP") -> Area:
    return Area.objects.get(framework=cycle.framework, code=code)


@pytest.fixture
def building(unit) -> object:
    """UNIT's cycle being filled: A.MP answered but A.MP.PMN.i.a and A.MP.PMN.i.b."""
    return CycleFactory(unit=unit, filled=True, leave_out=["A.MP.PMN.i.a", "A.MP.PMN.i.b"])


def test_the_coordinator_assigns_an_area_and_the_member_is_told(building, coordinator, staff):
    assignment = services.assignment_set(
        cycle=building,
        area=area(building),
        assignee=staff,
        due_date=datetime.date(2026, 3, 31),
        by=coordinator,
    )

    assert (assignment.assignee, assignment.assigned_by) == (staff, coordinator)
    notice = Notification.objects.get(user=staff, verb="assignment")
    assert "Manajemen Perubahan" in notice.message and "2026" in notice.message


def test_giving_an_area_again_replaces_its_holder(building, coordinator, staff):
    services.assignment_set(cycle=building, area=area(building), assignee=staff, by=coordinator)
    services.assignment_set(
        cycle=building, area=area(building), assignee=coordinator, by=coordinator
    )

    assert list(Assignment.objects.values_list("assignee__username", flat=True)) == ["coordinator"]


@pytest.mark.parametrize("role", ["staff", "tpi_reviewer", "viewer"])
def test_only_who_manages_the_team_assigns(building, request, role, staff):
    with pytest.raises(PermissionDenied):
        services.assignment_set(
            cycle=building, area=area(building), assignee=staff, by=request.getfixturevalue(role)
        )


def test_only_members_of_the_team_are_assigned(building, coordinator, tpi_reviewer):
    with pytest.raises(ValidationError, match="bukan anggota tim"):
        services.assignment_set(
            cycle=building, area=area(building), assignee=tpi_reviewer, by=coordinator
        )


def test_the_team_progress_says_who_is_behind(building, coordinator, staff):
    services.assignment_set(
        cycle=building,
        area=area(building),
        assignee=staff,
        due_date=datetime.date(2026, 1, 31),
        by=coordinator,
    )
    services.assignment_set(
        cycle=building, question=question("A.TL.PMN.i.a"), assignee=coordinator, by=coordinator
    )

    with on(datetime.date(2026, 2, 15)):
        rows = {row.person.username: row for row in selectors.team_progress(building)}

    mp_questions = selectors._questions_by_area(building.framework)["A.MP"]
    assert (rows["staff"].assigned, rows["staff"].unanswered) == (len(mp_questions), 2)
    assert rows["staff"].behind and rows["staff"].late == 1
    assert (rows["coordinator"].assigned, rows["coordinator"].unanswered) == (1, 0)
    assert not rows["coordinator"].behind


def test_my_tasks_list_what_is_given_to_me_soonest_first(building, coordinator, staff):
    services.assignment_set(
        cycle=building,
        area=area(building),
        assignee=staff,
        due_date=datetime.date(2026, 4, 30),
        by=coordinator,
    )
    WorkPlanItemFactory(
        cycle=building,
        title="Sosialisasi maklumat",
        assignee=staff,
        due_date=datetime.date(2026, 3, 1),
    )

    with on(datetime.date(2026, 3, 15)):
        tasks = selectors.my_tasks(staff, open_cycles=workflow.unit_has_work("cycle__"))

    assert [(task.kind, task.title, task.overdue) for task in tasks] == [
        ("activity", "Sosialisasi maklumat", True),
        ("area", "Manajemen Perubahan", False),
    ]
    assert (tasks[1].done, tasks[1].total) == (tasks[1].total - 2, tasks[1].total)


def test_the_home_page_shows_tugas_saya(building, coordinator, staff, client_for):
    services.assignment_set(cycle=building, area=area(building), assignee=staff, by=coordinator)

    html = client_for(staff).get(reverse("home")).content.decode()

    assert "Tugas saya" in html and "Manajemen Perubahan" in html
    assert reverse("change_areas:area", kwargs={"pk": building.pk, "area_code": "A.MP"}) in html


def test_the_coordinator_nudges_a_member_once_a_day(
    building, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    services.assignment_set(cycle=building, area=area(building), assignee=staff, by=coordinator)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.person_nudge(cycle=building, person=staff, by=coordinator)
    with pytest.raises(ValidationError, match="sudah diingatkan hari ini"):
        services.person_nudge(cycle=building, person=staff, by=coordinator)

    assert recipients(mailoutbox) == ["staff@example.go.id"]
    assert "2 pertanyaan yang ditugaskan belum dijawab" in mailoutbox[0].body


def test_a_parent_administrator_nudges_a_lagging_unit(building, province, staff, coordinator):
    admin = member(province, Role.UNIT_ADMIN, "admin-provinsi")

    count = services.team_nudge(cycle=building, by=admin)

    assert count == 2
    assert notified(building, "reminder") == {"staff", "coordinator"}
    assert (
        "2 pertanyaan penilaian unit 2026 belum dijawab"
        in Notification.objects.filter(verb="reminder").first().message
    )


def test_an_overdue_activity_reminds_its_person_in_charge_only(
    building, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    WorkPlanItemFactory(
        cycle=building, title="Survei internal", assignee=staff, due_date=datetime.date(2026, 1, 10)
    )
    mailoutbox.clear()

    with on(datetime.date(2026, 2, 1)), django_capture_on_commit_callbacks(execute=True):
        run("send_reminders")

    assert recipients(mailoutbox) == ["staff@example.go.id"]
    assert "Survei internal" in mailoutbox[0].subject


def test_an_assignment_falling_due_reminds_its_holder(
    building, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    services.assignment_set(
        cycle=building,
        area=area(building),
        assignee=staff,
        due_date=datetime.date(2026, 2, 5),
        by=coordinator,
    )
    mailoutbox.clear()

    with on(datetime.date(2026, 2, 1)), django_capture_on_commit_callbacks(execute=True):
        run("send_reminders", "--days", "7")

    assert recipients(mailoutbox) == ["staff@example.go.id"]
    assert "Manajemen Perubahan" in mailoutbox[0].subject


def test_the_work_plan_item_takes_a_member_as_person_in_charge(
    building, coordinator, staff, client_for
):
    response = client_for(coordinator).post(
        url("work_plan_item_create", building),
        {
            "area": area(building).pk,
            "title": "Rapat tim",
            "assignee": staff.pk,
            "status": "direncanakan",
            "percent": 0,
        },
    )

    assert response.status_code == 302
    item = WorkPlanItem.objects.get(title="Rapat tim")
    assert (item.assignee, item.person_label) == (staff, str(staff))
    assert Notification.objects.filter(user=staff, verb="assignment").exists()


def test_the_tasks_page_lets_the_coordinator_assign_and_nudge(
    building, coordinator, staff, client_for
):
    client = client_for(coordinator)

    saved = client.post(
        url("assignment_save", building),
        {"question": "A.MP.PMN.i.a", "assignee": staff.pk, "due_date": "2026-03-01"},
    )
    page = client.get(url("cycle_tasks", building)).content.decode()
    nudged = client.post(url("person_nudge", building), {"person": staff.pk})

    assert saved.status_code == 302
    assert Assignment.objects.get().question.code == "A.MP.PMN.i.a"
    assert "A.MP.PMN.i.a" in page and str(staff) in page and "Ingatkan" in page
    assert nudged.status_code == 302
    assert Notification.objects.filter(user=staff, verb="reminder").count() == 1


def test_a_bad_assignment_form_keeps_the_input_and_says_why(
    building, coordinator, staff, client_for
):
    response = client_for(coordinator).post(
        url("assignment_save", building),
        {"question": "A.XX.9", "assignee": staff.pk, "due_date": "2026-03-01"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Pertanyaan A.XX.9 tidak ada di LKE siklus ini." in html
    assert 'value="A.XX.9"' in html and 'value="2026-03-01"' in html
    assert not Assignment.objects.exists()


def test_staff_at_100_percent_see_who_submits_and_tell_them(
    filled_cycle, staff, coordinator, client_for
):
    client = client_for(staff)
    html = client.get(filled_cycle.get_absolute_url()).content.decode()

    told = client.post(url("cycle_notify_submitters", filled_cycle))
    again = client.post(url("cycle_notify_submitters", filled_cycle), follow=True)

    assert f"Penilaian unit diajukan kepada penilai oleh {coordinator}." in html
    assert url("cycle_notify_submitters", filled_cycle) in html
    assert told.status_code == 302
    notice = Notification.objects.get(user=coordinator, verb="ready")
    assert "sudah terjawab dan siap diajukan" in notice.message
    assert "sudah diberi tahu hari ini" in again.content.decode()
    assert fresh(filled_cycle).stage == "pembangunan"


def test_the_campaign_page_shows_who_lags_and_reminds_their_team(
    unit, other_unit, province, staff, client_for
):
    admin = member(province, Role.UNIT_ADMIN, "admin-provinsi")
    campaign, _made, _skipped = services.campaign_open(
        root=province,
        framework=unit.cycles.model._meta.apps.get_model(
            "change_areas", "Framework"
        ).objects.current(),
        year=2026,
        name="Kampanye 2026",
        fill_opens=datetime.date(2026, 1, 1),
        fill_closes=datetime.date(2026, 12, 31),
        review_opens=datetime.date(2027, 1, 1),
        review_closes=datetime.date(2027, 2, 1),
        by=admin,
    )
    page = reverse("change_areas:campaign_detail", kwargs={"pk": campaign.pk})
    client = client_for(admin)

    html = client.get(page).content.decode()
    lagging = campaign.cycles.get(unit=unit)
    response = client.post(url("team_nudge", lagging), {"next": page})

    assert ">113</span>" in html and "Ingatkan tim" in html
    assert response.status_code == 302 and response["Location"] == page
    assert notified(lagging, "reminder") == {"staff"}
