"""The pages of rounds, follow-up, assignments and reports cost the same number of queries
with one row and with many."""

from __future__ import annotations

import datetime

from django.urls import reverse

from change_areas import services
from change_areas.models import Area, Layer
from tests.change_areas.helpers import accept_all, count_queries, mark, question, url
from tests.factories import WorkPlanItemFactory, member
from units.models import Role

CODES = ["A.MP.PMN.i.b", "A.MP.PMN.ii.a", "A.MP.PMN.ii.b", "A.MP.PMN.ii.c", "A.TL.PMN.i.a"]


def test_the_rounds_page_costs_the_same_with_one_round_and_with_many(
    returned, tpi_reviewer, coordinator, staff, client_for, django_assert_num_queries
):
    client = client_for(tpi_reviewer)
    page = reverse("change_areas:review_rounds", kwargs={"pk": returned.pk, "layer": "tpi"})
    expected = count_queries(client, page)

    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)
    for code in CODES:
        mark(returned, code, tpi_reviewer, reason=f"Perbaiki {code}")
        services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)
        worst = question(code).options.order_by("order").last().key
        services.answer_save(cycle=returned, question=question(code), option=worst, by=staff)
        services.cycle_resubmit(cycle=returned, by=coordinator, questions=[question(code)])

    with django_assert_num_queries(expected):
        response = client.get(page)
    assert response.context["rounds"][0].number == 6


def test_the_review_page_costs_the_same_with_one_round_and_with_many(
    returned, tpi_reviewer, coordinator, staff, client_for, django_assert_num_queries
):
    client = client_for(tpi_reviewer)
    page = reverse(
        "change_areas:review", kwargs={"pk": returned.pk, "layer": "tpi", "area_code": "A.MP"}
    )
    expected = count_queries(client, page)

    services.cycle_resubmit(cycle=returned, by=coordinator, confirm_unchanged=True)
    for code in CODES[:4]:
        mark(returned, code, tpi_reviewer, reason=f"Perbaiki {code}")
    services.cycle_return(cycle=returned, layer=Layer.TPI, by=tpi_reviewer)

    with django_assert_num_queries(expected):
        client.get(page)


def test_the_followups_page_costs_the_same_with_one_recommendation_and_with_many(
    submitted, tpi_reviewer, staff, client_for, django_assert_num_queries
):
    areas = list(Area.objects.filter(framework=submitted.framework, component__isnull=False))
    services.recommendation_add(
        cycle=submitted, layer=Layer.TPI, area=areas[0], text="Satu", by=tpi_reviewer
    )
    accept_all(submitted, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=submitted, by=tpi_reviewer)
    client = client_for(staff)
    expected = count_queries(client, url("followups", submitted))

    for index, area in enumerate(areas * 2):
        item = services.recommendation_add(
            cycle=submitted,
            layer=Layer.TPI,
            area=area,
            text=f"Rekomendasi {index}",
            by=tpi_reviewer,
        )
        services.follow_up_report(recommendation=item, note=f"Dikerjakan {index}", by=staff)

    with django_assert_num_queries(expected):
        client.get(url("followups", submitted))


def test_the_tasks_page_costs_the_same_with_one_member_and_with_many(
    cycle, coordinator, staff, client_for, django_assert_num_queries
):
    areas = list(Area.objects.filter(framework=cycle.framework, component__isnull=False))
    services.assignment_set(cycle=cycle, area=areas[0], assignee=staff, by=coordinator)
    client = client_for(coordinator)
    expected = count_queries(client, url("cycle_tasks", cycle))

    for index, area in enumerate(areas[1:]):
        person = member(cycle.unit, Role.STAFF, f"anggota-{index}")
        services.assignment_set(
            cycle=cycle,
            area=area,
            assignee=person,
            due_date=datetime.date(2026, 2, 1),
            by=coordinator,
        )
        services.assignment_set(
            cycle=cycle,
            question=question(CODES[index % len(CODES)]),
            assignee=person,
            by=coordinator,
        )
        WorkPlanItemFactory(cycle=cycle, title=f"Kegiatan {index}", assignee=person)

    with django_assert_num_queries(expected):
        response = client.get(url("cycle_tasks", cycle))
    assert len(response.context["progress"]) == len(areas) + 1


def test_the_home_costs_the_same_with_one_task_and_with_many(
    cycle, coordinator, staff, client_for, django_assert_num_queries
):
    areas = list(Area.objects.filter(framework=cycle.framework, component__isnull=False))
    services.assignment_set(cycle=cycle, area=areas[0], assignee=staff, by=coordinator)
    client = client_for(staff)
    expected = count_queries(client, reverse("home"))

    for area in areas[1:]:
        services.assignment_set(cycle=cycle, area=area, assignee=staff, by=coordinator)
    for index in range(5):
        WorkPlanItemFactory(cycle=cycle, title=f"Kegiatan {index}", assignee=staff)

    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    assert len(response.context["tasks"].mine) >= len(areas)
