"""The service-standard services refuse a person without the capability, as the views do.

Given `by=` a person, a service checks the capability its view declares on the
object's unit (`units.access.check`): 404 for outsiders, 403 for insiders;
`by=None` is the system.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from service_standards import services
from service_standards.models import Maklumat, Service, StandardVersion
from tests.factories import MembershipFactory, ServiceFactory, StandardVersionFactory
from units.models import Role

PUBLISH = {
    "decree_number": "SK-1/2024",
    "decree_date": datetime.date(2024, 1, 2),
    "effective_date": datetime.date(2024, 1, 3),
}


def test_a_staff_member_of_another_unit_cannot_write_this_units_services(unit, other_unit):
    stranger = MembershipFactory(unit=other_unit, role=Role.STAFF).user
    service = ServiceFactory(unit=unit, name="Perpustakaan")
    with pytest.raises(Http404):
        services.service_create(unit=unit, by=stranger, name="Layanan Asing")
    with pytest.raises(Http404):
        services.version_create(service=service, by=stranger)
    with pytest.raises(Http404):
        services.maklumat_save_draft(unit=unit, by=stranger, text="Janji orang lain.")
    assert list(Service.objects.filter(unit=unit)) == [service]
    assert not StandardVersion.objects.exists() and not Maklumat.objects.exists()


def test_a_viewer_of_the_unit_is_refused_with_403(unit, viewer):
    with pytest.raises(PermissionDenied):
        services.service_create(unit=unit, by=viewer, name="Layanan Baru")
    assert not Service.objects.exists()


def test_staff_edit_a_draft_but_only_a_coordinator_publishes_it(unit, staff, coordinator):
    draft = StandardVersionFactory(service=ServiceFactory(unit=unit))
    services.version_update(version=draft, by=staff, duration_value=15)
    with pytest.raises(PermissionDenied):
        services.version_publish(version=draft, by=staff, **PUBLISH)
    draft.refresh_from_db()
    assert draft.is_draft
    outcome = services.version_publish(version=draft, by=coordinator, **PUBLISH)
    assert outcome.version.is_published


def test_the_system_needs_no_person(unit):
    service = services.service_create(
        unit=unit, by=None, name="Layanan Sistem", channel="online", category="services"
    )
    assert service.unit == unit
