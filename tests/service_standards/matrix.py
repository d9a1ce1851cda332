"""Data for the access-matrix rows of service_standards (tests/test_access_matrix.py).

`kw(name)` returns the row's URL kwargs builder; `data(name)` its POST data. Each
builder creates what the URL needs in the matrix's fresh world.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from service_standards import services
from service_standards.models import PeriodKind
from tests.factories import ServiceFactory, StandardVersionFactory
from tests.service_standards.helpers import respondent_csv, tiny_pdf


def _service(world):
    if "service" not in world.extra:
        world.extra["service"] = ServiceFactory(unit=world.unit, name="Layanan Matriks")
    return world.extra["service"]


def _published(world):
    if "published" not in world.extra:
        world.extra["published"] = StandardVersionFactory(service=_service(world), published=True)
    return world.extra["published"]


def _draft(world):
    _published(world)
    if "draft" not in world.extra:
        world.extra["draft"] = StandardVersionFactory(service=_service(world))
    return world.extra["draft"]


def _consultation(world):
    if "consultation" not in world.extra:
        world.extra["consultation"] = services.consultation_create(
            unit=world.unit,
            by=None,
            held_on=datetime.date(2024, 1, 10),
            title="FGD matriks",
            participants=["Peserta"],
            minutes=services.CheckedUpload(tiny_pdf(), "application/pdf", ".pdf", "notulen.pdf"),
        )
    return world.extra["consultation"]


def _maklumat(world, *, signed: bool):
    unit = world.unit
    if signed and "signed" not in world.extra:
        draft = services.maklumat_save_draft(unit=unit, by=None, text="")
        world.extra["signed"] = services.maklumat_sign(
            maklumat=draft,
            by=None,
            signed_on=datetime.date(2024, 1, 2),
            signed_place="Sorong",
            signer_name="Kepala",
            signer_nip="",
        )
    if not signed and "maklumat_draft" not in world.extra:
        world.extra["maklumat_draft"] = services.maklumat_save_draft(unit=unit, by=None, text="")


def _survey(world, *, published: bool = False):
    key = "survey_published" if published else "survey"
    if key not in world.extra:
        survey = services.survey_create(
            unit=world.unit,
            by=None,
            year=2024,
            period_kind=PeriodKind.QUARTER,
            period_number=2 if published else 1,
        )
        survey = services.survey_replace_respondents(
            survey=survey, by=None, rows=[services.RespondentRow(2, (4, 3, 3, 4, 3, 4, 4, 3, 3))]
        )
        if published:
            survey = services.survey_publish(survey=survey, by=None, small_sample_confirmed=True)
        world.extra[key] = survey
    return world.extra[key]


def _unit(world) -> dict:
    return {"code": world.unit.code}


BUILDERS = {
    "unit": _unit,
    "service": lambda w: {**_unit(w), "service_id": _service(w).pk},
    "draft": lambda w: {**_unit(w), "version_id": _draft(w).pk},
    "published": lambda w: {**_unit(w), "version_id": _published(w).pk},
    "consultation": lambda w: {**_unit(w), "consultation_id": _consultation(w).pk},
    "maklumat_draft": lambda w: (_maklumat(w, signed=False), _unit(w))[1],
    "survey": lambda w: {**_unit(w), "survey_id": _survey(w).pk},
    "survey_published": lambda w: {**_unit(w), "survey_id": _survey(w, published=True).pk},
    "public_unit": lambda w: (_published(w), _unit(w))[1],
    "public_service": lambda w: {**_unit(w), "slug": _published(w).service.slug},
    "public_maklumat": lambda w: (_maklumat(w, signed=True), _unit(w))[1],
}


def kw(name: str):
    return BUILDERS[name]


DATA = {
    "service_create": lambda w: {
        "name": "Layanan Baru",
        "channel": "online",
        "category": "services",
        "is_active": "on",
        "position": "1",
    },
    "service_edit": lambda w: {
        "name": "Layanan Matriks",
        "slug": "layanan-matriks",
        "channel": "both",
        "category": "services",
        "is_active": "on",
        "position": "1",
    },
    "version_edit": lambda w: {"requirements": "KTP", "is_free": "on"},
    "version_publish": lambda w: {
        "decree_number": "SK-M",
        "decree_date": "2024-01-02",
        "effective_date": "2024-01-03",
    },
    "consultation": lambda w: {"held_on": "2024-01-05", "title": "FGD", "participants": "A"},
    "maklumat_edit": lambda w: {"text": "Kami sanggup."},
    "maklumat_sign": lambda w: {
        "signer_name": "Kepala",
        "signer_position": "Kepala Satker",
        "signed_place": "Sorong",
        "signed_on": "2024-01-02",
    },
    "survey_create": lambda w: {"year": "2024", "period_kind": "year", "period_number": "1"},
    "survey_import": lambda w: {"file": respondent_csv([(4,) * 9])},
    "survey_averages": lambda w: {
        "respondent_count": "10",
        **{f"nrr_u{i}": "3,5" for i in range(1, 10)},
    },
}


def data(name: str):
    return DATA[name]


def minutes_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("notulen.pdf", tiny_pdf(), content_type="application/pdf")
