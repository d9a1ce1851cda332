"""How every form of ours is drawn: one field markup and one form layout, through
Django's own form rendering (`{{ form }}`, `{{ form.name.as_field_group }}`); and the
date field every form uses (plausible dates only)."""

from django import forms
from django.forms.renderers import TemplatesSetting

from lib.dates import EARLIEST, latest, plausible_date


class FormRenderer(TemplatesSetting):
    """Fields as `templates/forms/field.html` (the wrapper, label with its `*`, help
    and errors the stylesheet expects), a whole form as `templates/forms/form.html`
    (its non-field errors, then every field).

    TemplatesSetting renders with the project's template engine, so our templates
    and Django's widget templates (`django.forms` is an installed app) are found
    the same way as every page's.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """The browser's date picker (ISO value)."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """A date within the plausible range (`lib.dates`), the picker told the same range."""

    widget = DateInput
    default_validators = [plausible_date]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs.setdefault("min", EARLIEST.isoformat())
            attrs.setdefault("max", latest().isoformat())
        return attrs


def id_from(value) -> int | None:
    """A database id from a query string or a form field, or None when it is not one.

    ASCII digits only, at most 18 ("١", " ", "1.5", "abc", a 10,000-digit number
    name no row and must not reach the database as a query error).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    return int(text)
