"""Two people editing one draft standard or maklumat: no save silently overwrites another.

Each person's browser is played by a test client that opens the edit page and
posts back what the page's form holds, with the person's changes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from lib.concurrency import EditConflict
from service_standards import services
from service_standards.models import Maklumat, StandardVersion
from tests.factories import MembershipFactory, StandardVersionFactory, UserFactory
from tests.pages import field_value, form_data
from units.models import Role


def url(name: str, unit, **kwargs) -> str:
    return reverse(f"service_standards:{name}", kwargs={"code": unit.code, **kwargs})


@pytest.fixture
def second_staff(unit):
    user = UserFactory(username="yosep", full_name="Yosep Mambrasar, A.Md.")
    MembershipFactory(user=user, unit=unit, role=Role.STAFF)
    return user


@pytest.fixture
def draft(unit):
    return StandardVersionFactory(service__unit=unit)


def open_page(client, address: str) -> str:
    page = client.get(address)
    assert page.status_code == 200
    return page.content.decode()


def test_two_people_editing_one_draft_standard_keep_both_their_changes(
    unit, draft, staff, second_staff, client_for
):
    address = url("version_edit", unit, version_id=draft.pk)
    first, second = client_for(staff), client_for(second_staff)
    first_page, second_page = open_page(first, address), open_page(second, address)

    saved = first.post(
        address, form_data(first_page, containing="revision", requirements="KTP\nKartu Keluarga")
    )
    assert saved.status_code == 302

    refused = second.post(address, form_data(second_page, containing="revision", staff_count="5"))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Draf ini sudah diubah orang lain" in page and staff.full_name in page
    assert "KTP; Kartu Keluarga" in page  # the requirements as saved now, beside the opened ones
    draft.refresh_from_db()
    assert draft.requirements == ["KTP", "Kartu Keluarga"] and draft.staff_count == 2
    assert field_value(page, "requirements").split() == ["KTP", "Kartu", "Keluarga"]
    assert field_value(page, "staff_count") == "5"

    again = second.post(address, form_data(page, containing="revision"))

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.staff_count == 5 and draft.requirements == ["KTP", "Kartu Keluarga"]


def test_the_service_refuses_an_out_of_date_draft_and_writes_nothing(draft, staff):
    stale = draft.revision
    services.version_update(version=draft, by=staff, staff_count=3)
    rows = draft.history.count()

    with pytest.raises(EditConflict) as clash:
        services.version_update(version=draft, by=staff, expected_revision=stale, staff_count=9)

    assert clash.value.current.staff_count == 3
    assert StandardVersion.objects.get(pk=draft.pk).staff_count == 3
    assert draft.history.count() == rows


def test_two_people_editing_the_maklumat_draft_do_not_overwrite_each_other(
    unit, staff, second_staff, client_for
):
    services.maklumat_save_draft(unit=unit, by=staff, text="Kami sanggup melayani.")
    address = url("maklumat_edit", unit)
    first, second = client_for(staff), client_for(second_staff)
    first_page, second_page = open_page(first, address), open_page(second, address)

    saved = first.post(address, form_data(first_page, containing="revision", text="Kami sanggup."))
    assert saved.status_code == 302
    refused = second.post(address, form_data(second_page, containing="revision", text="Kami siap."))

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "diubah keduanya" in page and "Kami sanggup." in page
    assert field_value(page, "text").strip() == "Kami siap."
    assert Maklumat.objects.get(unit=unit).text == "Kami sanggup."


def test_a_maklumat_draft_created_while_another_person_had_the_empty_form_open_is_kept(
    unit, staff, second_staff, client_for
):
    address = url("maklumat_edit", unit)
    page = open_page(client_for(second_staff), address)
    assert field_value(page, "revision") == "0"  # no draft yet
    services.maklumat_save_draft(unit=unit, by=staff, text="Rumusan pertama.")

    refused = client_for(second_staff).post(
        address, form_data(page, containing="revision", text="Rumusan kedua.")
    )

    assert refused.status_code == 409
    assert Maklumat.objects.get(unit=unit).text == "Rumusan pertama."


@pytest.mark.parametrize("revision", [None, "", "x1", "-1"])
def test_a_draft_standard_saved_without_a_readable_revision_is_a_400(
    unit, draft, staff, client_for, revision
):
    address = url("version_edit", unit, version_id=draft.pk)
    data = form_data(open_page(client_for(staff), address), containing="revision", staff_count="7")
    if revision is None:
        del data["revision"]
    else:
        data["revision"] = [revision]

    response = client_for(staff).post(address, data)

    assert response.status_code == 400
    assert "tidak membawa versi" in response.content.decode()
    draft.refresh_from_db()
    assert draft.staff_count == 2


def test_a_maklumat_saved_without_a_revision_is_a_400(unit, staff, client_for):
    response = client_for(staff).post(url("maklumat_edit", unit), {"text": "Kami sanggup."})

    assert response.status_code == 400
    assert not Maklumat.objects.filter(unit=unit).exists()
