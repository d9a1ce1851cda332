"""Two admins editing one draft: the second save is refused, merged, and saved knowingly.

Each person's browser is played by a test client: it opens the edit page and
posts back exactly what the page's form holds, with the person's changes.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from declarations import services
from declarations.models import Declaration, Witness
from tests.factories import MembershipFactory, UserFactory
from tests.pages import field_value, form_data
from units.models import Role
from zi_tracker.concurrency import EditConflict


@pytest.fixture
def second_admin(unit):
    user = UserFactory(username="rina", full_name="Rina Wambrauw, S.E.")
    MembershipFactory(user=user, unit=unit, role=Role.UNIT_ADMIN)
    return user


def edit_url(declaration: Declaration) -> str:
    return reverse("declarations:edit", kwargs={"pk": declaration.pk})


def open_page(client, declaration: Declaration) -> str:
    page = client.get(edit_url(declaration))
    assert page.status_code == 200
    return page.content.decode()


def test_the_second_of_two_admins_keeps_the_first_ones_change_and_their_own(
    client_for, draft, unit_admin, second_admin
):
    first, second = client_for(unit_admin), client_for(second_admin)
    first_page, second_page = open_page(first, draft), open_page(second, draft)
    original_title = draft.title

    saved = first.post(
        edit_url(draft), form_data(first_page, containing="revision", venue="Aula Wali Kota")
    )
    assert saved.status_code == 302

    refused = second.post(
        edit_url(draft), form_data(second_page, containing="revision", title="Piagam versi Rina")
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Draf ini sudah diubah orang lain" in page and "Isian Anda belum disimpan." in page
    assert unit_admin.full_name in page
    # The venue row: as Rina opened it, as saved now; her own title is not a conflict.
    assert "Saat Anda membuka" in page and "Aula Samu Siret" in page
    assert "diubah keduanya" not in page
    draft.refresh_from_db()
    assert draft.venue == "Aula Wali Kota" and draft.title == original_title
    # The form re-opens merged: the other admin's venue taken in, Rina's title kept.
    assert field_value(page, "venue") == "Aula Wali Kota"
    assert field_value(page, "title") == "Piagam versi Rina"

    again = second.post(edit_url(draft), form_data(page, containing="revision"))

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Piagam versi Rina" and draft.venue == "Aula Wali Kota"


def test_a_field_both_admins_changed_is_marked_and_keeps_the_second_ones_entry_to_review(
    client_for, draft, unit_admin, second_admin
):
    first, second = client_for(unit_admin), client_for(second_admin)
    first_page, second_page = open_page(first, draft), open_page(second, draft)
    first.post(edit_url(draft), form_data(first_page, containing="revision", city="Kota Sorong"))

    refused = second.post(
        edit_url(draft), form_data(second_page, containing="revision", city="Sorong Kota")
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "diubah keduanya" in page
    assert field_value(page, "city") == "Sorong Kota"
    draft.refresh_from_db()
    assert draft.city == "Kota Sorong"


def test_a_change_to_the_witnesses_alone_also_makes_an_open_form_out_of_date(
    client_for, draft, unit_admin, second_admin
):
    # Rina opens the page and changes only the first witness's position...
    data = form_data(
        open_page(client_for(second_admin), draft),
        containing="revision",
        **{"saksi-0-position": "Asisten I"},
    )
    # ...while the other admin adds a witness.
    services.participants_save(
        declaration=draft,
        by=unit_admin,
        save=[
            Witness(name="Ketua DPRD Kota Sorong", position="Ketua", institution="DPRD", order=2)
        ],
    )

    response = client_for(second_admin).post(edit_url(draft), data)

    assert response.status_code == 409
    assert "yang berubah adalah bagian lain draf" in response.content.decode()
    assert not draft.witnesses.filter(position="Asisten I").exists()
    assert draft.witnesses.filter(name="Ketua DPRD Kota Sorong").exists()


def test_every_save_raises_the_revision_once(draft, unit_admin):
    start = draft.revision
    services.declaration_update(declaration=draft, by=unit_admin, venue="Aula Baru")
    assert Declaration.objects.get(pk=draft.pk).revision == start + 1
    services.participants_save(declaration=draft, by=unit_admin)  # nothing to change
    assert Declaration.objects.get(pk=draft.pk).revision == start + 1


def test_the_service_refuses_an_out_of_date_revision_and_writes_nothing(draft, unit_admin):
    stale = draft.revision
    services.declaration_update(declaration=draft, by=unit_admin, venue="Aula Baru")
    history_rows = draft.history.count()

    with pytest.raises(EditConflict) as clash:
        services.declaration_update(
            declaration=Declaration.objects.get(pk=draft.pk),
            by=unit_admin,
            expected_revision=stale,
            title="Tidak Tersimpan",
        )

    assert clash.value.current.venue == "Aula Baru"
    current = Declaration.objects.get(pk=draft.pk)
    assert current.title != "Tidak Tersimpan"
    assert draft.history.count() == history_rows


def test_an_out_of_date_form_on_a_finalised_declaration_hears_that_it_is_frozen(draft, unit_admin):
    stale = draft.revision
    services.declaration_finalise(declaration=draft, by=unit_admin)
    with pytest.raises(ValidationError) as error:
        services.declaration_update(
            declaration=draft, by=unit_admin, expected_revision=stale, title="X"
        )
    assert error.value.code == "frozen"
