"""Printable documents: a standard's PDF, the maklumat (A4) and its A3 poster with a QR code."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import slugify

from lib.pdf import RenderedFile, absolute_url, image_data_uri, qr_data_uri, render_pdf
from service_standards.models import Maklumat, StandardVersion
from units.models import Unit


def _parent_name(unit: Unit) -> str:
    """The parent's name for the letterhead. One query (none for a root)."""
    if unit.depth <= 1:
        return ""
    parent = Unit.objects.filter(path=unit.path[: -unit.steplen]).only("name").first()
    return parent.name if parent else ""


def public_unit_url(unit: Unit) -> str:
    return absolute_url(reverse("public:unit", kwargs={"code": unit.code}))


def standard_pdf(version: StandardVersion, *, language: str | None = None) -> RenderedFile:
    """All 14 components on A4 with the unit's letterhead. Drafts are marked DRAF."""
    service = version.service
    unit = service.unit
    public_url = absolute_url(
        reverse(
            "service_standards:public_service", kwargs={"code": unit.code, "slug": service.slug}
        )
    )
    return render_pdf(
        "pdf/service_standards/standard.html",
        {
            "unit": unit,
            "service": service,
            "version": version,
            "logo": image_data_uri(unit.logo),
            "parent_name": _parent_name(unit),
            "public_url": public_url,
            "qr": qr_data_uri(public_url) if version.is_published else "",
        },
        filename=f"standar-pelayanan-{unit.code}-{slugify(service.slug)}-v{version.number}.pdf",
        language=language,
    )


def maklumat_pdf(maklumat: Maklumat, *, language: str | None = None) -> RenderedFile:
    unit = maklumat.unit
    return render_pdf(
        "pdf/service_standards/maklumat.html",
        {
            "unit": unit,
            "maklumat": maklumat,
            "logo": image_data_uri(unit.logo),
            "parent_name": _parent_name(unit),
        },
        filename=f"maklumat-pelayanan-{unit.code}.pdf",
        language=language,
    )


def maklumat_poster(maklumat: Maklumat, *, language: str | None = None) -> RenderedFile:
    """A3 poster of the maklumat with a QR code to the unit's public page."""
    unit = maklumat.unit
    url = public_unit_url(unit)
    return render_pdf(
        "pdf/service_standards/poster.html",
        {
            "unit": unit,
            "maklumat": maklumat,
            "logo": image_data_uri(unit.logo),
            "parent_name": _parent_name(unit),
            "public_url": url,
            "qr": qr_data_uri(url, scale=10),
        },
        filename=f"poster-maklumat-{unit.code}.pdf",
        language=language,
    )
