"""Pages anyone may read, without signing in: a service's published standard, the maklumat.

Only what is published is ever shown. The unit's public page and the index
of units live in the roof (`zi_tracker.public`), which also shows the
unit's predicates.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from service_standards import documents, selectors
from service_standards.models import Maklumat
from service_standards.views.common import pdf_response
from units.access import public


@public
def public_service(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    data = selectors.public_service_page(code, slug)
    return render(
        request,
        "service_standards/public_service.html",
        {"data": data, "unit": data.unit, "version": data.version, "service": data.service},
    )


@public
def public_standard_pdf(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    data = selectors.public_service_page(code, slug)
    data.version.service.unit = data.unit
    return pdf_response(documents.standard_pdf(data.version))


def _signed_maklumat(code: str) -> Maklumat:
    unit = selectors.public_unit_or_404(code)
    maklumat = get_object_or_404(Maklumat, unit=unit, status=Maklumat.Status.SIGNED)
    maklumat.unit = unit
    return maklumat


@public
def public_maklumat_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return pdf_response(documents.maklumat_pdf(_signed_maklumat(code)))


@public
def public_poster_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return pdf_response(documents.maklumat_poster(_signed_maklumat(code)))
