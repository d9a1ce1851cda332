"""How every form of ours is drawn: one field markup and one form layout, through
Django's own form rendering (`{{ form }}`, `{{ form.name.as_field_group }}`)."""

from django.forms.renderers import TemplatesSetting


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
