"""Demo declarations from the news ZI Tracker started from.

- BPS Kota Sorong canangkan pembangunan Zona Integritas di Aula Samu Siret,
  Kamis 10 Juni 2021, disaksikan Pemerintah Kota Sorong dan Ombudsman RI
  Perwakilan Papua Barat.
- Lima OPD Kabupaten Polewali Mandar menyatakan kesiapan membangun Zona
  Integritas bersama, Rabu 25 April 2018.

The events are real; the names of people are invented (as in units.demo).
Both are finalised with their PDFs frozen, and signed when a signing key is
configured. `seed()` is idempotent: a declaration already seeded (found by
its document number) is left alone.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from change_areas.models import Framework
from declarations import keys, services, signing
from declarations.models import Declaration, DeclarationKind, DeclarationStatus, Witness
from units.models import Unit

SORONG_NUMBER = "B-045/91710/PR.001/VI/2021"
POLMAN_NUMBER = "700/112/ZI/IV/2018"
POLMAN_OPDS = (
    "POLMAN-BALITBANGREN",
    "POLMAN-BKD",
    "POLMAN-BAPENDA",
    "POLMAN-DPMPTSP",
    "POLMAN-DISTAN",
)


def _add_witnesses(declaration: Declaration, witnesses: list[tuple[str, str, str]]) -> None:
    """Witnesses as (name, position, institution), in signing order."""
    services.participants_save(
        declaration=declaration,
        by=None,
        save=[
            Witness(name=name, position=position, institution=institution, order=order)
            for order, (name, position, institution) in enumerate(witnesses)
        ],
    )


def _sorong(frameworks: dict[str, Framework]) -> Declaration | None:
    unit = Unit.objects.filter(code="BPS-9171").first()
    if unit is None:
        return None
    declaration = services.declaration_create(
        unit=unit,
        by=None,
        kind=DeclarationKind.PIAGAM,
        framework=frameworks["permenpan-rb-52-2014"],
        document_number=SORONG_NUMBER,
        event_date=datetime.date(2021, 6, 10),
        event_time=datetime.time(9, 0),
        venue="Aula Samu Siret",
        city="Sorong",
    )
    witnesses = [
        ("Drs. Petrus Kambuaya, M.Si.", "Asisten Bidang Pemerintahan", "Pemerintah Kota Sorong"),
        (
            "Musa Sombuk, S.H., M.H.",
            "Kepala Perwakilan",
            "Ombudsman Republik Indonesia Perwakilan Papua Barat",
        ),
    ]
    _add_witnesses(declaration, witnesses)
    return declaration


def _polman(frameworks: dict[str, Framework]) -> Declaration | None:
    organiser = Unit.objects.filter(code="POLMAN").first()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=POLMAN_OPDS)}
    if organiser is None or len(units) != len(POLMAN_OPDS):
        return None
    declaration = services.declaration_create(
        unit=organiser,
        units=[units[code] for code in POLMAN_OPDS],
        by=None,
        kind=DeclarationKind.PERNYATAAN_KESIAPAN,
        framework=frameworks["permenpan-rb-52-2014"],
        document_number=POLMAN_NUMBER,
        event_date=datetime.date(2018, 4, 25),
        event_time=datetime.time(10, 0),
        venue="Ruang Pola Kantor Bupati Polewali Mandar",
        city="Polewali",
    )
    witnesses = [
        (
            "H. Andi Ibrahim Masdar, M.Si.",
            "Bupati Polewali Mandar",
            "Pemerintah Kabupaten Polewali Mandar",
        ),
        (
            "Lukman Umar, S.H.",
            "Kepala Perwakilan",
            "Ombudsman Republik Indonesia Perwakilan Sulawesi Barat",
        ),
        (
            "Hj. Fatimah Nur, S.E.",
            "Ketua",
            "Dewan Perwakilan Rakyat Daerah Kabupaten Polewali Mandar",
        ),
        ("Dr. Syamsul Alam, M.Si.", "Rektor", "Universitas Al Asyariah Mandar"),
    ]
    _add_witnesses(declaration, witnesses)
    return declaration


def seed(log=print) -> bool:
    """Create the trial signing key when the installation has none, then create, finalise
    and sign the two demo declarations."""
    frameworks = {framework.code: framework for framework in Framework.objects.all()}
    if "permenpan-rb-52-2014" not in frameworks:
        log(
            _(
                "Pencanangan demo dilewati (muat katalog lebih dahulu: python manage.py load_catalogs)."
            )
        )
        return False
    if keys.ensure_trial_key() is not None:
        log(
            _(
                "Penandatanganan: kunci uji coba dibuat (swatanda, ditandai sebagai kunci uji coba "
                "pada setiap dokumen yang ditandatanganinya); admin mengunggah sertifikat instansi "
                "di halaman Kunci tanda tangan."
            )
        )
    can_sign = signing.key_status(None).usable
    created, signed = [], []
    for number, build in ((SORONG_NUMBER, _sorong), (POLMAN_NUMBER, _polman)):
        declaration = Declaration.objects.filter(document_number=number).first()
        if declaration is None:
            with transaction.atomic():
                declaration = build(frameworks)
                if declaration is None:
                    continue
                declaration = services.declaration_finalise(declaration=declaration, by=None)
            created.append(declaration)
        if can_sign and declaration.status == DeclarationStatus.FINAL and not declaration.is_signed:
            services.declaration_sign(declaration=declaration, by=None)
            signed.append(declaration)
    if not created and not signed:
        log(_("Pencanangan demo: sudah ada, tidak diubah."))
        return False
    parts = []
    if created:
        parts.append(_("%(count)d dibuat dan difinalkan") % {"count": len(created)})
    if signed:
        parts.append(_("%(count)d ditandatangani") % {"count": len(signed)})
    elif not can_sign:
        parts.append(_("belum ditandatangani (kunci penandatanganan belum dipasang)"))
    log(_("Pencanangan demo: %(parts)s.") % {"parts": ", ".join(parts)})
    return True
