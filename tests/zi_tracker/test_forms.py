"""The project's form renderer (lib.forms): the markup every form page and the
stylesheet rely on, drawn by `{{ form }}` and `{{ form.name.as_field_group }}`."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from lxml import html


class SampleForm(forms.Form):
    title = forms.CharField(label="Judul", help_text="Singkat saja.")
    note = forms.CharField(label="Catatan", required=False)

    def clean(self):
        raise forms.ValidationError("Isian tidak cocok.")


def draw(source: str, form: forms.Form):
    return html.fragment_fromstring(
        Template(source).render(Context({"form": form})), create_parent="div"
    )


def test_a_field_group_is_our_field_markup():
    form = SampleForm(data={"title": ""})

    root = draw("{{ form.title.as_field_group }}", form)

    (field,) = root.xpath("./div")
    assert field.get("class") == "field has-error"
    assert field.xpath("./label/@for") == ["id_title"]
    assert field.xpath("./label")[0].text_content() == "Judul *"
    assert field.xpath("./label/span[@class='required']")
    assert field.xpath("./p[@class='help']/text()") == ["Singkat saja."]
    assert field.xpath("./p[@class='error-text']/text()") == form.errors["title"]


def test_an_optional_field_has_no_star_and_no_error():
    root = draw("{{ form.note.as_field_group }}", SampleForm())

    (field,) = root.xpath("./div")
    assert field.get("class") == "field"
    assert not field.xpath(".//span[@class='required']")
    assert not field.xpath("./p")


@pytest.mark.parametrize("data", [None, {"title": "Ada"}])
def test_a_whole_form_is_its_non_field_errors_then_every_field(data):
    form = SampleForm(data=data)

    root = draw("{{ form }}", form)

    children = [(child.tag, child.get("class")) for child in root]
    errors = [("p", "error-text")] if data else []
    assert children == [*errors, ("div", "field"), ("div", "field")]
    if data:
        assert root.xpath("./p/text()") == ["Isian tidak cocok."]
