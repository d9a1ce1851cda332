"""What people set on a unit is written once (`units.services.UNIT_FIELDS`, by group): the
admin form and its sections, the import file and the services agree on it. The same for
what the app records of a person (`User.EMPLOYEE_FIELDS`)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import AbstractUser
from django.test import RequestFactory

from units import services
from units.models import Unit, User
from units.resources import UnitResource, UserResource


def test_the_fields_a_person_sets_are_every_field_but_the_trees():
    editable = {field.name for field in Unit._meta.concrete_fields if field.editable}
    assert set(services.UNIT_FIELDS) == editable - {"id", "path", "depth", "numchild"}
    assert len(services.UNIT_FIELDS) == len(set(services.UNIT_FIELDS))


def test_the_admin_edits_every_unit_field_and_the_parent(superuser):
    model_admin = admin.site._registry[Unit]
    assert sorted(flatten_fieldsets(model_admin.fieldsets)) == sorted(
        [*services.UNIT_FIELDS, "parent"]
    )
    request = RequestFactory().get("/")
    request.user = superuser
    form = model_admin.get_form(request, obj=None)()
    assert set(form.fields) == {*services.UNIT_FIELDS, "parent"}


def test_the_import_file_has_every_unit_field_but_the_logo_and_the_parents_code():
    columns = [field.column_name for field in UnitResource().get_export_fields()]
    assert sorted(columns) == sorted(
        [*(name for name in services.UNIT_FIELDS if name != "logo"), "parent"]
    )
    # Identity first, the parent after it, then region and contact, the head, and the state.
    assert columns[:5] == [*services.IDENTITY_FIELDS, "parent"]


def test_what_the_app_adds_to_a_person_is_asked_by_the_admin_and_carried_by_the_file(superuser):
    added = {field.name for field in User._meta.fields} - {
        field.name for field in AbstractUser._meta.fields
    }
    # `invited_at` is the account's state, written by the invitation service, not an employee fact.
    assert added - {"id", "invited_at"} <= set(User.EMPLOYEE_FIELDS)
    model_admin = admin.site._registry[User]
    request = RequestFactory().get("/")
    request.user = superuser
    add_form = model_admin.get_form(request, obj=None)()
    assert set(User.EMPLOYEE_FIELDS) <= set(add_form.fields)
    assert set(User.EMPLOYEE_FIELDS) <= set(flatten_fieldsets(model_admin.fieldsets))
    columns = [field.column_name for field in UserResource().get_export_fields()]
    assert columns == ["username", *User.EMPLOYEE_FIELDS, "is_active"]
