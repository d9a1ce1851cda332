"""Import and export of the regulation catalogs (xlsx/csv), keyed by framework + code.

Exporting a catalog, editing it in a spreadsheet and importing it back is
the admin's way to adjust weights, texts and thresholds in bulk. Every row
names its framework by code and its parent rows by their codes within that
framework, as the YAML files do.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from change_areas.models import (
    Area,
    Component,
    Framework,
    Indicator,
    Part,
    Prerequisite,
    Question,
    QuestionInput,
    QuestionOption,
    ThresholdRule,
)
from units.resources import NaturalKeyWidget


class CatalogKeyWidget(NaturalKeyWidget):
    """A reference to another row of the same framework, by its code."""

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(framework__code=row.get("framework"))


class JSONTextWidget(widgets.Widget):
    """JSON kept as text in a spreadsheet cell."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return {}
        try:
            return json.loads(value)
        except (TypeError, ValueError) as error:
            raise ValueError(_("bukan JSON yang sah: %(error)s") % {"error": error}) from None

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value, ensure_ascii=False) if value else ""


def _framework_field() -> fields.Field:
    return fields.Field(
        attribute="framework",
        column_name="framework",
        widget=NaturalKeyWidget(Framework, field="code"),
    )


def _reference(attribute: str, model) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=attribute, widget=CatalogKeyWidget(model, field="code")
    )


class CatalogResource(resources.ModelResource):
    framework = _framework_field()

    class Meta:
        import_id_fields = ["framework", "code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class FrameworkResource(resources.ModelResource):
    class Meta:
        model = Framework
        import_id_fields = ["code"]
        fields = (
            "code",
            "name",
            "short_name",
            "regulation",
            "kind",
            "description",
            "version",
            "is_current",
            "is_active",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class ComponentResource(CatalogResource):
    class Meta(CatalogResource.Meta):
        model = Component
        fields = ("framework", "code", "kind", "name", "weight", "order", "note", "is_active")
        export_order = fields


class AreaResource(CatalogResource):
    component = _reference("component", Component)

    class Meta(CatalogResource.Meta):
        model = Area
        fields = (
            "framework",
            "code",
            "component",
            "short_name",
            "name",
            "weight",
            "description",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class PartResource(CatalogResource):
    area = _reference("area", Area)

    class Meta(CatalogResource.Meta):
        model = Part
        fields = (
            "framework",
            "code",
            "area",
            "kind",
            "name",
            "weight",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class IndicatorResource(CatalogResource):
    area = _reference("area", Area)
    part = _reference("part", Part)
    parent = _reference("parent", Indicator)

    class Meta(CatalogResource.Meta):
        model = Indicator
        fields = (
            "framework",
            "code",
            "area",
            "part",
            "parent",
            "number",
            "name",
            "weight",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class QuestionResource(CatalogResource):
    indicator = _reference("indicator", Indicator)
    value_rule = fields.Field(
        attribute="value_rule", column_name="value_rule", widget=JSONTextWidget()
    )

    class Meta(CatalogResource.Meta):
        model = Question
        fields = (
            "framework",
            "code",
            "indicator",
            "number",
            "text",
            "criterion",
            "answer_type",
            "value_rule",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class QuestionOptionResource(CatalogResource):
    question = _reference("question", Question)

    class Meta(CatalogResource.Meta):
        model = QuestionOption
        fields = (
            "framework",
            "code",
            "question",
            "key",
            "value",
            "criterion",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class QuestionInputResource(CatalogResource):
    question = _reference("question", Question)
    computed = fields.Field(attribute="computed", column_name="computed", widget=JSONTextWidget())

    class Meta(CatalogResource.Meta):
        model = QuestionInput
        fields = (
            "framework",
            "code",
            "question",
            "key",
            "label",
            "computed",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class ThresholdRuleResource(CatalogResource):
    class Meta(CatalogResource.Meta):
        model = ThresholdRule
        import_id_fields = ["framework", "predicate", "code"]
        fields = (
            "framework",
            "predicate",
            "code",
            "kind",
            "target",
            "minimum",
            "scope",
            "label",
            "order",
            "note",
            "is_active",
        )
        export_order = fields


class PrerequisiteResource(CatalogResource):
    grades = fields.Field(attribute="grades", column_name="grades", widget=JSONTextWidget())
    requirement = fields.Field(
        attribute="requirement", column_name="requirement", widget=JSONTextWidget()
    )

    class Meta(CatalogResource.Meta):
        model = Prerequisite
        fields = (
            "framework",
            "code",
            "level",
            "name",
            "description",
            "value_type",
            "source",
            "grades",
            "requirement",
            "order",
            "note",
            "is_active",
        )
        export_order = fields
