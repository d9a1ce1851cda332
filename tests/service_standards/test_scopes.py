"""Application URLs carry the unit and an object id: the id must belong to that unit.

A person who may see both units still gets 404 for one unit's object under
the other unit's address (service_standards.scopes loads the id *within*
the unit of the URL's code).
"""

import pytest
from django.urls import reverse

from service_standards import services
from service_standards.models import PeriodKind
from tests.factories import MembershipFactory, ServiceFactory, StandardVersionFactory
from units.models import Role


@pytest.fixture
def province_viewer(province):
    return MembershipFactory(unit=province, role=Role.VIEWER).user


@pytest.mark.parametrize("name", ["service_detail", "version_detail", "survey_detail"])
def test_an_object_of_another_unit_is_404_under_this_units_address(
    name, unit, other_unit, province_viewer, client_for
):
    version = StandardVersionFactory(service=ServiceFactory(unit=other_unit))
    survey = services.survey_create(
        unit=other_unit, by=None, year=2024, period_kind=PeriodKind.YEAR, period_number=1
    )
    key, pk = {
        "service_detail": ("service_id", version.service_id),
        "version_detail": ("version_id", version.pk),
        "survey_detail": ("survey_id", survey.pk),
    }[name]
    client = client_for(province_viewer)
    own = reverse(f"service_standards:{name}", kwargs={"code": other_unit.code, key: pk})
    elsewhere = reverse(f"service_standards:{name}", kwargs={"code": unit.code, key: pk})
    assert client.get(own).status_code == 200
    assert client.get(elsewhere).status_code == 404
