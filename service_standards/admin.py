from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from lib.imports import ImportExportMixin
from service_standards import services, skm
from service_standards.forms import LinesField
from service_standards.models import (
    COMPONENT_GROUPS,
    Consultation,
    Maklumat,
    Respondent,
    SatisfactionSurvey,
    Service,
    StandardVersion,
    TextListField,
)
from service_standards.resources import ServiceResource, StandardVersionResource


@admin.register(Service)
class ServiceAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ServiceResource]
    list_display = ("name", "unit", "slug", "channel", "category", "position", "is_active")
    list_filter = ("channel", "category", "is_active")
    list_select_related = ("unit",)
    search_fields = ("name", "slug", "unit__code", "unit__name")
    autocomplete_fields = ("unit",)
    ordering = ("unit__path", "position", "name")

    def save_model(self, request, obj: Service, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in services.SERVICE_FIELDS
            if name in form.cleaned_data
        }
        if not change:
            created = services.service_create(unit=obj.unit, by=request.user, **values)
            obj.pk = created.pk
            return
        services.service_update(service=obj, by=request.user, **values)


class ListsAsLinesMixin:
    """Lists (persyaratan, peserta…) are edited one item per line, as in the application."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TextListField):
            return LinesField(label=db_field.verbose_name, required=False, rows=4)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# Who made, published and replaced a version, and when: set by the services only.
VERSION_RECORD = (
    "published_at",
    "published_by",
    "superseded_at",
    "based_on",
    "created_by",
    "created_at",
    "updated_at",
)


@admin.register(StandardVersion)
class StandardVersionAdmin(ListsAsLinesMixin, ImportExportMixin, SimpleHistoryAdmin):
    """Drafts are edited here as in the application; status changes only through the actions."""

    resource_classes = [StandardVersionResource]
    list_display = (
        "service",
        "unit_code",
        "number",
        "status",
        "decree_number",
        "effective_date",
        "updated_at",
    )
    list_filter = ("status",)
    list_select_related = ("service", "service__unit")
    search_fields = ("service__name", "service__unit__code", "service__unit__name", "decree_number")
    readonly_fields = ("status", *VERSION_RECORD)
    autocomplete_fields = ("service",)
    raw_id_fields = ("consultation",)
    actions = ("publish_selected",)
    fieldsets = (
        (None, {"fields": ("service", "number", "status", "change_note")}),
        *((group.label, {"fields": group.rows}) for group in COMPONENT_GROUPS),
        (_("Penetapan"), {"fields": (*services.PREPARED_FIELDS, *VERSION_RECORD)}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["service", "number"]
            if not obj.is_draft:
                # Published and superseded versions never change.
                fields += [f.name for f in StandardVersion._meta.fields if f.name not in fields]
        else:
            fields.append("number")
        return fields

    @admin.display(description=_("unit"), ordering="service__unit__code")
    def unit_code(self, obj: StandardVersion) -> str:
        return obj.service.unit.code

    def save_model(self, request, obj: StandardVersion, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in services.VERSION_FIELDS
            if name in form.cleaned_data
        }
        if not change:
            created = services.version_create(service=obj.service, by=request.user, **values)
            obj.pk, obj.number = created.pk, created.number
            return
        if obj.is_draft:
            for name in services.PREPARED_FIELDS:
                if name in form.cleaned_data:
                    values[name] = form.cleaned_data[name] or (
                        "" if name == "decree_number" else None
                    )
            services.version_update(version=obj, by=request.user, **values)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    @admin.action(
        description=_("Terbitkan draf terpilih (memakai nomor dan tanggal keputusan yang terisi)")
    )
    def publish_selected(self, request, queryset):
        for version in queryset.select_related("service"):
            try:
                outcome = services.version_publish(
                    version=version,
                    by=request.user,
                    decree_number=version.decree_number,
                    decree_date=version.decree_date,
                    effective_date=version.effective_date,
                    consultation=version.consultation,
                )
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(version)s diterbitkan.") % {"version": outcome.version}
                )
                for warning in outcome.warnings:
                    self.message_user(request, warning, messages.WARNING)


@admin.register(Consultation)
class ConsultationAdmin(ListsAsLinesMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "held_on", "minutes_name")
    list_select_related = ("unit",)
    search_fields = ("title", "unit__code", "unit__name")
    list_filter = ("held_on",)
    autocomplete_fields = ("unit",)
    filter_horizontal = ("services",)
    readonly_fields = (
        "minutes",
        "minutes_name",
        "minutes_size",
        "minutes_content_type",
        "minutes_sha256",
        "created_by",
        "created_at",
    )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(Maklumat)
class MaklumatAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "status", "signer_name", "signed_on")
    list_filter = ("status",)
    list_select_related = ("unit",)
    search_fields = ("unit__code", "unit__name", "signer_name")
    autocomplete_fields = ("unit",)
    readonly_fields = (
        "status",
        "signer_name",
        "signer_nip",
        "signer_position",
        "signed_place",
        "signed_on",
        "signed_at",
        "signed_by",
        "superseded_at",
        "created_at",
        "updated_at",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Maklumat.Status.DRAFT:
            fields += ["unit", "text"]
        return fields

    def save_model(self, request, obj, form, change):
        if obj.status != Maklumat.Status.DRAFT:
            return
        draft = services.maklumat_save_draft(unit=obj.unit, by=request.user, text=obj.text)
        obj.pk = draft.pk


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    """Read-only: respondent rows change only by importing a period's file again."""

    list_display = (
        "survey",
        "row_number",
        *skm.ELEMENT_CODES,
        "sex",
        "age",
    )
    list_select_related = ("survey", "survey__unit", "survey__service")
    list_filter = ("sex",)
    search_fields = ("survey__unit__code", "service_used", "occupation")
    raw_id_fields = ("survey",)
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "unit",
        "service",
        "period_kind",
        "year",
        "respondent_count",
        "ikm",
        "grade",
        "status",
    )
    list_filter = ("status", "period_kind", "year", "grade")
    list_select_related = ("unit", "service")
    search_fields = ("unit__code", "unit__name", "service__name")
    readonly_fields = (
        "unit",
        "service",
        "year",
        "period_kind",
        "period_number",
        "source",
        "respondent_count",
        *(f"nrr_{code}" for code in skm.ELEMENT_CODES),
        "ikm",
        "grade",
        "status",
        "published_at",
        "published_by",
        "created_at",
        "updated_at",
    )
    actions = ("recompute",)

    def has_add_permission(self, request):
        return False  # periods are created and filled in the application

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Hitung ulang dari data responden"))
    def recompute(self, request, queryset):
        for survey in queryset:
            services.survey_recompute(survey=survey, by=request.user)
        self.message_user(request, _("Hasil dihitung ulang."))
