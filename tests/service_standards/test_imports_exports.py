"""Import and export of services and standard versions: all or nothing, rows named."""

from __future__ import annotations

import tablib
from django.urls import reverse

from lib.imports import import_dataset
from service_standards import services
from service_standards.models import Service, StandardVersion
from service_standards.resources import ServiceResource, StandardVersionResource
from tests.factories import ServiceFactory, StandardVersionFactory

SERVICE_HEADERS = [
    "unit",
    "slug",
    "name",
    "description",
    "channel",
    "category",
    "is_active",
    "position",
]


def dataset(headers, rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def test_services_import_all_or_nothing_with_row_numbers(unit, superuser):
    rows = [
        (unit.code, "perpustakaan", "Perpustakaan", "", "Tatap muka dan daring", "jasa", "1", "1"),
        (unit.code, "konsultasi", "Konsultasi", "", "online", "services", "ya", "2"),
        ("TIDAK-ADA", "x", "X", "", "online", "services", "1", "3"),
        (unit.code, "penjualan", "Penjualan", "", "online", "goods", "mungkin", "4"),
    ]
    report = import_dataset(ServiceResource(), dataset(SERVICE_HEADERS, rows), user=superuser)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "Baris 2" in text and "'jasa' tidak dikenal" in text
    assert "Baris 4" in text and "TIDAK-ADA" in text
    assert "Baris 5" in text and "bukan nilai ya/tidak" in text
    assert "Baris 3" not in text
    assert not Service.objects.exists()


def test_services_import_creates_and_updates_through_the_services(unit, superuser):
    rows = [
        (unit.code, "perpustakaan", "Perpustakaan", "Baca di tempat", "both", "services", "1", "1"),
        (unit.code, "", "Konsultasi Statistik", "", "Daring", "Pelayanan jasa publik", "1", ""),
    ]
    report = import_dataset(ServiceResource(), dataset(SERVICE_HEADERS, rows), user=superuser)
    assert report.ok, report.errors
    assert report.created == 2
    created = Service.objects.get(name="Konsultasi Statistik")
    assert created.slug == "konsultasi-statistik" and created.channel == "online"
    assert created.history.latest().history_user == superuser

    again = import_dataset(ServiceResource(), ServiceResource().export())
    assert again.ok and again.created == 0 and again.updated == 0 and again.unchanged == 2


def test_versions_export_lists_as_lines_and_reimport_changes_nothing(unit):
    service = ServiceFactory(unit=unit, slug="perpustakaan")
    StandardVersionFactory(
        service=service,
        published=True,
        requirements=["KTP", "Formulir"],
        is_free=False,
        fee_amount="1500000",
        fee_legal_basis="PP 7/2015",
    )
    StandardVersionFactory(service=service, requirements=["Draf"])
    exported = StandardVersionResource().export()
    row = dict(zip(exported.headers, exported[1], strict=True))
    assert row["unit"] == unit.code and row["service"] == "perpustakaan"
    assert row["requirements"] == "KTP\nFormulir"
    assert row["status"] == "published" and row["fee_amount"] == "1500000.00"
    assert row["decree_number"] == "SK-1/2024"

    report = import_dataset(StandardVersionResource(), exported)
    assert report.ok, report.errors
    assert report.unchanged == 2 and report.created == 0 and report.updated == 0


def test_versions_import_creates_drafts_updates_drafts_and_never_changes_published(unit, superuser):
    service = ServiceFactory(unit=unit, slug="perpustakaan")
    published = StandardVersionFactory(service=service, published=True)
    draft = StandardVersionFactory(service=service)
    exported = StandardVersionResource().export()
    headers = exported.headers
    rows = [dict(zip(headers, row, strict=True)) for row in exported]
    by_number = {int(row["number"]): row for row in rows}

    by_number[draft.number]["requirements"] = "KTP\nSurat pengantar"
    new = {**by_number[published.number], "number": "", "duration_value": "5"}
    rows = [tuple(r[h] for h in headers) for r in (by_number[draft.number], new)]
    report = import_dataset(StandardVersionResource(), dataset(headers, rows), user=superuser)
    # one draft per service: a new one while draft 2 is open is refused by its row
    assert report.errors == ["Baris 3: Layanan ini sudah memiliki draf (versi 2); ubah draf itu."]
    draft.refresh_from_db()
    assert draft.requirements != ["KTP", "Surat pengantar"]

    report = import_dataset(StandardVersionResource(), dataset(headers, rows[:1]), user=superuser)
    assert report.ok and report.updated == 1
    draft.refresh_from_db()
    assert draft.requirements == ["KTP", "Surat pengantar"]
    services.version_delete(version=draft, by=None)
    report = import_dataset(StandardVersionResource(), dataset(headers, rows[1:]), user=superuser)
    assert report.ok and report.created == 1
    draft = service.versions.drafts().get()  # the new draft (the discarded one's number again)
    assert draft.duration_value == 5
    assert draft.number > published.number
    by_number[draft.number] = {**new, "number": str(draft.number)}

    changed = {**by_number[published.number], "duration_value": "1"}
    missing = {**by_number[published.number], "number": "99"}
    bad_fee = {**by_number[draft.number], "is_free": "0", "fee_amount": "seribu"}
    report = import_dataset(
        StandardVersionResource(),
        dataset(headers, [tuple(r[h] for h in headers) for r in (changed, missing, bad_fee)]),
        user=superuser,
    )
    text = "\n".join(report.errors)
    assert "Baris 2" in text and "tidak dapat diubah lewat impor" in text
    assert "Baris 3" in text and "Versi 99 tidak ada" in text
    assert "Baris 4" in text and "bukan besaran rupiah" in text
    assert StandardVersion.objects.get(pk=published.pk).duration_value == 30
    assert service.versions.count() == 2  # the published version and the new draft


def test_export_costs_a_constant_number_of_queries(unit, django_assert_num_queries):
    for number in range(5):
        service = ServiceFactory(unit=unit, name=f"Layanan {number}")
        StandardVersionFactory(service=service, published=True)
    with django_assert_num_queries(1):
        StandardVersionResource().export(queryset=StandardVersion.objects.all())
    with django_assert_num_queries(1):
        ServiceResource().export(queryset=Service.objects.all())


def test_the_admin_offers_import_and_export_and_history(unit, superuser, client_for):
    version = StandardVersionFactory(service=ServiceFactory(unit=unit), published=True)
    client = client_for(superuser)
    for name in ("service_standards_service", "service_standards_standardversion"):
        assert client.get(reverse(f"admin:{name}_import")).status_code == 200
        assert client.get(reverse(f"admin:{name}_export")).status_code == 200
    history = client.get(
        reverse("admin:service_standards_standardversion_history", args=[version.pk])
    )
    assert history.status_code == 200
    # A published version's fields are read-only in the admin.
    change = client.get(
        reverse("admin:service_standards_standardversion_change", args=[version.pk])
    )
    assert 'name="requirements"' not in change.content.decode()


def test_the_admin_publish_action_uses_the_services(unit, superuser, client_for):
    service = ServiceFactory(unit=unit)
    old = StandardVersionFactory(service=service, published=True)
    draft = StandardVersionFactory(service=service)
    StandardVersion.objects.filter(pk=draft.pk).update(
        decree_number="SK-ADMIN", decree_date="2025-01-01", effective_date="2025-01-02"
    )
    response = client_for(superuser).post(
        reverse("admin:service_standards_standardversion_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(service.versions.published().values_list("pk", flat=True)) == [draft.pk]
    old.refresh_from_db()
    assert old.status == "superseded"
    assert StandardVersion.objects.get(pk=draft.pk).history.latest().history_user == superuser


def test_editing_a_draft_in_the_admin_goes_through_the_service(unit, superuser, client_for):
    draft = StandardVersionFactory(service=ServiceFactory(unit=unit))
    url = reverse("admin:service_standards_standardversion_change", args=[draft.pk])
    data = {
        "change_note": "Diubah di admin",
        "requirements": "KTP\nSurat",
        "procedure": "Langkah 1",
        "duration_value": "2",
        "duration_unit": "hours",
        "duration_note": "",
        "fee_note": "",
        "fee_legal_basis": "",
        "products": "Data",
        "complaint_channels": "Kotak saran",
        "complaint_note": "",
        "legal_basis": "UU 25/2009",
        "facilities": "Ruang",
        "competencies": "Kompeten",
        "internal_supervision": "Kepala",
        "staff_count": "2",
        "staff_note": "",
        "service_guarantee": "Ya",
        "security_guarantee": "Ya",
        "performance_evaluation": "Ya",
        "decree_number": "SK-DISIAPKAN",
        "decree_date": "2025-01-01",
        "effective_date": "2025-01-02",
        "consultation": "",
        "is_free": "on",
    }
    response = client_for(superuser).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.requirements == ["KTP", "Surat"] and draft.duration_unit == "hours"
    assert draft.decree_number == "SK-DISIAPKAN" and draft.is_draft
    record = draft.history.latest()
    assert record.history_user == superuser and record.history_change_reason == "version_update"
