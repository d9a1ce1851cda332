"""The application pages of declarations: who sees what, drafts, state changes, downloads."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from declarations import services
from declarations.models import Declaration, DeclarationKind, DeclarationStatus
from tests.factories import DeclarationFactory, MembershipFactory, UnitFactory, UserFactory
from tests.files import stored_bytes
from tests.pdfs import pdf_text
from units.models import Role


def detail(declaration) -> str:
    return reverse("declarations:detail", kwargs={"pk": declaration.pk})


# --- lists and visibility ---------------------------------------------------------------------


def test_the_list_shows_what_the_person_may_see(client_for, final, viewer, outsider, unit_admin):
    DeclarationFactory(unit=final.unit, title="Draf Rahasia")

    viewer_page = client_for(viewer).get(reverse("declarations:list")).content.decode()
    assert final.title in viewer_page and "Draf Rahasia" not in viewer_page

    admin_page = client_for(unit_admin).get(reverse("declarations:list")).content.decode()
    assert final.title in admin_page and "Draf Rahasia" in admin_page

    outsider_page = client_for(outsider).get(reverse("declarations:list")).content.decode()
    assert final.title not in outsider_page and "Draf Rahasia" not in outsider_page


def test_a_joint_declaration_is_visible_to_members_of_any_declaring_unit(
    province, catalogs, client_for
):
    opds = [UnitFactory(parent=province, head_name=f"Kepala {n}") for n in range(3)]
    joint = services.declaration_finalise(
        declaration=DeclarationFactory(
            unit=province, units=opds, kind=DeclarationKind.PERNYATAAN_KESIAPAN
        ),
        by=None,
    )
    member = MembershipFactory(unit=opds[2], role=Role.STAFF).user
    stranger = MembershipFactory(unit=UnitFactory(parent=province), role=Role.STAFF).user

    assert client_for(member).get(detail(joint)).status_code == 200
    assert joint.title in client_for(member).get(reverse("declarations:list")).content.decode()
    assert client_for(stranger).get(detail(joint)).status_code == 404


def test_the_list_can_be_narrowed_to_a_units_subtree(client_for, final, superuser, other_unit):
    page = client_for(superuser).get(reverse("declarations:list"), {"unit": other_unit.code})
    assert final.title not in page.content.decode()
    page = client_for(superuser).get(reverse("declarations:list"), {"unit": final.unit.code})
    assert final.title in page.content.decode()
    assert "Buat pencanangan" in page.content.decode()


def test_the_list_costs_the_same_queries_with_one_and_many_rows(
    client_for, final, unit_admin, province, catalogs, django_assert_num_queries
):
    client = client_for(unit_admin)
    client.get(reverse("declarations:list"))  # warm the session
    with django_assert_num_queries(7):
        client.get(reverse("declarations:list"))
    for _n in range(6):
        DeclarationFactory(unit=final.unit)
    with django_assert_num_queries(7):
        response = client.get(reverse("declarations:list"))
    assert response.content.decode().count('class="badge muted">Draf<') == 6


def test_the_unit_page_lists_its_declarations_in_constant_queries(
    client_for, final, unit_admin, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(unit_admin)
    url = reverse("units:detail", kwargs={"code": final.unit.code})
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    expected = len(first)  # every panel of the unit page, with one declaration
    assert final.title in page and "Buat pencanangan" in page
    for _n in range(4):
        DeclarationFactory(unit=final.unit)
    with django_assert_num_queries(expected):
        client.get(url)


# --- a declaration ------------------------------------------------------------------------------


def test_the_detail_page_costs_the_same_queries_with_few_and_many_people(
    client_for, final, unit_admin, headed_unit, django_assert_num_queries
):
    from tests.factories import WitnessFactory

    client = client_for(unit_admin)
    client.get(detail(final))
    with django_assert_num_queries(11):  # two of them: which key signs this unit
        client.get(detail(final))
    crowded = DeclarationFactory(unit=headed_unit)
    for _n in range(12):
        WitnessFactory(declaration=crowded)
    crowded = services.declaration_finalise(declaration=crowded, by=None)
    with django_assert_num_queries(11):
        client.get(detail(crowded))


def test_names_with_markup_appear_as_text_on_the_page(client_for, draft, unit_admin):
    from tests.factories import WitnessFactory

    WitnessFactory(declaration=draft, name='<script>alert("x")</script> O\'Brien')
    page = client_for(unit_admin).get(detail(draft)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien" in page
    assert '<script>alert("x")' not in page


def test_a_viewer_may_not_open_a_draft(client_for, draft, viewer):
    assert client_for(viewer).get(detail(draft)).status_code == 403


def test_a_viewer_downloads_the_issued_pdf(client_for, final, viewer):
    response = client_for(viewer).get(reverse("declarations:download", kwargs={"pk": final.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == stored_bytes(final.pdf)
    assert "attachment;" in response["Content-Disposition"]


def test_the_signed_copy_is_the_default_download_and_the_unsigned_one_is_there_too(
    client_for, signed, viewer
):
    client = client_for(viewer)
    url = reverse("declarations:download", kwargs={"pk": signed.pk})
    assert client.get(url).content == stored_bytes(signed.signed_pdf)
    assert client.get(url, {"versi": "asli"}).content == stored_bytes(signed.pdf)


def test_an_admin_previews_a_draft(client_for, draft, unit_admin):
    response = client_for(unit_admin).get(reverse("declarations:download", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert "DRAF — belum berlaku" in pdf_text(response.content)


# --- creating and editing drafts ----------------------------------------------------------------


def form_data(declaration: Declaration | None = None, **overrides) -> dict:
    data = {
        "kind": DeclarationKind.PIAGAM,
        "framework": overrides.pop("framework", None),
        "title": "",
        "document_number": "",
        "event_date": "2021-06-10",
        "event_time": "09:00",
        "venue": "Aula Samu Siret",
        "city": "Sorong",
        "body": "",
    }
    data.update(overrides)
    return data


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_an_admin_creates_a_draft_from_the_kinds_template(
    client_for, headed_unit, unit_admin, catalogs
):
    framework = catalogs["permenpan-rb-90-2021"]
    url = reverse("declarations:create", kwargs={"code": headed_unit.code})
    client = client_for(unit_admin)
    assert "Aula" not in client.get(url).content.decode()

    response = client.post(url, form_data(framework=framework.pk, units=[headed_unit.pk]))

    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("declarations:edit", kwargs={"pk": declaration.pk})
    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.title.startswith("Piagam Pencanangan")
    assert declaration.declarants.get().name == "Siti Nurhaliza, S.ST., M.Ec.Dev."
    assert declaration.history.get().history_user == unit_admin


def test_a_draft_with_an_unknown_placeholder_is_refused_with_a_message(
    client_for, headed_unit, unit_admin, catalogs
):
    url = reverse("declarations:create", kwargs={"code": headed_unit.code})
    response = client_for(unit_admin).post(
        url,
        form_data(
            framework=catalogs["permenpan-rb-90-2021"].pk, units=[headed_unit.pk], body="Di {kota}"
        ),
    )
    assert response.status_code == 400
    assert "Penanda {kota} tidak dikenal" in response.content.decode()
    assert not Declaration.objects.exists()


def test_a_unit_outside_the_organisers_subtree_cannot_be_chosen(
    client_for, headed_unit, other_unit, unit_admin, catalogs
):
    url = reverse("declarations:create", kwargs={"code": headed_unit.code})
    response = client_for(unit_admin).post(
        url, form_data(framework=catalogs["permenpan-rb-90-2021"].pk, units=[other_unit.pk])
    )
    assert response.status_code == 400
    assert not Declaration.objects.exists()


def test_editing_a_draft_saves_fields_and_people(client_for, draft, unit_admin):
    declarant = draft.declarants.get()
    witnesses = list(draft.witnesses.all())
    data = form_data(
        framework=draft.framework_id,
        units=[draft.unit_id],
        title="Piagam Baru",
        body="Kami di {city} siap, {date}.",
        event_date="2021-06-11",
    )
    data |= formset_data(
        "penanda",
        [
            {
                "id": declarant.pk,
                "name": "Siti N.",
                "nip": declarant.nip,
                "position": "Kepala",
                "unit": draft.unit_id,
                "order": 0,
            }
        ],
        initial=1,
    )
    data |= formset_data(
        "saksi",
        [
            {
                "id": witnesses[0].pk,
                "name": witnesses[0].name,
                "position": "",
                "institution": "",
                "order": 0,
                "DELETE": "on",
            },
            {
                "id": witnesses[1].pk,
                "name": witnesses[1].name,
                "position": "",
                "institution": "X",
                "order": 1,
            },
            {"name": "Saksi Baru", "position": "Ketua", "institution": "DPRD", "order": 2},
        ],
        initial=2,
    )
    response = client_for(unit_admin).post(
        reverse("declarations:edit", kwargs={"pk": draft.pk}), data
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.title == "Piagam Baru" and draft.event_date == datetime.date(2021, 6, 11)
    assert draft.declarants.get().name == "Siti N."
    assert [w.name for w in draft.witnesses.all()] == [witnesses[1].name, "Saksi Baru"]
    assert draft.witnesses.get(name="Saksi Baru").history.get().history_user == unit_admin


def test_a_bad_nip_in_the_declarants_is_shown_and_nothing_changes(client_for, draft, unit_admin):
    declarant = draft.declarants.get()
    data = form_data(framework=draft.framework_id, units=[draft.unit_id], title="Tidak Disimpan")
    data |= formset_data(
        "penanda",
        [
            {
                "id": declarant.pk,
                "name": "X",
                "nip": "123",
                "position": "",
                "unit": draft.unit_id,
                "order": 0,
            }
        ],
        initial=1,
    )
    data |= formset_data("saksi", [])
    response = client_for(unit_admin).post(
        reverse("declarations:edit", kwargs={"pk": draft.pk}), data
    )
    assert response.status_code == 400
    assert "NIP harus terdiri dari 18 angka." in response.content.decode()
    draft.refresh_from_db()
    assert draft.title != "Tidak Disimpan" and draft.declarants.get().name != "X"


def test_an_issued_declaration_cannot_be_edited(client_for, final, unit_admin):
    response = client_for(unit_admin).get(reverse("declarations:edit", kwargs={"pk": final.pk}))
    assert response.status_code == 302 and response["Location"] == detail(final)


# --- state changes ------------------------------------------------------------------------------


def test_an_admin_finalises_a_draft(client_for, draft, unit_admin):
    response = client_for(unit_admin).post(
        reverse("declarations:finalise", kwargs={"pk": draft.pk})
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.FINAL and draft.finalised_by == unit_admin


def test_the_page_says_plainly_when_no_signing_key_is_configured(
    client_for, final, unit_admin, no_signing_key
):
    client = client_for(unit_admin)
    page = client.get(detail(final)).content.decode()
    assert "Penandatanganan elektronik belum tersedia." in page
    assert "Belum ada kunci tanda tangan elektronik" in page
    assert "ZI_" not in page  # no page names a setting
    response = client.post(reverse("declarations:sign", kwargs={"pk": final.pk}), follow=True)
    assert "Belum ada kunci tanda tangan elektronik" in response.content.decode()
    final.refresh_from_db()
    assert final.status == DeclarationStatus.FINAL


def test_an_admin_signs_a_final_declaration(client_for, final, unit_admin, signing_key):
    client = client_for(unit_admin)
    assert "Tandatangani secara elektronik" in client.get(detail(final)).content.decode()
    client.post(reverse("declarations:sign", kwargs={"pk": final.pk}))
    final.refresh_from_db()
    assert final.status == DeclarationStatus.SIGNED and final.signed_by == unit_admin


def test_revoking_needs_a_reason(client_for, final, unit_admin):
    client = client_for(unit_admin)
    url = reverse("declarations:revoke", kwargs={"pk": final.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    final.refresh_from_db()
    assert final.status == DeclarationStatus.FINAL
    client.post(url, {"reason": "Kesalahan nama saksi"})
    final.refresh_from_db()
    assert final.status == DeclarationStatus.REVOKED and final.end_reason == "Kesalahan nama saksi"


def test_an_admin_supersedes_with_a_corrected_copy(client_for, final, unit_admin):
    client = client_for(unit_admin)
    response = client.post(reverse("declarations:duplicate", kwargs={"pk": final.pk}))
    copy = Declaration.objects.exclude(pk=final.pk).get()
    assert response["Location"] == reverse("declarations:edit", kwargs={"pk": copy.pk})
    client.post(reverse("declarations:finalise", kwargs={"pk": copy.pk}))
    client.post(
        reverse("declarations:supersede", kwargs={"pk": final.pk}),
        {"replacement": copy.pk, "reason": "Perbaikan gelar"},
    )
    final.refresh_from_db()
    assert final.status == DeclarationStatus.SUPERSEDED and final.superseded_by == copy


def test_deleting_a_draft(client_for, draft, unit_admin):
    response = client_for(unit_admin).post(reverse("declarations:delete", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert not Declaration.objects.filter(pk=draft.pk).exists()


def test_a_pakta_is_filled_from_the_units_people(
    client_for, headed_unit, unit_admin, staff, catalogs
):
    pakta = DeclarationFactory(unit=headed_unit, kind=DeclarationKind.PAKTA_INTEGRITAS)
    client_for(unit_admin).post(reverse("declarations:from_people", kwargs={"pk": pakta.pk}))
    names = set(pakta.declarants.values_list("name", flat=True))
    assert {staff.full_name, unit_admin.full_name} <= names


@pytest.mark.parametrize(
    "name", ["finalise", "sign", "revoke", "duplicate", "delete", "from_people"]
)
def test_state_changes_refuse_get(client_for, draft, unit_admin, name):
    response = client_for(unit_admin).get(reverse(f"declarations:{name}", kwargs={"pk": draft.pk}))
    assert response.status_code == 405


def test_a_staff_member_of_another_unit_with_the_same_name_learns_nothing(client_for, final):
    stranger = UserFactory()
    assert client_for(stranger).get(detail(final)).status_code == 404


def test_an_untouched_template_text_follows_the_chosen_kind(
    client_for, headed_unit, unit_admin, catalogs
):
    from declarations import texts

    piagam = texts.SHIPPED_TEMPLATES["piagam"]
    client_for(unit_admin).post(
        reverse("declarations:create", kwargs={"code": headed_unit.code}),
        form_data(
            framework=catalogs["permenpan-rb-90-2021"].pk,
            units=[headed_unit.pk],
            kind=DeclarationKind.PAKTA_INTEGRITAS,
            title=piagam.title,
            body=piagam.body.replace("\n", "\r\n"),
        ),
    )
    declaration = Declaration.objects.get()
    assert declaration.title == "Pakta Integritas"
    assert declaration.body == texts.SHIPPED_TEMPLATES["pakta_integritas"].body
