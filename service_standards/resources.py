"""Import and export of services and standard versions (django-import-export).

Lists (persyaratan, langkah, dasar hukum…) travel as one text cell with one
item per line. Rows go through the same services as the user interface, and
a file with one bad row changes nothing (`lib.imports.import_dataset`).

Standard versions: a row without `number` creates a new draft; a row naming
an existing draft updates it; a published or superseded version can be
exported and re-imported unchanged, but never changed by an import.
Publishing is done in the application, where the decree and FGD are asked.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from service_standards import services
from service_standards.models import (
    Category,
    Channel,
    DurationUnit,
    Service,
    StandardVersion,
    TextListField,
)
from units.models import Unit
from units.resources import ChoiceWidget, NaturalKeyWidget, TextWidget


class LinesWidget(widgets.Widget):
    """A list as one cell, one item per line."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return []
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return services.parse_lines(str(value))

    def render(self, value, obj=None, **kwargs):
        return "\n".join(value or [])


class BooleanTextWidget(widgets.BooleanWidget):
    """Accepts 1/0, ya/tidak, true/false."""

    TRUE = {"1", "ya", "y", "true", "benar", "yes"}
    FALSE = {"0", "tidak", "t", "false", "salah", "no", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("'%(value)s' bukan nilai ya/tidak (isi 1 atau 0).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "1" if value else "0"


class OptionalIntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValueError(_("'%(value)s' bukan bilangan bulat.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class RupiahWidget(widgets.Widget):
    """An amount in rupiah: 150000, 150000.00 or 150.000,00."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, int | float):
            return Decimal(str(value)).quantize(Decimal("0.01"))
        text = str(value).strip().removeprefix("Rp").strip()
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(_("'%(value)s' bukan besaran rupiah.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class ServiceOfRowWidget(widgets.Widget):
    """The service named by the row's `unit` code and `service` slug."""

    def clean(self, value, row=None, **kwargs):
        unit_code = TextWidget().clean((row or {}).get("unit"))
        slug = TextWidget().clean(value)
        if not unit_code or not slug:
            raise ValueError(_("Kolom unit dan service (alamat singkat layanan) wajib diisi."))
        service = (
            Service.objects.filter(unit__code=unit_code, slug=slug).select_related("unit").first()
        )
        if service is None:
            raise ValueError(
                _("Layanan '%(slug)s' pada unit '%(unit)s' tidak ditemukan.")
                % {"slug": slug, "unit": unit_code}
            )
        return service

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class ServiceResource(resources.ModelResource):
    unit = fields.Field(
        attribute="unit", column_name="unit", widget=NaturalKeyWidget(Unit, field="code")
    )
    slug = fields.Field(attribute="slug", column_name="slug", widget=TextWidget())
    channel = fields.Field(attribute="channel", column_name="channel", widget=ChoiceWidget(Channel))
    category = fields.Field(
        attribute="category", column_name="category", widget=ChoiceWidget(Category)
    )
    is_active = fields.Field(
        attribute="is_active", column_name="is_active", widget=BooleanTextWidget()
    )
    position = fields.Field(
        attribute="position", column_name="position", widget=OptionalIntegerWidget()
    )

    class Meta:
        model = Service
        import_id_fields = ["unit", "slug"]
        # The columns that find the service first, then what a caller may set.
        fields = ("unit", "slug", *(name for name in services.SERVICE_FIELDS if name != "slug"))
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # the services validate

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit")

    def save_instance(self, instance: Service, is_create: bool, row, **kwargs):
        user = kwargs.get("user")
        values = {name: getattr(instance, name) for name in services.SERVICE_FIELDS}
        if values["position"] is None:
            values.pop("position")
        if is_create:
            created = services.service_create(unit=instance.unit, by=user, **values)
            instance.pk = created.pk
            return
        services.service_update(service=instance, by=user, **values)


class StandardVersionResource(resources.ModelResource):
    unit = fields.Field(attribute="service__unit__code", column_name="unit", readonly=True)
    service = fields.Field(attribute="service", column_name="service", widget=ServiceOfRowWidget())
    number = fields.Field(attribute="number", column_name="number", widget=OptionalIntegerWidget())
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    duration_value = fields.Field(
        attribute="duration_value", column_name="duration_value", widget=OptionalIntegerWidget()
    )
    duration_unit = fields.Field(
        attribute="duration_unit", column_name="duration_unit", widget=ChoiceWidget(DurationUnit)
    )
    is_free = fields.Field(attribute="is_free", column_name="is_free", widget=BooleanTextWidget())
    fee_amount = fields.Field(
        attribute="fee_amount", column_name="fee_amount", widget=RupiahWidget()
    )
    staff_count = fields.Field(
        attribute="staff_count", column_name="staff_count", widget=OptionalIntegerWidget()
    )
    decree_number = fields.Field(
        attribute="decree_number", column_name="decree_number", readonly=True
    )
    decree_date = fields.Field(
        attribute="decree_date",
        column_name="decree_date",
        readonly=True,
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    effective_date = fields.Field(
        attribute="effective_date",
        column_name="effective_date",
        readonly=True,
        widget=widgets.DateWidget("%Y-%m-%d"),
    )

    class Meta:
        model = StandardVersion
        import_id_fields = ["service", "number"]
        fields = (
            "unit",
            "service",
            "number",
            "status",
            *services.VERSION_FIELDS,
            "decree_number",
            "decree_date",
            "effective_date",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # the services validate

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, TextListField):
            return LinesWidget
        return super().widget_from_django_field(f, default)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("service", "service__unit")

    def get_instance(self, instance_loader, row):
        number = OptionalIntegerWidget().clean(row.get("number"))
        if number is None:
            return None
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {
                    "number": _(
                        "Versi %(number)d tidak ada; kosongkan kolom number "
                        "untuk membuat draf baru."
                    )
                    % {"number": number}
                }
            )
        return instance

    def skip_row(self, instance, original, row, import_validation_errors=None):
        skip = super().skip_row(instance, original, row, import_validation_errors)
        if not skip and original is not None and original.pk and not original.is_draft:
            raise ValidationError(
                _(
                    "Versi %(number)d sudah %(status)s dan tidak dapat diubah lewat impor; "
                    "kosongkan kolom number untuk membuat draf baru."
                )
                % {"number": original.number, "status": original.get_status_display().lower()}
            )
        return skip

    def save_instance(self, instance: StandardVersion, is_create: bool, row, **kwargs):
        user = kwargs.get("user")
        values = {name: getattr(instance, name) for name in services.VERSION_FIELDS}
        values["duration_unit"] = values["duration_unit"] or ""
        if is_create:
            created = services.version_create(service=instance.service, by=user, **values)
            instance.pk, instance.number = created.pk, created.number
            return
        services.version_update(version=instance, by=user, **values)
