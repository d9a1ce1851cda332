from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from change_areas import resources
from change_areas.models import (
    Area,
    Component,
    Framework,
    Indicator,
    Part,
    PredicateAward,
    Prerequisite,
    Question,
    QuestionInput,
    QuestionOption,
    ThresholdRule,
)
from lib.imports import ImportExportMixin


class CatalogAdmin(ImportExportMixin, SimpleHistoryAdmin):
    list_filter = ("framework", "is_active")
    list_select_related = ("framework",)
    search_fields = ("code", "name")
    ordering = ("framework", "order", "code")
    list_per_page = 200


@admin.register(Framework)
class FrameworkAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [resources.FrameworkResource]
    list_display = ("short_name", "code", "kind", "version", "is_current", "is_active", "loaded_at")
    list_filter = ("kind", "is_current", "is_active")
    search_fields = ("code", "name", "short_name")
    readonly_fields = ("source_sha256", "loaded_at")
    exclude = ("source_data",)


@admin.register(Component)
class ComponentAdmin(CatalogAdmin):
    resource_classes = [resources.ComponentResource]
    list_display = ("code", "name", "kind", "weight", "framework", "is_active")


@admin.register(Area)
class AreaAdmin(CatalogAdmin):
    resource_classes = [resources.AreaResource]
    list_display = ("code", "name", "short_name", "weight", "component", "framework", "is_active")
    list_select_related = ("framework", "component")


@admin.register(Part)
class PartAdmin(CatalogAdmin):
    resource_classes = [resources.PartResource]
    list_display = ("code", "name", "kind", "weight", "area", "framework", "is_active")
    list_select_related = ("framework", "area")
    list_filter = ("framework", "kind", "is_active")


@admin.register(Indicator)
class IndicatorAdmin(CatalogAdmin):
    resource_classes = [resources.IndicatorResource]
    list_display = ("code", "name", "weight", "area", "part", "framework", "is_active")
    list_select_related = ("framework", "area", "part")
    list_filter = ("framework", "area__name", "is_active")
    raw_id_fields = ("parent",)


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 0
    fields = ("key", "value", "criterion", "order", "is_active")


class QuestionInputInline(admin.TabularInline):
    model = QuestionInput
    extra = 0
    fields = ("code", "key", "label", "computed", "order", "is_active")


@admin.register(Question)
class QuestionAdmin(CatalogAdmin):
    resource_classes = [resources.QuestionResource]
    list_display = ("code", "short_text", "answer_type", "indicator", "framework", "is_active")
    list_select_related = ("framework", "indicator")
    list_filter = ("framework", "answer_type", "indicator__area__name", "is_active")
    search_fields = ("code", "text", "criterion")
    raw_id_fields = ("indicator",)
    inlines = (QuestionOptionInline, QuestionInputInline)

    @admin.display(description=_("pertanyaan"))
    def short_text(self, question: Question) -> str:
        return question.text if len(question.text) <= 90 else question.text[:87] + "…"

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            instance.framework = form.instance.framework
            if isinstance(instance, QuestionOption) and not instance.code:
                instance.code = f"{form.instance.code}:{instance.key}"
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


@admin.register(QuestionOption)
class QuestionOptionAdmin(CatalogAdmin):
    resource_classes = [resources.QuestionOptionResource]
    list_display = ("code", "key", "value", "framework", "is_active")
    search_fields = ("code", "criterion")
    raw_id_fields = ("question",)


@admin.register(QuestionInput)
class QuestionInputAdmin(CatalogAdmin):
    resource_classes = [resources.QuestionInputResource]
    list_display = ("code", "label", "framework", "is_active")
    search_fields = ("code", "label")
    raw_id_fields = ("question",)


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(CatalogAdmin):
    resource_classes = [resources.ThresholdRuleResource]
    list_display = (
        "label",
        "predicate",
        "kind",
        "target",
        "minimum",
        "scope",
        "framework",
        "is_active",
    )
    list_filter = ("framework", "predicate", "kind", "is_active")
    list_editable = ("minimum", "scope")
    search_fields = ("code", "label", "target")


@admin.register(Prerequisite)
class PrerequisiteAdmin(CatalogAdmin):
    resource_classes = [resources.PrerequisiteResource]
    list_display = ("name", "level", "value_type", "source", "framework", "is_active")
    list_filter = ("framework", "level", "value_type", "is_active")


@admin.register(PredicateAward)
class PredicateAwardAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "predicate", "year", "decree_number", "decree_date", "revoked_on")
    list_filter = ("predicate", "year", ("revoked_on", admin.EmptyFieldListFilter))
    list_select_related = ("unit",)
    search_fields = ("unit__code", "unit__name", "decree_number")
    autocomplete_fields = ("unit",)
    date_hierarchy = "decree_date"
