"""Recommendations followed up (tindak lanjut): the TPI writes them per area while it reviews,
the unit answers each with what it did and evidence once the TPI is final, the TPI marks
it done or not done, and open items show on the unit's home, its dashboard and its next
cycle."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import services
from change_areas.models import Area, Layer, Recommendation, RecommendationStatus
from tests.change_areas.helpers import accept_all, fresh, notified, url
from tests.factories import CycleFactory, EvidenceFactory
from tests.files import upload
from zi_tracker.dashboards import selectors as dashboards


def area(cycle, code: str = "A.MP") -> Area:
    return Area.objects.get(framework=cycle.framework, code=code)


def recommend(cycle, by, text="Susun SOP pengaduan yang baru.", code="A.MP", **extra):
    return services.recommendation_add(
        cycle=cycle, layer=Layer.TPI, area=area(cycle, code), text=text, by=by, **extra
    )


def finalise(cycle, tpi_reviewer):
    accept_all(cycle, Layer.TPI, tpi_reviewer)
    services.cycle_finalise_tpi(cycle=cycle, by=tpi_reviewer)
    return fresh(cycle)


def test_the_tpi_recommends_per_area_while_reviewing(submitted, tpi_reviewer):
    item = recommend(submitted, tpi_reviewer, due_date=datetime.date(2026, 12, 31))

    assert (item.layer, item.area.code, item.status) == (
        Layer.TPI,
        "A.MP",
        RecommendationStatus.OPEN,
    )
    assert item.created_by == tpi_reviewer


@pytest.mark.parametrize("role", ["staff", "coordinator", "tpn_reviewer"])
def test_only_the_tpi_writes_its_recommendations(submitted, request, role):
    with pytest.raises(PermissionDenied):
        recommend(submitted, request.getfixturevalue(role))


def test_no_recommendation_before_the_cycle_reaches_the_tpi(filled_cycle, tpi_reviewer):
    with pytest.raises(PermissionDenied):
        recommend(filled_cycle, tpi_reviewer)


def test_the_unit_follows_up_only_once_the_tpi_is_final(submitted, tpi_reviewer, staff):
    item = recommend(submitted, tpi_reviewer)

    with pytest.raises(ValidationError, match="setelah penilaian lapis ini final"):
        services.follow_up_report(recommendation=item, note="SOP disusun", by=staff)


def test_a_recommendation_is_followed_up_judged_not_done_then_closed(
    submitted, tpi_reviewer, staff, coordinator, django_capture_on_commit_callbacks
):
    item = recommend(submitted, tpi_reviewer)
    finalise(submitted, tpi_reviewer)
    evidence = EvidenceFactory(unit=submitted.unit, title="SOP Pengaduan 2026")

    services.follow_up_report(recommendation=item, note="SOP disusun.", evidence=evidence, by=staff)
    assert Recommendation.objects.get(pk=item.pk).status == RecommendationStatus.ANSWERED
    assert notified(submitted, "follow_up") == {"tpi"}

    with pytest.raises(ValidationError):
        services.follow_up_verdict(recommendation=item, done=False, by=tpi_reviewer)  # why?
    services.follow_up_verdict(
        recommendation=item, done=False, note="SOP belum ditetapkan kepala unit.", by=tpi_reviewer
    )
    assert Recommendation.objects.get(pk=item.pk).status == RecommendationStatus.OPEN

    services.follow_up_report(recommendation=item, note="SOP ditetapkan.", by=coordinator)
    services.follow_up_verdict(recommendation=item, done=True, by=tpi_reviewer)

    stored = Recommendation.objects.get(pk=item.pk)
    assert (stored.status, stored.closed_by) == (RecommendationStatus.DONE, tpi_reviewer)
    assert list(stored.follow_ups.values_list("side", "verdict")) == [
        (Layer.SELF, ""),
        (Layer.TPI, "belum_selesai"),
        (Layer.SELF, ""),
        (Layer.TPI, "selesai"),
    ]
    with pytest.raises(ValidationError):
        services.follow_up_report(recommendation=item, note="lagi", by=staff)


def test_the_finalised_tpi_tells_the_unit_of_its_recommendations(
    submitted, tpi_reviewer, staff, coordinator
):
    recommend(submitted, tpi_reviewer)
    recommend(submitted, tpi_reviewer, code="A.TL", text="Petakan proses bisnis.")

    finalise(submitted, tpi_reviewer)

    assert notified(submitted, "recommendation") == {"staff", "coordinator"}


def test_open_items_show_on_the_home_the_dashboard_and_the_next_cycle(
    submitted, tpi_reviewer, staff, client_for
):
    item = recommend(submitted, tpi_reviewer)
    finalise(submitted, tpi_reviewer)
    next_year = CycleFactory(unit=submitted.unit, year=2027)
    client = client_for(staff)

    home = client.get(reverse("home")).content.decode()
    overview = client.get(next_year.get_absolute_url()).content.decode()
    board = dashboards.unit_dashboard(submitted.unit, submitted.pk)

    assert item.text in home and "Rekomendasi yang perlu ditindaklanjuti" in home
    assert item.text in overview and "Rekomendasi penilai yang belum selesai" in overview
    assert board.recommendations == {"terbuka": 1, "ditanggapi": 0, "selesai": 0}


def test_the_unit_reports_with_a_new_upload_on_the_page(submitted, tpi_reviewer, staff, client_for):
    item = recommend(submitted, tpi_reviewer)
    finalise(submitted, tpi_reviewer)

    response = client_for(staff).post(
        reverse(
            "change_areas:follow_up_report",
            kwargs={"pk": submitted.pk, "layer": "tpi", "rec_id": item.pk},
        ),
        {"note": "SOP disusun dan disosialisasikan.", "file": upload("sop.pdf")},
    )

    assert response.status_code == 302
    entry = Recommendation.objects.get(pk=item.pk).follow_ups.get()
    assert entry.evidence.unit == submitted.unit and entry.evidence.title == "sop"


def test_the_followups_page_shows_the_forms_by_role(submitted, tpi_reviewer, staff, client_for):
    item = recommend(submitted, tpi_reviewer)
    finalise(submitted, tpi_reviewer)
    services.follow_up_report(recommendation=item, note="SOP disusun.", by=staff)

    staff_html = client_for(staff).get(url("followups", submitted)).content.decode()
    tpi_html = client_for(tpi_reviewer).get(url("followups", submitted)).content.decode()

    report = reverse(
        "change_areas:follow_up_report",
        kwargs={"pk": submitted.pk, "layer": "tpi", "rec_id": item.pk},
    )
    verdict = reverse(
        "change_areas:follow_up_verdict",
        kwargs={"pk": submitted.pk, "layer": "tpi", "rec_id": item.pk},
    )
    assert item.text in staff_html and "SOP disusun." in staff_html
    assert report in staff_html and verdict not in staff_html
    assert verdict in tpi_html and report not in tpi_html


def test_a_recommendation_of_another_cycle_is_404(submitted, tpi_reviewer, unit, client_for):
    item = recommend(submitted, tpi_reviewer)
    other = CycleFactory(unit=unit, year=2025)

    response = client_for(tpi_reviewer).post(
        reverse(
            "change_areas:recommendation_delete",
            kwargs={"pk": other.pk, "layer": "tpi", "rec_id": item.pk},
        )
    )

    assert response.status_code == 404
    assert Recommendation.objects.filter(pk=item.pk).exists()
