"""Import and export of units, people and memberships (django-import-export).

Rows go through the same services as the user interface; an import changes
everything or nothing (see `lib.imports`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from units import services
from units.models import Membership, Role, Unit, UnitKind, User


class ChoiceWidget(widgets.Widget):
    """A choice column that accepts the stored value or its label, in any case."""

    def __init__(self, choices: type[TextChoices]) -> None:
        super().__init__()
        self.values = list(choices.values)
        self.by_text = {str(label).lower(): value for value, label in choices.choices}
        self.by_text.update({value.lower(): value for value in self.values})

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        try:
            return self.by_text[text.lower()]
        except KeyError:
            raise ValueError(
                _("'%(value)s' tidak dikenal; pilih salah satu: %(choices)s")
                % {"value": text, "choices": ", ".join(self.values)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by code or username, with a message a person understands."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(model)s '%(value)s' tidak ditemukan.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None


class TextWidget(widgets.CharWidget):
    """Text that may arrive from a spreadsheet as a number (codes, NIPs)."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class UnitResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="code", widget=TextWidget())
    parent = fields.Field(attribute="parent_code", column_name="parent", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(UnitKind))
    head_nip = fields.Field(attribute="head_nip", column_name="head_nip", widget=TextWidget())

    class Meta:
        model = Unit
        import_id_fields = ["code"]
        # The logo is a file, not a cell.
        fields = (
            *services.IDENTITY_FIELDS,
            "parent",
            *services.CONTACT_FIELDS,
            *services.HEAD_FIELDS,
            "is_active",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # the services validate, with the tree fields excluded

    def before_export(self, queryset, **kwargs):
        # Parent codes for every exported unit from one query, not one per row.
        self._code_by_path = dict(Unit.objects.values_list("path", "code"))

    def dehydrate_parent(self, unit: Unit) -> str:
        if unit.depth <= 1:
            return ""
        codes = getattr(self, "_code_by_path", None)
        if codes is None:
            codes = self._code_by_path = dict(Unit.objects.values_list("path", "code"))
        return codes.get(unit.path[: -unit.steplen], "")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and original.pk:
            original.parent_code = self.dehydrate_parent(original)
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance: Unit, is_create: bool, row, **kwargs):
        user = kwargs.get("user")
        parent_code = getattr(instance, "parent_code", "") or ""
        parent = None
        if parent_code:
            parent = Unit.objects.filter(code=parent_code).first()
            if parent is None:
                raise ValidationError(
                    {
                        "parent": _(
                            "Unit induk '%(code)s' tidak ditemukan "
                            "(baris induk harus berada di atas baris anaknya)."
                        )
                        % {"code": parent_code}
                    }
                )
        values = {
            name: getattr(instance, name)
            for name in self._meta.fields
            if name not in ("parent", "code")
        }
        if is_create:
            created = services.unit_create(parent=parent, by=user, code=instance.code, **values)
            instance.pk, instance.path, instance.depth = created.pk, created.path, created.depth
            return
        services.unit_update(unit=instance, by=user)
        services.unit_move(unit=instance, new_parent=parent, by=user)


class UserResource(resources.ModelResource):
    username = fields.Field(attribute="username", column_name="username", widget=TextWidget())
    nip = fields.Field(attribute="nip", column_name="nip", widget=TextWidget())

    class Meta:
        model = User
        import_id_fields = ["username"]
        fields = ("username", *User.EMPLOYEE_FIELDS, "is_active")
        export_order = fields
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance: User, row, **kwargs):
        if not instance.nip:
            instance.nip = None
        if not instance.pk and not instance.password:
            instance.set_unusable_password()


class MembershipResource(resources.ModelResource):
    user = fields.Field(
        attribute="user", column_name="username", widget=NaturalKeyWidget(User, field="username")
    )
    unit = fields.Field(
        attribute="unit", column_name="unit", widget=NaturalKeyWidget(Unit, field="code")
    )
    role = fields.Field(attribute="role", column_name="role", widget=ChoiceWidget(Role))

    class Meta:
        model = Membership
        import_id_fields = ["user", "unit", "role"]
        fields = ("user", "unit", "role")
        export_order = fields
        skip_unchanged = True
        report_skipped = True

    def save_instance(self, instance: Membership, is_create: bool, row, **kwargs):
        if is_create:
            created = services.membership_grant(
                unit=instance.unit, user=instance.user, role=instance.role, by=kwargs.get("user")
            )
            instance.pk = created.pk


class InvitationResource(resources.ModelResource):
    """People invited in bulk from a sheet: one row, one new account, one role, one e-mail.

    Columns (Indonesian, as the sheet's authors write them): nama, nip, surel, jabatan,
    peran (value or label), unit (code; empty: the unit the import is made on). Each
    row goes through `services.person_invite`, so the same permission and checks apply;
    one bad row rolls the whole file back and no e-mail leaves (they go after commit).
    """

    full_name = fields.Field(attribute="full_name", column_name="nama", widget=TextWidget())
    nip = fields.Field(attribute="nip", column_name="nip", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="surel", widget=TextWidget())
    position = fields.Field(attribute="position", column_name="jabatan", widget=TextWidget())
    role = fields.Field(attribute="invite_role", column_name="peran", widget=ChoiceWidget(Role))
    unit = fields.Field(attribute="invite_unit", column_name="unit", widget=TextWidget())

    class Meta:
        model = User
        import_id_fields = ["email"]
        fields = ("full_name", "nip", "email", "position", "role", "unit")
        clean_model_instances = False  # the service validates

    def __init__(self, *, unit: Unit, by: User | None) -> None:
        super().__init__()
        self.default_unit = unit
        self.by = by

    def get_instance(self, instance_loader, row):
        return None  # every row is a new person; an existing address is refused by the service

    def save_instance(self, instance: User, is_create: bool, row, **kwargs):
        code = (getattr(instance, "invite_unit", "") or "").strip()
        unit = self.default_unit
        if code:
            unit = Unit.objects.filter(code=code, path__startswith=self.default_unit.path).first()
            if unit is None:
                raise ValidationError(
                    {
                        "unit": _("Unit %(code)s tidak berada di %(unit)s atau di bawahnya.")
                        % {"code": code, "unit": self.default_unit.name}
                    }
                )
        role = getattr(instance, "invite_role", "")
        if not role:
            raise ValidationError({"peran": _("Isi perannya.")})
        if not instance.email:
            raise ValidationError({"surel": _("Isi surelnya.")})
        if not instance.full_name:
            raise ValidationError({"nama": _("Isi namanya.")})
        membership = services.person_invite(
            unit=unit,
            role=role,
            email=instance.email,
            nip=instance.nip or None,
            full_name=instance.full_name,
            position=instance.position or "",
            by=self.by,
        )
        instance.pk = membership.user_id
