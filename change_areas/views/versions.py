"""The LKE versions: the list of versions and the page that lists every difference between two."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from change_areas import selectors
from change_areas.catalog import kind_names
from change_areas.models import Framework
from units.access import signed_in


@signed_in  # the regulation's catalogs are public knowledge; any signed-in person reads them
def version_list(request: HttpRequest) -> HttpResponse:
    frameworks = list(Framework.objects.with_lke().select_related("supersedes").order_by("code"))
    return render(request, "change_areas/versions.html", {"frameworks": frameworks})


@signed_in
def version_compare(request: HttpRequest, old: str, new: str) -> HttpResponse:
    """Every difference between two LKE versions, renamed codes followed through the code map."""
    older = get_object_or_404(Framework.objects.with_lke(), code=old)
    newer = get_object_or_404(Framework.objects.with_lke(), code=new)
    if older == newer:
        raise Http404
    differences = selectors.version_differences(older, newer)
    names = kind_names()
    for difference in differences:
        difference.kind_name = names[difference.kind]
        if difference.field:  # the field as the interface names it ("teks", "kriteria", …)
            model = selectors.COMPARED_FIELDS[difference.kind][0]
            difference.field_name = model._meta.get_field(difference.field).verbose_name
    return render(
        request,
        "change_areas/version_compare.html",
        {"older": older, "newer": newer, "differences": differences},
    )
