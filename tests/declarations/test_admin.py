"""The Django admin of declarations (national admins): inlines, read-only when issued, actions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.models import Declaration, DeclarationStatus, PrintJob


def test_the_changelist_and_a_drafts_form_with_its_inlines(client_for, superuser, final):
    from tests.factories import DeclarationFactory, WitnessFactory

    draft = DeclarationFactory(unit=final.unit)
    WitnessFactory(declaration=draft, name="Musa Sombuk, S.H., M.H.")
    client = client_for(superuser)
    page = client.get(reverse("admin:declarations_declaration_changelist")).content.decode()
    assert final.document_number in page
    form = client.get(
        reverse("admin:declarations_declaration_change", args=[draft.pk])
    ).content.decode()
    assert "Musa Sombuk, S.H., M.H." in form and 'name="declarants-0-name"' in form
    assert "Impor saksi/penanda tangan" in form


def test_the_changelist_costs_the_same_queries_for_many_rows(
    client_for, superuser, draft, headed_unit, django_assert_num_queries
):
    from tests.factories import DeclarationFactory

    client = client_for(superuser)
    url = reverse("admin:declarations_declaration_changelist")
    client.get(url)
    with django_assert_num_queries(7):
        client.get(url)
    for _n in range(5):
        DeclarationFactory(unit=headed_unit)
    with django_assert_num_queries(7):
        client.get(url)


def test_an_issued_declaration_opens_read_only_and_cannot_be_deleted(client_for, superuser, final):
    client = client_for(superuser)
    page = client.get(reverse("admin:declarations_declaration_change", args=[final.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    response = client.post(
        reverse("admin:declarations_declaration_change", args=[final.pk]), {"title": "Diubah"}
    )
    assert response.status_code == 403
    assert (
        client.get(reverse("admin:declarations_declaration_delete", args=[final.pk])).status_code
        == 403
    )
    final.refresh_from_db()
    assert final.title != "Diubah"


def test_the_history_view_lists_the_changes(client_for, superuser, final):
    page = client_for(superuser).get(
        reverse("admin:declarations_declaration_history", args=[final.pk])
    )
    assert page.status_code == 200 and "declaration_finalise" in page.content.decode()


def test_the_finalise_action_uses_the_service(client_for, superuser, draft):
    client_for(superuser).post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "finalise_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.FINAL and draft.finalised_by == superuser


def test_the_sign_action_says_when_no_key_is_configured(
    client_for, superuser, final, no_signing_key
):
    response = client_for(superuser).post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "sign_selected", "_selected_action": [final.pk]},
        follow=True,
    )
    assert "Belum ada kunci tanda tangan elektronik" in response.content.decode()
    final.refresh_from_db()
    assert final.status == DeclarationStatus.FINAL


def test_the_print_action_makes_a_zip(client_for, superuser, final):
    from tests.factories import DeclarationFactory

    draft = DeclarationFactory(unit=final.unit)
    response = client_for(superuser).post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "print_zip", "_selected_action": [final.pk, draft.pk]},
    )
    job = PrintJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.total == 2 and job.status == "done"


def test_the_delete_selected_action_is_gone(client_for, superuser, final):
    page = (
        client_for(superuser)
        .get(reverse("admin:declarations_declaration_changelist"))
        .content.decode()
    )
    assert "delete_selected" not in page


def test_importing_witnesses_in_the_admin(client_for, superuser, draft):
    url = reverse("admin:declarations_declaration_import_participants", args=[draft.pk])
    client = client_for(superuser)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "who": "witnesses",
            "file": SimpleUploadedFile("s.csv", b"name,institution\nA,KPK\nB,ORI\n"),
        },
    )
    assert response.status_code == 302
    assert [w.name for w in draft.witnesses.all()] == ["A", "B"]


def test_adding_a_declaration_in_the_admin(client_for, superuser, headed_unit, catalogs):
    data = {
        "kind": "piagam",
        "framework": catalogs["permenpan-rb-90-2021"].pk,
        "unit": headed_unit.pk,
        "title": "Piagam Admin",
        "document_number": "",
        "event_date": "2021-06-10",
        "event_time": "",
        "venue": "Aula",
        "city": "Sorong",
        "body": "Kami {unit} di {kota}.",
        "declaring_units-TOTAL_FORMS": "1",
        "declaring_units-INITIAL_FORMS": "0",
        "declaring_units-0-unit": headed_unit.pk,
        "declaring_units-0-order": "0",
        "declarants-TOTAL_FORMS": "0",
        "declarants-INITIAL_FORMS": "0",
        "witnesses-TOTAL_FORMS": "0",
        "witnesses-INITIAL_FORMS": "0",
    }
    client = client_for(superuser)
    url = reverse("admin:declarations_declaration_add")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Penanda {kota} tidak dikenal" in refused.content.decode()
    assert not Declaration.objects.exists()
    data["body"] = "Kami {unit} di {city}."
    assert client.post(url, data).status_code == 302
    declaration = Declaration.objects.get()
    assert (
        declaration.created_by == superuser
        and declaration.declaring_units.get().unit == headed_unit
    )
    assert declaration.history.get().history_user == superuser


def test_a_declaring_unit_outside_the_organisers_subtree_is_an_error_not_a_crash(
    client_for, superuser, headed_unit, other_unit, catalogs
):
    data = {
        "kind": "piagam",
        "framework": catalogs["permenpan-rb-90-2021"].pk,
        "unit": headed_unit.pk,
        "title": "Piagam Admin",
        "event_date": "2021-06-10",
        "venue": "Aula",
        "city": "Sorong",
        "body": "Kami {unit}.",
        "declaring_units-TOTAL_FORMS": "1",
        "declaring_units-INITIAL_FORMS": "0",
        "declaring_units-0-unit": other_unit.pk,
        "declaring_units-0-order": "0",
        "declarants-TOTAL_FORMS": "0",
        "declarants-INITIAL_FORMS": "0",
        "witnesses-TOTAL_FORMS": "0",
        "witnesses-INITIAL_FORMS": "0",
    }
    response = client_for(superuser).post(reverse("admin:declarations_declaration_add"), data)
    assert response.status_code == 200
    assert "tidak berada di bawah unit penyelenggara" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_template_admin_starts_from_the_shipped_text(client_for, superuser):
    page = client_for(superuser).get(
        reverse("admin:declarations_declarationtemplate_add") + "?kind=pakta_integritas"
    )
    assert "berperan secara proaktif" in page.content.decode()
