"""What a draft says is written once (`declarations.services.DECLARATION_FIELDS`): the
edit form, the admin and the services agree on it, and the admin shows what is frozen.
A duplicate copies its people whole, whatever fields they gain."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import RequestFactory

from declarations import services
from declarations.admin import FROZEN_FIELDS
from declarations.forms import DeclarantForm, DeclarationForm, WitnessForm
from declarations.models import Declarant, Declaration, Witness


def test_the_fields_a_person_sets_are_the_document_the_event_and_the_text():
    editable = {field.name for field in Declaration._meta.concrete_fields if field.editable}
    # The organiser is chosen once, at creation; the status changes through the services.
    assert set(services.DECLARATION_FIELDS) == editable - {"id", "unit", "status"}
    assert len(services.DECLARATION_FIELDS) == len(set(services.DECLARATION_FIELDS))


def test_the_edit_form_asks_for_every_declaration_field(unit):
    form = DeclarationForm(organiser=unit, unit_choices=[unit], creating=True)
    model_fields = [
        name for name in form.fields if name in {f.name for f in Declaration._meta.fields}
    ]
    assert model_fields == list(services.DECLARATION_FIELDS)


def test_the_admin_edits_the_organiser_and_the_declaration_fields_and_shows_the_frozen_ones(
    superuser,
):
    model_admin = admin.site._registry[Declaration]
    shown = flatten_fieldsets(model_admin.fieldsets)
    assert sorted(shown) == sorted(["unit", *services.DECLARATION_FIELDS, *FROZEN_FIELDS])
    assert set(model_admin.readonly_fields) == set(FROZEN_FIELDS)
    request = RequestFactory().get("/")
    request.user = superuser
    form = model_admin.get_form(request, obj=None)()
    assert set(form.fields) == {"unit", *services.DECLARATION_FIELDS}


def test_a_duplicate_copies_every_field_of_each_person_into_new_rows(final):
    people = [*final.declarants.all(), *final.witnesses.all()]
    Declarant.objects.filter(pk=people[0].pk).update(
        signature_image="declarations/signatures/a.png"
    )
    people[0].refresh_from_db()

    copy = services.declaration_duplicate(declaration=final, by=None)

    copied = [*copy.declarants.all(), *copy.witnesses.all()]
    rows = {(type(person), person.pk) for person in people}
    assert rows.isdisjoint((type(person), person.pk) for person in copied)
    for original, clone in zip(people, copied, strict=True):
        fields = [
            f.name for f in type(original)._meta.fields if f.name not in ("id", "declaration")
        ]
        assert {name: getattr(clone, name) for name in fields} == {
            name: getattr(original, name) for name in fields
        }
        assert clone.history.latest().history_change_reason == "declaration_duplicate"
    assert final.declarants.count() == 1 and final.witnesses.count() == 2


def test_a_signatory_or_witness_row_asks_for_every_field_in_the_application_and_the_admin():
    inlines = {inline.model: inline for inline in admin.site._registry[Declaration].inlines}
    for model, form in ((Declarant, DeclarantForm), (Witness, WitnessForm)):
        editable = {field.name for field in model._meta.concrete_fields if field.editable}
        assert set(model.ROW_FIELDS) == editable - {"id", "declaration"}
        assert list(form().fields) == list(model.ROW_FIELDS)
        assert tuple(inlines[model].fields) == model.ROW_FIELDS
