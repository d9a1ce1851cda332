"""Opening a unit's cycle, and opening a campaign over a whole subtree at once."""

from __future__ import annotations

import datetime
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from change_areas import services
from change_areas.models import Campaign, Cycle, CycleAreaScore, CycleEvent, Framework, Layer, Stage
from tests.factories import CycleFactory, UnitFactory, member
from tests.pages import messages_of
from units.models import Role, UnitKind

WINDOWS = {
    "fill_opens": datetime.date(2026, 2, 1),
    "fill_closes": datetime.date(2026, 4, 30),
    "review_opens": datetime.date(2026, 5, 1),
    "review_closes": datetime.date(2026, 6, 30),
}


def this_year() -> int:
    return timezone.localdate().year


def open_url(unit) -> str:
    return reverse("change_areas:cycle_open", kwargs={"code": unit.code})


def cycle_form(framework: Framework, **extra) -> dict:
    return {"framework": framework.pk, "year": this_year(), "target": "wbk", **extra}


def admin_of(unit):
    return member(unit, Role.UNIT_ADMIN)


def subtree(size: int, code: str):
    """A regency with `size` OPDs below it."""
    root = UnitFactory(code=code, name=f"Pemkab {code}", kind=UnitKind.PEMERINTAH_DAERAH)
    units = [
        UnitFactory(code=f"{code}-{n:02d}", kind=UnitKind.OPD, parent=root) for n in range(size)
    ]
    root.refresh_from_db()
    return root, units


def campaign(root, framework, by=None, **extra):
    return services.campaign_open(
        root=root,
        framework=framework,
        year=2026,
        name=f"Penilaian ZI {root.code} 2026",
        by=by,
        **{**WINDOWS, **extra},
    )


# --------------------------------------------------------------------------
# Opening a cycle


@pytest.mark.parametrize("role", ["coordinator", "unit_admin"])
def test_coordinator_or_unit_admin_opens_a_cycle_for_their_unit(
    framework, unit, client_for, request, role
):
    person = request.getfixturevalue(role)

    response = client_for(person).post(open_url(unit), cycle_form(framework, target="wbbm"))

    cycle = Cycle.objects.get(unit=unit)
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    assert (cycle.framework, cycle.work_plan_framework, cycle.year, cycle.target) == (
        framework,
        framework,
        this_year(),
        "wbbm",
    )
    assert (cycle.stage, cycle.created_by) == (Stage.PEMBANGUNAN, person)
    assert cycle.events.get().action == "cycle_open"
    assert cycle.history.get().history_user == person
    assert cycle.summary(Layer.SELF)["questions"] == 113
    assert any(str(this_year()) in text for text in messages_of(response))


@pytest.mark.parametrize("role", ["staff", "viewer", "tpi_reviewer"])
def test_staff_viewers_and_reviewers_may_not_open_a_cycle(
    framework, unit, client_for, request, role
):
    person = request.getfixturevalue(role)

    response = client_for(person).post(open_url(unit), cycle_form(framework))

    assert response.status_code == 403
    assert not Cycle.objects.exists()
    with pytest.raises(PermissionDenied):
        services.cycle_open(unit=unit, framework=framework, year=2026, by=person)
    assert not Cycle.objects.exists()


def test_outsider_gets_404_on_opening_a_cycle(framework, unit, outsider, client_for):
    assert client_for(outsider).post(open_url(unit), cycle_form(framework)).status_code == 404
    with pytest.raises(Http404):
        services.cycle_open(unit=unit, framework=framework, year=2026, by=outsider)
    assert not Cycle.objects.exists()


def test_cycle_list_offers_the_form_only_to_those_who_may_open(
    framework, unit, coordinator, staff, client_for
):
    url = reverse("change_areas:cycle_list", kwargs={"code": unit.code})

    assert "Buka siklus baru" in client_for(coordinator).get(url).content.decode()
    page = client_for(staff).get(url)
    assert page.status_code == 200
    assert "Buka siklus baru" not in page.content.decode()


def test_duplicate_cycle_is_refused_with_a_message(framework, unit, coordinator, client_for):
    CycleFactory(unit=unit, year=this_year())

    response = client_for(coordinator).post(open_url(unit), cycle_form(framework))

    assert response.status_code == 400
    assert f"sudah memiliki siklus {this_year()}" in response.content.decode()
    assert Cycle.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.cycle_open(unit=unit, framework=framework, year=this_year(), by=coordinator)
    assert "sudah memiliki siklus" in " ".join(refused.value.messages)
    assert Cycle.objects.count() == 1


def test_same_unit_and_year_on_another_framework_is_allowed(framework, catalogs, unit):
    CycleFactory(unit=unit, framework=framework)
    legacy = services.cycle_open(unit=unit, framework=catalogs["permenpan-rb-52-2014"], year=2026)

    assert legacy.framework.code == "permenpan-rb-52-2014"
    assert Cycle.objects.filter(unit=unit, year=2026).count() == 2


def test_windows_that_close_before_they_open_are_refused(framework, unit, coordinator, client_for):
    response = client_for(coordinator).post(
        open_url(unit),
        cycle_form(framework, fill_opens="2026-04-01", fill_closes="2026-03-01"),
    )

    assert response.status_code == 400
    assert "Penilaian unit harus ditutup pada atau sesudah tanggal pembukaannya" in (
        response.content.decode()
    )
    assert not Cycle.objects.exists()
    with pytest.raises(ValidationError):
        services.cycle_open(
            unit=unit,
            framework=framework,
            year=2026,
            review_opens=datetime.date(2026, 6, 1),
            review_closes=datetime.date(2026, 5, 1),
            by=coordinator,
        )
    assert not Cycle.objects.exists()


def test_work_plan_only_framework_cannot_carry_a_cycle(catalogs, unit, coordinator):
    with pytest.raises(ValidationError):
        services.cycle_open(
            unit=unit,
            framework=catalogs["reformasi-birokrasi-8-area"],
            year=2026,
            by=coordinator,
        )
    assert not Cycle.objects.exists()


def test_cycle_on_the_eight_rb_areas_for_its_work_plan(
    framework, catalogs, unit, coordinator, client_for
):
    rb = catalogs["reformasi-birokrasi-8-area"]

    response = client_for(coordinator).post(
        open_url(unit), cycle_form(framework, work_plan_framework=rb.pk)
    )

    assert response.status_code == 302
    cycle = Cycle.objects.get(unit=unit)
    assert (cycle.framework, cycle.work_plan_framework) == (framework, rb)


# --------------------------------------------------------------------------
# Campaigns


def test_campaign_opens_one_cycle_per_active_unit_of_the_chosen_kinds(framework):
    root, opds = subtree(4, "PK")
    upt = UnitFactory(code="PK-UPT", kind=UnitKind.UPT, parent=opds[0])
    eselon = UnitFactory(code="PK-ES", kind=UnitKind.UNIT_UTAMA, parent=root)
    UnitFactory(code="PK-OLD", kind=UnitKind.OPD, parent=root, is_active=False)
    admin = admin_of(root)

    opened, created, skipped = campaign(root, framework, by=admin, pre_assessment=True)

    cycles = Cycle.objects.filter(campaign=opened)
    assert (created, skipped) == (5, 0)
    assert {c.unit.code for c in cycles} == {u.code for u in opds} | {upt.code}
    assert not Cycle.objects.filter(unit__in=[root, eselon]).exists()
    for cycle in cycles:
        assert (cycle.framework, cycle.year, cycle.target) == (framework, 2026, "wbk")
        assert (cycle.fill_opens, cycle.fill_closes) == (
            WINDOWS["fill_opens"],
            WINDOWS["fill_closes"],
        )
        assert (cycle.review_opens, cycle.review_closes) == (
            WINDOWS["review_opens"],
            WINDOWS["review_closes"],
        )
        assert cycle.pre_assessment
        assert cycle.created_by == admin
        assert cycle.summary(Layer.SELF)["questions"] == 113
        assert cycle.history.get().history_user == admin
    assert CycleEvent.objects.filter(cycle__campaign=opened, action="cycle_open").count() == 5


def test_campaign_with_chosen_kinds_opens_only_those(framework):
    root, opds = subtree(2, "PK")
    upt = UnitFactory(code="PK-UPT", kind=UnitKind.UPT, parent=opds[0])

    _campaign, created, _skipped = campaign(root, framework, kinds=[UnitKind.UPT])

    assert created == 1
    assert Cycle.objects.get().unit == upt


def test_campaign_skips_units_that_already_have_a_cycle(framework):
    root, opds = subtree(3, "PK")
    existing = CycleFactory(unit=opds[1], target="wbbm")

    opened, created, skipped = campaign(root, framework)

    assert (created, skipped) == (2, 1)
    existing.refresh_from_db()
    assert (existing.campaign, existing.target) == (None, "wbbm")
    assert Cycle.objects.filter(unit=opds[1]).count() == 1
    assert Cycle.objects.filter(campaign=opened).count() == 2


def statement_splits(model, rows: int) -> int:
    """Extra INSERTs the database itself needs for `rows` rows of `model` in one bulk insert.

    SQLite takes at most 999 parameters a statement, so Django splits a bulk insert of
    a wide model into several; PostgreSQL takes it in one. Anything beyond these is a
    query per unit.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    size = min(500, connection.ops.bulk_batch_size(fields, [None] * rows) or rows)
    return math.ceil(rows / size) - 1


def test_campaign_costs_the_same_queries_for_3_and_for_30_units(
    framework, django_assert_num_queries, django_assert_max_num_queries
):
    small_root, _ = subtree(3, "KECIL")
    large_root, _ = subtree(30, "BESAR")
    small_admin, large_admin = admin_of(small_root), admin_of(large_root)
    inserted = (Cycle, Cycle.history.model, CycleEvent)
    areas = framework.areas.filter(component__isnull=False).count()  # area-score rows per cycle

    with django_assert_max_num_queries(100) as small:
        _campaign, created, _skipped = campaign(small_root, framework, by=small_admin)
    assert created == 3
    expected = (
        len(small)
        + sum(statement_splits(model, 30) for model in inserted)
        - sum(statement_splits(model, 3) for model in inserted)
        + statement_splits(CycleAreaScore, 30 * areas)
        - statement_splits(CycleAreaScore, 3 * areas)
    )

    with django_assert_num_queries(expected):
        _campaign, created, _skipped = campaign(large_root, framework, by=large_admin)
    assert created == 30


def test_campaign_windows_that_close_before_they_open_are_refused(framework):
    root, _ = subtree(2, "PK")

    with pytest.raises(ValidationError):
        campaign(
            root,
            framework,
            fill_opens=datetime.date(2026, 5, 1),
            fill_closes=datetime.date(2026, 4, 1),
        )

    assert not Campaign.objects.exists()
    assert not Cycle.objects.exists()


def test_only_people_who_administer_the_root_may_open_a_campaign(
    framework, root_unit, province, unit, other_unit
):
    coordinator_above = member(root_unit, Role.COORDINATOR)
    admin_below = admin_of(province)

    with pytest.raises(PermissionDenied):
        campaign(root_unit, framework, by=coordinator_above)
    with pytest.raises(Http404):
        campaign(root_unit, framework, by=admin_below)
    assert not Campaign.objects.exists()
    assert not Cycle.objects.exists()

    opened, created, _skipped = campaign(province, framework, by=admin_below)
    assert created == 3  # the province office itself and the two satkers below it
    assert {cycle.unit for cycle in opened.cycles.all()} == {province, unit, other_unit}


def campaign_form(root, framework, **extra) -> dict:
    return {
        "name": "Penilaian ZI serentak",
        "root": root.pk,
        "framework": framework.pk,
        "year": this_year(),
        "kinds": [UnitKind.SATKER, UnitKind.OPD],
        **{name: day.isoformat() for name, day in WINDOWS.items()},
        **extra,
    }


def test_admin_opens_a_campaign_on_the_page(framework, root_unit, unit, other_unit, client_for):
    admin = admin_of(root_unit)
    client = client_for(admin)
    url = reverse("change_areas:campaign_list")

    page = client.get(url)
    assert page.status_code == 200 and "Buka kampanye" in page.content.decode()
    response = client.post(url, campaign_form(root_unit, framework))

    opened = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == opened.get_absolute_url()
    assert {c.unit for c in opened.cycles.all()} == {unit, other_unit}
    assert any("2 siklus baru" in text for text in messages_of(response))
    detail = client.get(opened.get_absolute_url()).content.decode()
    assert "Satker Contoh" in detail and "Satker Lain" in detail


def test_campaign_page_refuses_windows_that_close_before_they_open(
    framework, root_unit, unit, client_for
):
    response = client_for(admin_of(root_unit)).post(
        reverse("change_areas:campaign_list"),
        campaign_form(root_unit, framework, review_closes="2026-04-01"),
    )

    assert response.status_code == 400
    assert "harus ditutup pada atau sesudah tanggal pembukaannya" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "staff", "viewer", "unit_admin"])
def test_people_without_a_subtree_to_administer_cannot_open_a_campaign(
    framework, province, client_for, request, role
):
    person = request.getfixturevalue(role)  # every role here is held on the leaf unit

    response = client_for(person).post(
        reverse("change_areas:campaign_list"), campaign_form(province, framework)
    )

    assert response.status_code == 403
    assert not Campaign.objects.exists()
    assert (
        "Buka kampanye"
        not in client_for(person).get(reverse("change_areas:campaign_list")).content.decode()
    )


def test_campaign_page_refuses_a_root_the_person_does_not_administer(
    framework, root_unit, province, unit, client_for
):
    admin_below = admin_of(province)  # may open one on the province, not on the ministry

    response = client_for(admin_below).post(
        reverse("change_areas:campaign_list"), campaign_form(root_unit, framework)
    )

    assert response.status_code == 400
    assert not Campaign.objects.exists()
    assert not Cycle.objects.exists()


def test_campaign_detail_is_hidden_from_outsiders(framework, province, outsider, client_for):
    opened, _created, _skipped = campaign(province, framework)
    other_root, _ = subtree(1, "LAIN")
    stranger = admin_of(other_root)

    assert client_for(stranger).get(opened.get_absolute_url()).status_code == 404
    # a role on a satker covers that satker's subtree, not the province above it
    assert client_for(outsider).get(opened.get_absolute_url()).status_code == 404
    assert client_for(admin_of(province)).get(opened.get_absolute_url()).status_code == 200
    assert client_for(None).get(opened.get_absolute_url())["Location"].startswith("/masuk/")
