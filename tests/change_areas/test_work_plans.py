"""Work plans: items per change area, progress entries, overdue items, the cycle's percent,
bad input, the eight RB areas, history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from change_areas import services
from change_areas.models import Area, Cycle, Framework, ProgressEntry, WorkPlanItem, WorkPlanStatus
from tests.factories import CycleFactory, EvidenceFactory, WorkPlanItemFactory
from tests.pages import messages_of

RB = "reformasi-birokrasi-8-area"


@pytest.fixture
def rb_cycle(catalogs, unit) -> Cycle:
    return CycleFactory(unit=unit, work_plan_framework=catalogs[RB])


def area(framework: Framework, code: str) -> Area:
    return Area.objects.get(framework=framework, code=code)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def work_plan_url(cycle: Cycle) -> str:
    return reverse("change_areas:work_plan", kwargs={"pk": cycle.pk})


def percent_of(cycle: Cycle) -> Decimal:
    return Cycle.objects.get(pk=cycle.pk).work_plan_percent


# --------------------------------------------------------------------------
# Items, progress and the cycle's percent


def test_items_are_created_per_area(cycle, staff):
    mp = WorkPlanItemFactory(cycle=cycle, area_code="A.MP", by=staff, title="Bentuk tim kerja")
    pw = WorkPlanItemFactory(cycle=cycle, area_code="A.PW", by=staff, title="Pasang WBS")

    assert (mp.area.code, mp.status, mp.percent, mp.created_by) == (
        "A.MP",
        WorkPlanStatus.PLANNED,
        0,
        staff,
    )
    assert pw.area.framework == cycle.work_plan_framework
    assert set(cycle.work_plan_items.values_list("area__code", "title")) == {
        ("A.MP", "Bentuk tim kerja"),
        ("A.PW", "Pasang WBS"),
    }


def test_progress_entries_set_the_items_percent_and_status(cycle, staff):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)

    services.progress_entry_add(item=item, note="Undangan disebar", percent=40, by=staff)
    item.refresh_from_db()
    assert (item.percent, item.status) == (40, WorkPlanStatus.IN_PROGRESS)
    assert percent_of(cycle) == Decimal("40.00")

    services.progress_entry_add(item=item, note="Selesai dilaksanakan", percent=100, by=staff)
    item.refresh_from_db()
    assert (item.percent, item.status) == (100, WorkPlanStatus.DONE)
    assert list(item.progress_entries.values_list("percent", flat=True)) == [100, 40]
    assert percent_of(cycle) == Decimal("100.00")


def test_cycle_percent_is_the_mean_of_items_not_cancelled(cycle, staff):
    done = WorkPlanItemFactory(cycle=cycle, by=staff, title="Selesai")
    half = WorkPlanItemFactory(cycle=cycle, area_code="A.PW", by=staff, title="Separuh")
    third = WorkPlanItemFactory(cycle=cycle, area_code="A.SDM", by=staff, title="Sepertiga")
    cancelled = WorkPlanItemFactory(cycle=cycle, area_code="A.AK", by=staff, title="Batal")
    services.progress_entry_add(item=done, note="ok", percent=100, by=staff)
    services.progress_entry_add(item=half, note="ok", percent=50, by=staff)
    services.progress_entry_add(item=third, note="ok", percent=33, by=staff)
    services.progress_entry_add(item=cancelled, note="ok", percent=10, by=staff)
    # (100 + 50 + 33 + 10) / 4 = 48.25 before cancelling
    assert percent_of(cycle) == Decimal("48.25")

    services.work_plan_item_save(
        cycle=cycle, item=cancelled, status=WorkPlanStatus.CANCELLED, by=staff
    )

    assert percent_of(cycle) == Decimal("61.00")  # (100 + 50 + 33) / 3


def test_marking_an_item_done_makes_it_100_percent(cycle, staff):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)

    services.work_plan_item_save(cycle=cycle, item=item, status=WorkPlanStatus.DONE, by=staff)

    item.refresh_from_db()
    assert item.percent == 100
    assert percent_of(cycle) == Decimal("100.00")


def test_item_past_its_due_date_and_not_done_is_overdue(cycle, staff, client_for):
    late = WorkPlanItemFactory(
        cycle=cycle, by=staff, title="Kegiatan yang terlambat", due_date=today() - days(1)
    )
    done = WorkPlanItemFactory(
        cycle=cycle, by=staff, title="Kegiatan tuntas", due_date=today() - days(1)
    )
    services.work_plan_item_save(cycle=cycle, item=done, status=WorkPlanStatus.DONE, by=staff)
    WorkPlanItemFactory(
        cycle=cycle, by=staff, title="Kegiatan mendatang", due_date=today() + days(30)
    )

    assert late.is_overdue()
    assert not WorkPlanItem.objects.get(pk=done.pk).is_overdue()
    assert list(WorkPlanItem.objects.filter(cycle=cycle).overdue()) == [late]

    response = client_for(staff).get(work_plan_url(cycle))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 kegiatan terlambat" in html
    assert html.count('<li class="work-item overdue"') == 1
    overdue_item = html.split('<li class="work-item overdue"')[1].split("</li>")[0]
    assert "Kegiatan yang terlambat" in overdue_item
    assert '<span class="badge danger">terlambat</span>' in overdue_item


def test_item_due_today_is_not_yet_overdue(cycle, staff):
    item = WorkPlanItemFactory(cycle=cycle, by=staff, due_date=today())

    assert not item.is_overdue()
    assert not WorkPlanItem.objects.filter(cycle=cycle).overdue().exists()


# --------------------------------------------------------------------------
# Through the pages


def test_item_created_on_the_page(cycle, framework, staff, client_for):
    response = client_for(staff).post(
        reverse("change_areas:work_plan_item_create", kwargs={"pk": cycle.pk}),
        {
            "area": area(framework, "A.TL").pk,
            "title": "Susun SOP",
            "person_in_charge": "Kasubbag Umum",
            "start_date": "2026-01-05",
            "due_date": "2026-03-31",
            "status": WorkPlanStatus.PLANNED,
            "percent": "0",
            "next": work_plan_url(cycle),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == work_plan_url(cycle)
    item = WorkPlanItem.objects.get(cycle=cycle)
    assert (item.area.code, item.title, item.created_by) == ("A.TL", "Susun SOP", staff)
    assert any("Susun SOP" in text for text in messages_of(response))


def test_progress_logged_on_the_page(cycle, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)

    response = client_for(staff).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": today().isoformat(), "percent": "100", "note": "Rapat selesai"},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.percent, item.status) == (100, WorkPlanStatus.DONE)
    assert item.progress_entries.get().created_by == staff
    assert percent_of(cycle) == Decimal("100.00")


def test_item_edited_on_the_page(cycle, framework, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)
    url = reverse("change_areas:work_plan_item_edit", kwargs={"pk": cycle.pk, "item_id": item.pk})
    client = client_for(staff)

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "area": area(framework, "A.MP").pk,
            "title": "Sosialisasi ZI ke seluruh pegawai",
            "status": WorkPlanStatus.IN_PROGRESS,
            "percent": "60",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.percent) == ("Sosialisasi ZI ke seluruh pegawai", 60)
    assert percent_of(cycle) == Decimal("60.00")


def test_viewer_cannot_change_the_work_plan(cycle, framework, staff, viewer, client_for):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)
    client = client_for(viewer)

    create = client.post(
        reverse("change_areas:work_plan_item_create", kwargs={"pk": cycle.pk}),
        {"area": area(framework, "A.MP").pk, "title": "X", "status": "direncanakan", "percent": 0},
    )
    progress = client.post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": today().isoformat(), "percent": "50", "note": "x"},
    )

    assert (create.status_code, progress.status_code) == (403, 403)
    assert WorkPlanItem.objects.filter(cycle=cycle).count() == 1
    assert not ProgressEntry.objects.exists()
    with pytest.raises(PermissionDenied):
        WorkPlanItemFactory(cycle=cycle, by=viewer)
    assert client.get(work_plan_url(cycle)).status_code == 200


def test_outsider_gets_404_on_the_work_plan(cycle, outsider, client_for):
    assert client_for(outsider).get(work_plan_url(cycle)).status_code == 404


# --------------------------------------------------------------------------
# Bad input


def test_percent_over_100_is_refused(cycle, staff):
    with pytest.raises(ValidationError):
        WorkPlanItemFactory(cycle=cycle, by=staff, percent=150)
    assert not WorkPlanItem.objects.exists()

    item = WorkPlanItemFactory(cycle=cycle, by=staff)
    with pytest.raises(ValidationError):
        services.progress_entry_add(item=item, note="terlalu", percent=150, by=staff)
    item.refresh_from_db()
    assert item.percent == 0
    assert not ProgressEntry.objects.exists()


def test_due_date_before_start_is_refused(cycle, staff):
    with pytest.raises(ValidationError):
        WorkPlanItemFactory(
            cycle=cycle,
            by=staff,
            start_date=datetime.date(2026, 5, 1),
            due_date=datetime.date(2026, 4, 1),
        )
    assert not WorkPlanItem.objects.exists()


def test_progress_dated_in_the_future_is_refused(cycle, staff):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)

    with pytest.raises(ValidationError):
        services.progress_entry_add(
            item=item, note="belum terjadi", percent=50, date=today() + days(30), by=staff
        )

    item.refresh_from_db()
    assert (item.percent, item.status) == (0, WorkPlanStatus.PLANNED)
    assert not ProgressEntry.objects.exists()
    assert percent_of(cycle) == Decimal("0.00")


def test_area_of_another_framework_is_refused(cycle, catalogs, staff):
    legacy_area = Area.objects.filter(framework=catalogs["permenpan-rb-52-2014"]).first()

    with pytest.raises(ValidationError) as refused:
        services.work_plan_item_save(cycle=cycle, area=legacy_area, title="X", by=staff)

    assert "kerangka rencana kerja siklus ini" in " ".join(refused.value.messages)
    assert not WorkPlanItem.objects.exists()


def test_evidence_of_another_unit_cannot_back_a_progress_entry(cycle, other_unit, staff):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)
    foreign = EvidenceFactory(unit=other_unit, title="Lain")

    with pytest.raises(ValidationError):
        services.progress_entry_add(item=item, note="x", percent=50, evidence=foreign, by=staff)
    assert not ProgressEntry.objects.exists()


def test_item_of_another_cycle_cannot_be_changed_through_this_one(cycle, unit, staff):
    other_cycle = CycleFactory(unit=unit, year=2027)
    item = WorkPlanItemFactory(cycle=other_cycle, by=staff)

    with pytest.raises(ValidationError):
        services.work_plan_item_save(cycle=cycle, item=item, title="Dibajak", by=staff)
    item.refresh_from_db()
    assert item.title == "Sosialisasi ZI"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"percent": "150"}, "100"),
        ({"start_date": "2026-05-01", "due_date": "2026-04-01"}, "Tenggat harus sesudah"),
    ],
    ids=["percent-150", "due-before-start"],
)
def test_bad_item_on_the_page_is_refused_beside_the_field_and_kept(
    cycle, framework, staff, client_for, fields, message
):
    data = {
        "area": area(framework, "A.MP").pk,
        "title": "Salah isi",
        "status": WorkPlanStatus.PLANNED,
        "percent": "0",
        **fields,
    }

    response = client_for(staff).post(
        reverse("change_areas:work_plan_item_create", kwargs={"pk": cycle.pk}), data
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'value="Salah isi"' in html
    assert not WorkPlanItem.objects.exists()


def test_area_of_another_framework_on_the_page_is_refused(cycle, catalogs, staff, client_for):
    legacy_area = Area.objects.filter(framework=catalogs["permenpan-rb-52-2014"]).first()

    response = client_for(staff).post(
        reverse("change_areas:work_plan_item_create", kwargs={"pk": cycle.pk}),
        {"area": legacy_area.pk, "title": "X", "status": "direncanakan", "percent": "0"},
    )

    assert response.status_code == 400
    assert "Masukkan pilihan yang valid." in response.content.decode()
    assert not WorkPlanItem.objects.exists()


def test_progress_dated_in_the_future_on_the_page_is_refused(cycle, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)

    response = client_for(staff).post(
        reverse("change_areas:progress_entry_add", kwargs={"pk": cycle.pk, "item_id": item.pk}),
        {"date": (today() + days(30)).isoformat(), "percent": "50", "note": "nanti"},
    )

    assert response.status_code == 400
    assert "tanggal yang akan datang" in response.content.decode()
    assert not ProgressEntry.objects.exists()
    item.refresh_from_db()
    assert item.percent == 0


def test_bad_edit_on_the_page_shows_the_form_again(cycle, framework, staff, client_for):
    item = WorkPlanItemFactory(cycle=cycle, by=staff)
    url = reverse("change_areas:work_plan_item_edit", kwargs={"pk": cycle.pk, "item_id": item.pk})

    response = client_for(staff).post(
        url,
        {"area": area(framework, "A.MP").pk, "title": "X", "status": "berjalan", "percent": "150"},
    )

    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.percent) == ("Sosialisasi ZI", 0)


# --------------------------------------------------------------------------
# The eight RB areas


def test_cycle_on_the_eight_rb_areas_takes_items_on_rb_areas(rb_cycle, catalogs, staff):
    item = WorkPlanItemFactory(
        cycle=rb_cycle, area_code="RB.DR", by=staff, title="Inventarisasi peraturan"
    )

    assert item.area.framework == catalogs[RB]
    assert item.area.code == "RB.DR"
    assert rb_cycle.framework.code == "permenpan-rb-90-2021-lke-2026"


def test_cycle_on_the_eight_rb_areas_refuses_a_90_2021_area(rb_cycle, framework, staff):
    with pytest.raises(ValidationError):
        services.work_plan_item_save(
            cycle=rb_cycle, area=area(framework, "A.MP"), title="X", by=staff
        )
    assert not WorkPlanItem.objects.exists()


def test_rb_cycle_page_offers_the_rb_areas(rb_cycle, catalogs, staff, client_for):
    client = client_for(staff)
    page = client.get(work_plan_url(rb_cycle)).content.decode()
    assert "Deregulasi / Penataan Peraturan Perundang-undangan" in page

    response = client.post(
        reverse("change_areas:work_plan_item_create", kwargs={"pk": rb_cycle.pk}),
        {
            "area": area(catalogs[RB], "RB.ORG").pk,
            "title": "Evaluasi kelembagaan",
            "status": "direncanakan",
            "percent": "0",
        },
    )

    assert response.status_code == 302
    assert WorkPlanItem.objects.get().area.code == "RB.ORG"


# --------------------------------------------------------------------------
# History


def test_items_and_entries_keep_their_history(cycle, staff, coordinator):
    item = WorkPlanItemFactory(cycle=cycle, by=staff, title="Rancangan awal")
    services.work_plan_item_save(cycle=cycle, item=item, title="Rancangan akhir", by=coordinator)
    entry = services.progress_entry_add(item=item, note="Dimulai", percent=20, by=staff)

    records = list(item.history.order_by("history_date", "history_id"))
    assert [record.title for record in records] == [
        "Rancangan awal",
        "Rancangan akhir",
        "Rancangan akhir",
    ]
    assert [record.history_user for record in records] == [staff, coordinator, staff]
    assert [record.history_change_reason for record in records] == [
        "work_plan_item_save",
        "work_plan_item_save",
        "progress_entry_add",
    ]
    assert records[-1].percent == 20
    entry_record = entry.history.get()
    assert (entry_record.history_user, entry_record.history_change_reason) == (
        staff,
        "progress_entry_add",
    )
    assert (entry_record.percent, entry_record.note) == (20, "Dimulai")
