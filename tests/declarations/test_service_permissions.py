"""The declaration services refuse a person without the capability, as the views do.

Given `by=` a person, a service asks the same rule as the view (ADMINISTER on
the declaration): 404 for outsiders, 403 for insiders; `by=None` is the system.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from declarations import services
from declarations.models import DeclarationKind, DeclarationStatus, DeclarationTemplate
from tests.factories import DeclarationFactory, MembershipFactory
from units.models import Role


def test_a_staff_member_of_another_unit_cannot_finalise_a_declaration(draft, other_unit):
    stranger = MembershipFactory(unit=other_unit, role=Role.STAFF).user
    with pytest.raises(Http404):
        services.declaration_finalise(declaration=draft, by=stranger)
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT and not draft.pdf


def test_the_units_own_staff_are_refused_with_403_not_404(draft, staff):
    with pytest.raises(PermissionDenied):
        services.declaration_finalise(declaration=draft, by=staff)
    with pytest.raises(PermissionDenied):
        services.declaration_delete(declaration=draft, by=staff)
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT


def test_a_declaring_units_admin_may_not_manage_the_organisers_declaration(
    province, unit, catalogs
):
    joint = DeclarationFactory(unit=province, units=[unit])
    admin_below = MembershipFactory(unit=unit, role=Role.UNIT_ADMIN).user
    with pytest.raises(PermissionDenied):
        services.declaration_update(declaration=joint, by=admin_below, venue="Aula lain")
    joint.refresh_from_db()
    assert joint.venue != "Aula lain"


def test_the_organisers_admin_and_the_system_may_act(draft, unit_admin):
    services.declaration_update(declaration=draft, by=unit_admin, venue="Aula Baru")
    finalised = services.declaration_finalise(declaration=draft, by=None)
    assert finalised.status == DeclarationStatus.FINAL


def test_only_admins_of_the_organiser_may_create_a_draft(unit, staff, outsider, catalogs):
    with pytest.raises(PermissionDenied):
        services.declaration_create(unit=unit, by=staff)
    with pytest.raises(Http404):
        services.declaration_create(unit=unit, by=outsider)


def test_only_superusers_change_the_shared_templates(unit_admin, superuser):
    piagam = {"kind": DeclarationKind.PIAGAM, "title": "Piagam", "body": "Kami di {city} siap."}
    with pytest.raises(PermissionDenied):
        services.template_save(**piagam, by=unit_admin)
    assert not DeclarationTemplate.objects.exists()
    services.template_save(**piagam, by=superuser)
    assert DeclarationTemplate.objects.get().title == "Piagam"
