"""What the service-standard pages share: the page context, PDF responses, form errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from lib.pdf import RenderedFile
from units import access
from units.access import Perm
from units.models import Unit


def page_context(request: HttpRequest, unit: Unit, **extra) -> dict:
    """The unit, its ancestors (for the breadcrumbs) and what the person may do there."""
    perms = access.perms_on(request.user, unit)
    return {
        "unit": unit,
        "ancestors": list(unit.ancestors()),
        "can_edit": Perm.EDIT_SELF in perms,
        "can_submit": Perm.SUBMIT_SELF in perms,
        **extra,
    }


def pdf_response(rendered: RenderedFile, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
