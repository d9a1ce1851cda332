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
from lib.concurrency import EditConflict
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.pages import field_value, form_data
from units.models import Role


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


def column(html: str, prefix: str, name: str) -> list[str]:
    """One field of every row of a formset, as the page shows it."""
    data = form_data(html, containing="revision")
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    return [data.get(f"{prefix}-{index}-{name}", [""])[0] for index in range(total)]


@pytest.fixture
def race(client_for, draft, unit_admin, second_admin):
    """Both admins open the page; the first saves what they typed, the second is refused.

    Called with what each typed; returns the second admin's client and the page
    their refused save re-opened.
    """

    def run(first_typed: dict, second_typed: dict):
        first_client, second_client = client_for(unit_admin), client_for(second_admin)
        first_page, second_page = open_page(first_client, draft), open_page(second_client, draft)
        saved = first_client.post(
            edit_url(draft), form_data(first_page, containing="revision", **first_typed)
        )
        assert saved.status_code == 302
        refused = second_client.post(
            edit_url(draft), form_data(second_page, containing="revision", **second_typed)
        )
        assert refused.status_code == 409
        return second_client, refused.content.decode()

    return run


def save_again(client, draft, page: str) -> int:
    """Post the re-opened form as it stands; the response's status."""
    return client.post(edit_url(draft), form_data(page, containing="revision")).status_code


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


def test_a_witness_added_by_one_admin_and_a_witness_changed_by_the_other_are_both_kept(
    client_for, draft, unit_admin, second_admin
):
    # Rina opens the page and changes only the first witness's position...
    rina = client_for(second_admin)
    data = form_data(
        open_page(rina, draft), containing="revision", **{"saksi-0-position": "Asisten I"}
    )
    # ...while the other admin adds a witness.
    services.participants_save(
        declaration=draft,
        by=unit_admin,
        save=[
            Witness(name="Ketua DPRD Kota Sorong", position="Ketua", institution="DPRD", order=2)
        ],
    )

    refused = rina.post(edit_url(draft), data)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert not draft.witnesses.filter(position="Asisten I").exists()
    # The new witness is listed, and the form holds it next to Rina's change.
    assert "Saksi Ketua DPRD Kota Sorong" in page
    assert {"Asisten I", "Ketua"} <= set(column(page, "saksi", "position"))

    again = rina.post(edit_url(draft), form_data(page, containing="revision"))

    assert again.status_code == 302
    assert sorted(draft.witnesses.values_list("position", flat=True)) == [
        "Asisten I",
        "Kepala Perwakilan",
        "Ketua",
    ]


def test_a_witness_field_changed_by_the_first_admin_survives_the_second_ones_save(race, draft):
    second, page = race({"saksi-0-position": "Sekretaris Daerah"}, {"venue": "Aula B"})

    assert field_value(page, "saksi-0-position") == "Sekretaris Daerah"
    assert "diubah keduanya" not in page
    assert save_again(second, draft, page) == 302
    draft.refresh_from_db()
    assert draft.venue == "Aula B"
    assert draft.witnesses.filter(position="Sekretaris Daerah").exists()


def test_a_witness_both_admins_changed_keeps_the_second_ones_entry_marked(race, draft):
    _second, page = race({"saksi-0-position": "A"}, {"saksi-0-position": "B"})

    assert "diubah keduanya" in page and "Jabatan" in page
    assert field_value(page, "saksi-0-position") == "B"
    assert draft.witnesses.filter(position="A").exists()


def test_a_witness_the_first_admin_removed_is_reported_not_an_error_and_stays_removed(race, draft):
    removed = draft.witnesses.order_by("order", "pk").first().name
    second, page = race({"saksi-0-DELETE": "on"}, {"venue": "Aula B"})

    assert "(dihapus)" in page and removed in page
    assert "has-error" not in page
    assert save_again(second, draft, page) == 302
    assert not draft.witnesses.filter(name=removed).exists()
    assert draft.witnesses.count() == 1


def test_a_witness_one_admin_edited_and_the_other_removed_comes_back_as_a_new_row(race, draft):
    second, page = race({"saksi-0-DELETE": "on"}, {"saksi-0-position": "Asisten I"})

    assert "diubah keduanya" in page
    assert save_again(second, draft, page) == 302
    assert draft.witnesses.filter(position="Asisten I").exists()


def test_a_declaring_unit_one_admin_added_is_kept_by_the_others_save(
    client_for, draft, unit_admin, second_admin, unit
):
    child = UnitFactory(parent=unit, name="UPT Pelayanan Pajak")
    first, second = client_for(unit_admin), client_for(second_admin)
    first_page, second_page = open_page(first, draft), open_page(second, draft)
    first.post(
        edit_url(draft),
        form_data(first_page, containing="revision", units=[str(unit.pk), str(child.pk)]),
    )

    refused = second.post(
        edit_url(draft), form_data(second_page, containing="revision", venue="Aula B")
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "UPT Pelayanan Pajak" in page.split('id="edit-conflict"')[1].split("</section>")[0]
    assert form_data(page, containing="revision")["units"] == [str(unit.pk), str(child.pk)]
    assert save_again(second, draft, page) == 302
    assert [link.unit_id for link in draft.declaring_units.order_by("order")] == [
        unit.pk,
        child.pk,
    ]


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", " 7 "])
def test_a_tampered_revision_is_a_form_error_and_saves_nothing(
    client_for, draft, unit_admin, value
):
    client = client_for(unit_admin)
    data = form_data(open_page(client, draft), containing="revision", revision=value, venue="X")

    response = client.post(edit_url(draft), data)

    assert response.status_code in (400, 409)
    draft.refresh_from_db()
    assert draft.venue != "X"


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


@pytest.mark.parametrize("revision", [None, "", "abc", "1e3"])
def test_a_save_without_a_readable_revision_is_a_400_and_changes_nothing(
    client_for, draft, unit_admin, revision
):
    data = form_data(open_page(client_for(unit_admin), draft), containing="revision")
    data["title"] = ["Ditimpa tanpa versi"]
    if revision is None:
        del data["revision"]
    else:
        data["revision"] = [revision]
    before = (draft.title, draft.revision)

    response = client_for(unit_admin).post(edit_url(draft), data)

    assert response.status_code == 400
    assert "tidak membawa versi" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.title, draft.revision) == before
