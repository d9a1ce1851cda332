"""Standard versions: draft → published → superseded, one published per service, history."""

from __future__ import annotations

import datetime
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from service_standards import services
from service_standards.models import Consultation, Service, StandardVersion
from tests.factories import ServiceFactory, StandardVersionFactory, complete_standard

PUBLISH = {
    "decree_number": "SK-2/2025",
    "decree_date": datetime.date(2025, 1, 6),
    "effective_date": datetime.date(2025, 1, 13),
}


@pytest.fixture
def service(unit):
    return ServiceFactory(unit=unit, name="Konsultasi Statistik")


def published_versions(service: Service) -> list[int]:
    return list(service.versions.published().values_list("number", flat=True))


def test_publishing_a_second_version_supersedes_the_first(service, coordinator):
    first = StandardVersionFactory(service=service, published=True)
    second = services.version_create(service=service, by=coordinator, copy_from=first)
    services.version_update(version=second, by=coordinator, duration_value=45)

    outcome = services.version_publish(version=second, by=coordinator, **PUBLISH)

    assert published_versions(service) == [2]
    first.refresh_from_db()
    assert first.status == StandardVersion.Status.SUPERSEDED
    assert first.superseded_at is not None
    assert outcome.superseded.pk == first.pk
    # The old version and its change of status are in the history.
    statuses = [record.status for record in first.history.order_by("history_date", "history_id")]
    assert statuses == ["draft", "published", "superseded"]
    last = first.history.latest()
    assert last.history_user == coordinator and last.history_change_reason == "version_superseded 2"
    assert second.history.latest().history_change_reason == "version_publish"


def test_a_new_draft_copies_every_component_of_the_published_version(service, staff):
    published = StandardVersionFactory(
        service=service,
        published=True,
        requirements=["KTP", "Surat permohonan"],
        is_free=False,
        fee_amount="150000.00",
        fee_legal_basis="PP 7/2015",
    )
    draft = services.version_create(service=service, by=staff, copy_from=published)
    assert draft.number == 2 and draft.is_draft and draft.based_on == published
    for name in StandardVersion.CONTENT_FIELDS:
        assert getattr(draft, name) == getattr(published, name), name
    assert draft.created_by == staff


def test_the_database_refuses_a_second_published_version(service):
    StandardVersionFactory(service=service, published=True)
    draft = StandardVersionFactory(service=service)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardVersion.objects.filter(pk=draft.pk).update(
            status="published",
            decree_number="X",
            decree_date=datetime.date(2025, 1, 1),
            effective_date=datetime.date(2025, 1, 1),
            published_at=timezone.now(),
        )
    assert published_versions(service) == [1]


def test_a_racing_publisher_with_a_stale_view_is_refused_by_the_database(service, coordinator):
    """Someone read the service before another person published: their save must fail."""
    stale = StandardVersionFactory(service=service, published=True)
    other = StandardVersionFactory(service=service)
    services.version_publish(version=other, by=coordinator, **PUBLISH)  # meanwhile

    # The racing process still believes version 1 is the one in force and writes its
    # row back without going through the locking service.
    stale.decree_number, stale.published_at = "SK-race", timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        stale.save()
    assert published_versions(service) == [2]


def test_published_and_superseded_versions_cannot_be_changed(service, staff, coordinator):
    version = StandardVersionFactory(service=service, published=True)
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.version_update(version=version, by=staff, duration_value=1)
    with pytest.raises(ValidationError):
        services.version_delete(version=version, by=staff)
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.version_publish(version=version, by=coordinator, **PUBLISH)


def test_an_incomplete_draft_cannot_be_published_and_the_missing_components_are_named(
    service, coordinator
):
    draft = services.version_create(service=service, by=coordinator, requirements=["KTP"])
    with pytest.raises(ValidationError) as error:
        services.version_publish(version=draft, by=coordinator, **PUBLISH)
    message = " ".join(error.value.messages)
    assert "Sistem, mekanisme, dan prosedur" in message
    assert "Jumlah pelaksana" in message and "Persyaratan" not in message
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_priced_service_needs_the_amount_and_its_legal_basis(service, coordinator):
    draft = StandardVersionFactory(service=service)
    with pytest.raises(ValidationError, match="besaran biaya"):
        services.version_update(version=draft, by=coordinator, is_free=False)
    services.version_update(
        version=draft, by=coordinator, is_free=False, fee_amount="1500000", fee_legal_basis=""
    )
    assert "Biaya/tarif" in draft.__class__.objects.get(pk=draft.pk).missing_components()


def test_decree_dates_are_checked(service, coordinator):
    draft = StandardVersionFactory(service=service)
    with pytest.raises(ValidationError) as error:
        services.version_publish(
            version=draft,
            by=coordinator,
            decree_number=" ",
            decree_date=datetime.date(2025, 2, 1),
            effective_date=datetime.date(2025, 1, 1),
        )
    assert set(error.value.message_dict) == {"decree_number", "effective_date"}


def test_publishing_without_a_consultation_warns_and_with_one_records_it(service, coordinator):
    draft = StandardVersionFactory(service=service)
    outcome = services.version_publish(version=draft, by=coordinator, **PUBLISH)
    assert outcome.warnings and "FGD" in outcome.warnings[0]

    fgd = services.consultation_create(
        unit=service.unit,
        by=coordinator,
        services=[service],
        held_on=datetime.date(2025, 1, 2),
        title="FGD standar pelayanan",
        participants=["Universitas"],
    )
    second = StandardVersionFactory(service=service)
    outcome = services.version_publish(version=second, by=coordinator, consultation=fgd, **PUBLISH)
    assert outcome.warnings == []
    assert StandardVersion.objects.get(pk=second.pk).consultation == fgd


def test_a_consultation_of_another_unit_is_refused(service, other_unit, coordinator):
    fgd = Consultation.objects.create(
        unit=other_unit, held_on=datetime.date(2025, 1, 2), title="FGD lain", participants=[]
    )
    draft = StandardVersionFactory(service=service)
    with pytest.raises(ValidationError, match="unit lain"):
        services.version_publish(version=draft, by=coordinator, consultation=fgd, **PUBLISH)


def test_the_publish_page_warns_when_the_unit_has_no_fgd(service, coordinator, client_for):
    draft = StandardVersionFactory(service=service)
    url = reverse(
        "service_standards:version_publish",
        kwargs={"code": service.unit.code, "version_id": draft.pk},
    )
    client = client_for(coordinator)
    page = client.get(url).content.decode()
    assert "belum mencatat konsultasi publik (FGD)" in page
    response = client.post(
        url,
        {"decree_number": "SK-9", "decree_date": "2025-01-06", "effective_date": "2025-01-13"},
        follow=True,
    )
    content = response.content.decode()
    assert "Versi 1 diterbitkan" in content
    assert "tanpa catatan konsultasi publik (FGD)" in content


def test_the_publish_form_rejects_bad_dates_without_publishing(service, coordinator, client_for):
    draft = StandardVersionFactory(service=service)
    url = reverse(
        "service_standards:version_publish",
        kwargs={"code": service.unit.code, "version_id": draft.pk},
    )
    response = client_for(coordinator).post(
        url, {"decree_number": "SK-9", "decree_date": "2025-02-06", "effective_date": "2025-01-13"}
    )
    assert response.status_code == 400
    assert "Tanggal berlaku tidak boleh sebelum tanggal keputusan." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_version_numbers_keep_counting_after_a_draft_is_deleted(service, staff):
    StandardVersionFactory(service=service, published=True)
    draft = services.version_create(service=service, by=staff)
    services.version_delete(version=draft, by=staff)
    assert draft.history.latest().history_type == "-"
    assert services.version_create(service=service, by=staff).number == 2


def test_editing_a_draft_through_the_form_keeps_lists_one_per_line(service, staff, client_for):
    draft = StandardVersionFactory(service=service)
    url = reverse(
        "service_standards:version_edit", kwargs={"code": service.unit.code, "version_id": draft.pk}
    )
    data = {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in complete_standard().items()
    }
    data.update(
        {
            "requirements": "1. Kartu identitas\n\n- Surat pengantar\n",
            "is_free": "",
            "fee_amount": "1.500.000,00",
            "fee_legal_basis": "PP 7/2015",
            "revision": draft.revision,
        }
    )
    response = client_for(staff).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.requirements == ["Kartu identitas", "Surat pengantar"]
    assert str(draft.fee_amount) == "1500000.00"
    assert draft.history.latest().history_user == staff


def test_a_bad_form_changes_nothing(service, staff, client_for):
    draft = StandardVersionFactory(service=service)
    url = reverse(
        "service_standards:version_edit", kwargs={"code": service.unit.code, "version_id": draft.pk}
    )
    response = client_for(staff).post(
        url,
        {
            "requirements": "KTP",
            "duration_value": "30",
            "duration_unit": "",
            "is_free": "",
            "revision": draft.revision,
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Isi jangka waktu beserta satuannya" in content
    assert "Isi besaran biaya/tarif" in content
    draft.refresh_from_db()
    assert draft.requirements == complete_standard()["requirements"]


def test_creating_a_draft_from_the_service_page_copies_the_published_one(
    service, staff, client_for
):
    StandardVersionFactory(service=service, published=True, requirements=["Kartu pelajar"])
    url = reverse(
        "service_standards:version_create",
        kwargs={"code": service.unit.code, "service_id": service.pk},
    )
    response = client_for(staff).post(url)
    draft = service.versions.drafts().get()
    assert response.status_code == 302 and draft.requirements == ["Kartu pelajar"]
    # A second click goes to the same draft instead of making another.
    client_for(staff).post(url)
    assert service.versions.drafts().count() == 1


if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # Real concurrency needs a server database (SQLite serialises every writer);
    # these run in the PostgreSQL pass of CI.

    def _in_thread(target, results, key):
        def run():
            try:
                results[key] = target()
            except Exception as error:  # recorded for the assertions
                results[key] = error
            finally:
                connection.close()

        return threading.Thread(target=run)

    @pytest.mark.django_db(transaction=True)
    def test_two_concurrent_published_rows_are_refused_by_postgresql(unit):
        service = ServiceFactory(unit=unit)
        # Two rows neither of which is in force (a service has one draft at most): versions
        # 1 and 2, both superseded, raced to "published" by writers that skip the service.
        first = StandardVersionFactory(service=service, published=True)
        second = StandardVersionFactory(service=service, published=True)
        StandardVersion.objects.filter(pk=second.pk).update(
            status="superseded", superseded_at=timezone.now()
        )
        first_written = threading.Event()
        values = {
            "status": "published",
            "decree_number": "SK",
            "decree_date": datetime.date(2025, 1, 1),
            "effective_date": datetime.date(2025, 1, 1),
            "published_at": timezone.now(),
        }

        def writer_a():
            with transaction.atomic():
                StandardVersion.objects.filter(pk=first.pk).update(**values)
                first_written.set()
                threading.Event().wait(0.5)  # hold the row while B tries its own
            return "committed"

        def writer_b():
            first_written.wait(5)
            with transaction.atomic():
                StandardVersion.objects.filter(pk=second.pk).update(**values)
            return "committed"

        results: dict = {}
        threads = [_in_thread(writer_a, results, "a"), _in_thread(writer_b, results, "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert results["a"] == "committed"
        assert isinstance(results["b"], IntegrityError)
        assert published_versions(service) == [1]

    @pytest.mark.django_db(transaction=True)
    def test_two_people_publishing_the_draft_at_once_publish_it_once(unit):
        service = ServiceFactory(unit=unit)
        StandardVersionFactory(service=service, published=True)
        draft = StandardVersionFactory(service=service)  # the service's one draft
        barrier = threading.Barrier(2)

        def publisher():
            barrier.wait(5)
            return services.version_publish(version=draft, by=None, **PUBLISH).version.number

        results: dict = {}
        threads = [_in_thread(publisher, results, key) for key in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        outcomes = sorted(results.values(), key=lambda value: isinstance(value, Exception))
        assert outcomes[0] == 2  # one went through; the other, after it, found no draft
        assert isinstance(outcomes[1], ValidationError)
        assert published_versions(service) == [2]
        assert service.versions.filter(status="superseded").count() == 1
