"""The reviewers' queue: exactly the cycles waiting for the person's layer in their
scope, what each row says, and its cost in queries."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from change_areas import services
from change_areas.models import Cycle, Layer, ReviewStatus, Stage
from tests.change_areas.helpers import (
    QUESTION_COUNT,
    RETURNED,
    count_queries,
    fresh,
    mark,
    return_for_revision,
    review_url,
)
from tests.factories import CycleFactory, QuestionReviewFactory, UnitFactory
from units.models import UnitKind


def test_the_queue_lists_exactly_the_cycles_waiting_for_the_reviewer(
    submitted, tpi_reviewer, province_tpi_reviewer, other_unit, root_unit, client_for
):
    mark(submitted, RETURNED, tpi_reviewer)
    QuestionReviewFactory(
        cycle=submitted, code="A.MP.PMN.i.b", status=ReviewStatus.ACCEPTED, by=tpi_reviewer
    )
    Cycle.objects.filter(pk=submitted.pk).update(review_closes=datetime.date(2026, 12, 31))
    CycleFactory(unit=other_unit, year=2026)  # still building
    CycleFactory(unit=other_unit, year=2025, stage=Stage.EVALUASI_TPN)
    CycleFactory(unit=other_unit, year=2024, stage=Stage.PENGUSULAN)
    elsewhere = UnitFactory(code="PROV2", kind=UnitKind.INSTANSI_VERTIKAL, parent=root_unit)
    foreign = CycleFactory(unit=UnitFactory(code="FAR", parent=elsewhere), filled=True)
    services.cycle_submit(cycle=foreign, by=None)

    response = client_for(province_tpi_reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [submitted.pk]
    row = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)
    submitted_on = timezone.localtime(fresh(submitted).submitted_at).strftime("%d/%m/%Y")
    for text in (
        "Satker Contoh",
        "Menuju WBK",
        submitted_on,
        "100,00",
        f"1/{QUESTION_COUNT}",  # ditinjau: the question marked perlu perbaikan is not settled
        "Kamis, 31 Desember 2026",
        review_url(submitted),
    ):
        assert text in row, text


def test_the_tpn_queue_lists_cycles_in_evaluasi_tpn_only(submitted, unit, tpn_reviewer, client_for):
    in_tpn = CycleFactory(unit=unit, year=2025, stage=Stage.EVALUASI_TPN)

    response = client_for(tpn_reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [in_tpn.pk]
    assert review_url(in_tpn, layer="tpn") in response.content.decode()


def test_the_pre_reviewers_queue_lists_cycles_in_pre_assessment(
    unit, pre_reviewer, coordinator, submitted, client_for
):
    pre_cycle = CycleFactory(unit=unit, filled=True, year=2025, pre_assessment=True)
    services.cycle_submit(cycle=pre_cycle, by=coordinator)

    response = client_for(pre_reviewer).get(reverse("change_areas:review_queue"))

    assert [cycle.pk for cycle in response.context["cycles"]] == [pre_cycle.pk]
    assert review_url(pre_cycle, layer="pre") in response.content.decode()


def test_a_cycle_returned_by_the_pre_assessor_is_not_in_the_tpi_queue(
    pre_cycle, pre_reviewer, coordinator, tpi_reviewer, client_for
):
    services.cycle_submit(cycle=pre_cycle, by=coordinator)
    return_for_revision(pre_cycle, pre_reviewer, layer=Layer.PRE)  # never reached the TPI

    response = client_for(tpi_reviewer).get(reverse("change_areas:review_queue"))

    assert list(response.context["cycles"]) == []


def test_people_without_a_review_role_see_an_empty_queue(submitted, staff, client_for):
    response = client_for(staff).get(reverse("change_areas:review_queue"))

    assert response.status_code == 200
    assert list(response.context["cycles"]) == []


def test_the_queue_costs_the_same_queries_with_1_and_with_8_cycles(
    province, province_tpi_reviewer, client_for, django_assert_num_queries
):

    def waiting_cycle(number: int) -> None:
        satker = UnitFactory(code=f"S{number}", parent=province)
        cycle = CycleFactory(
            unit=satker, review_closes=datetime.date(2026, 12, 31), stage=Stage.EVALUASI_TPI
        )
        QuestionReviewFactory(cycle=cycle, code=RETURNED, status=ReviewStatus.ACCEPTED)

    waiting_cycle(0)
    client = client_for(province_tpi_reviewer)
    expected = count_queries(client, reverse("change_areas:review_queue"))

    for number in range(1, 8):
        waiting_cycle(number)
    with django_assert_num_queries(expected):
        response = client.get(reverse("change_areas:review_queue"))
    assert len(response.context["cycles"]) == 8
