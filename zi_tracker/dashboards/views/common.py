"""What the dashboard pages share: files, filter warnings, layer names."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from change_areas.models import Layer
from lib.pdf import RenderedFile

PDF_ROW_LIMIT = 500
LAYER_LABELS = {
    Layer.SELF: gettext_lazy("Unit"),
    Layer.PRE: gettext_lazy("Pendahuluan"),
    Layer.TPI: gettext_lazy("TPI"),
    Layer.TPN: gettext_lazy("TPN"),
}


def file_response(rendered: RenderedFile, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{rendered.filename}"'
    return response


def filter_errors(request: HttpRequest, form) -> None:
    """Tell the person which filter choices were not understood (they are ignored)."""
    if form.is_bound and not form.is_valid():
        messages.warning(
            request,
            _("Sebagian pilihan saringan tidak dikenal dan diabaikan: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
        )


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
