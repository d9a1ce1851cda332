"""Lists written once and followed everywhere: the 14 components of a standard
(`service_standards.models.COMPONENT_GROUPS`) by the model, the form, the admin, the
import file, the pages and the PDF; a service's fields; the nine SKM elements."""

from __future__ import annotations

import re
import subprocess

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import RequestFactory
from django.urls import reverse

from service_standards import services, skm
from service_standards.documents import standard_pdf
from service_standards.forms import LinesField, ServiceForm, StandardVersionForm
from service_standards.models import (
    COMPONENT_GROUPS,
    COMPONENTS,
    ELEMENT_LABELS,
    Respondent,
    SatisfactionSurvey,
    Service,
    StandardVersion,
    TextListField,
)
from service_standards.resources import LinesWidget, ServiceResource, StandardVersionResource
from tests.factories import ServiceFactory, StandardVersionFactory

CONTENT = StandardVersion.CONTENT_FIELDS
# What a version carries besides its components: identity, status and the decree.
BOOKKEEPING = {
    "id",
    "service",
    "number",
    "status",
    "change_note",
    *services.PREPARED_FIELDS,
    "published_at",
    "published_by",
    "superseded_at",
    "based_on",
    "created_by",
}
LIST_FIELDS = {
    field.name for field in StandardVersion._meta.fields if isinstance(field, TextListField)
}


def test_the_table_has_the_six_delivery_and_eight_management_components():
    assert [len(group.components) for group in COMPONENT_GROUPS] == [6, 8]
    assert len({component.key for component in COMPONENTS}) == 14
    assert len({component.anchor for component in COMPONENTS}) == 14


def test_every_field_a_person_fills_in_belongs_to_exactly_one_component():
    editable = {field.name for field in StandardVersion._meta.concrete_fields if field.editable}
    assert len(CONTENT) == len(set(CONTENT))
    assert set(CONTENT) == editable - BOOKKEEPING


def test_the_edit_form_asks_for_every_component_field_and_lists_as_lines():
    form = StandardVersionForm(instance=StandardVersion())
    assert list(form.fields) == ["change_note", *CONTENT, "revision"]
    lines = {name for name, field in form.fields.items() if isinstance(field, LinesField)}
    assert lines == LIST_FIELDS
    laid_out = [
        bound.name for _label, rows in form.component_groups() for row in rows for bound in row
    ]
    assert laid_out == list(CONTENT)


def test_the_admin_shows_the_component_groups_and_edits_lists_as_lines(superuser):
    model_admin = admin.site._registry[StandardVersion]
    sections = {
        str(label): flatten_fieldsets([(label, options)])
        for label, options in model_admin.fieldsets
    }
    for group in COMPONENT_GROUPS:
        assert sections[str(group.label)] == [name for c in group.components for name in c.fields]
    request = RequestFactory().get("/")
    request.user = superuser
    form = model_admin.get_form(request, obj=None)()
    assert set(CONTENT) <= set(form.fields)
    lines = {name for name, field in form.fields.items() if isinstance(field, LinesField)}
    assert lines == LIST_FIELDS


def test_the_import_file_has_a_column_for_every_component_field_and_lists_as_lines():
    resource = StandardVersionResource()
    columns = [field.column_name for field in resource.get_export_fields()]
    assert columns == [
        "unit",
        "service",
        "number",
        "status",
        "change_note",
        *CONTENT,
        "decree_number",
        "decree_date",
        "effective_date",
    ]
    lines = {
        name for name, field in resource.fields.items() if isinstance(field.widget, LinesWidget)
    }
    assert lines == LIST_FIELDS


def test_the_service_form_and_file_set_what_the_services_accept():
    editable = {field.name for field in Service._meta.concrete_fields if field.editable}
    assert set(services.SERVICE_FIELDS) == editable - {"id", "unit"}
    assert list(ServiceForm(unit=None).fields) == list(services.SERVICE_FIELDS)
    resource_columns = set(ServiceResource().fields)
    assert resource_columns == {"unit", *services.SERVICE_FIELDS}


def test_the_page_and_the_pdf_number_and_name_the_components_in_the_tables_order(unit, client_for):
    version = StandardVersionFactory(service=ServiceFactory(unit=unit), published=True)
    page = (
        client_for(None)
        .get(
            reverse(
                "service_standards:public_service",
                kwargs={"code": unit.code, "slug": version.service.slug},
            )
        )
        .content.decode()
    )
    anchors = re.findall(r'<section class="component" id="([^"]+)">', page)
    numbers = re.findall(r'<span class="component-number">(\d+)</span> ([^<]+)</h3>', page)
    assert anchors == [component.anchor for component in COMPONENTS]
    assert numbers == [(str(n), str(c.label)) for n, c in enumerate(COMPONENTS, start=1)]

    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=standard_pdf(version).content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = " ".join(text.split()).replace("/ ", "/")  # lines may break after a slash
    positions = [text.index(str(component.label)) for component in COMPONENTS]
    assert positions == sorted(positions)


def test_every_skm_element_has_a_label_an_answer_and_an_average_shown_in_the_admin():
    assert [code for code, _label in ELEMENT_LABELS] == list(skm.ELEMENT_CODES)
    answers = {field.name for field in Respondent._meta.fields}
    averages = {field.name for field in SatisfactionSurvey._meta.fields}
    respondent_admin = admin.site._registry[Respondent]
    survey_admin = admin.site._registry[SatisfactionSurvey]
    for code in skm.ELEMENT_CODES:
        assert code in answers and code in respondent_admin.list_display
        assert f"nrr_{code}" in averages and f"nrr_{code}" in survey_admin.readonly_fields
