"""Declarations in the access-matrix world (tests/test_access_matrix.py), made on demand.

Issued declarations are frozen here without rendering a PDF (a few bytes
stand in for it), so the matrix stays fast; the real finalisation is tested
in tests/declarations.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from declarations import documents
from declarations.models import (
    Declaration,
    DeclarationStatus,
    EvaluationReport,
    PrintJob,
    PrintJobStatus,
)
from declarations.selectors import with_participants
from tests.factories import DeclarantFactory, DeclarationFactory

FAKE_PDF = b"%PDF-1.7\n% stands in for a rendered declaration\n%%EOF\n"


def _issued(world) -> Declaration:
    declaration = DeclarationFactory(unit=world.unit)
    DeclarantFactory(declaration=declaration, unit=world.unit)
    declaration = with_participants(Declaration.objects.filter(pk=declaration.pk)).get()
    snapshot = documents.build_snapshot(declaration)
    declaration.snapshot = snapshot
    declaration.content_sha256 = documents.content_hash(snapshot)
    declaration.pdf.save("matrix.pdf", ContentFile(FAKE_PDF), save=False)
    declaration.pdf_sha256 = hashlib.sha256(FAKE_PDF).hexdigest()
    declaration.status = DeclarationStatus.FINAL
    declaration.finalised_at = timezone.now()
    declaration.save()
    return declaration


def final(world) -> Declaration:
    if "final" not in world.extra:
        world.extra["final"] = _issued(world)
    return world.extra["final"]


def replacement(world) -> Declaration:
    if "replacement" not in world.extra:
        world.extra["replacement"] = _issued(world)
    return world.extra["replacement"]


def draft(world) -> Declaration:
    if "draft" not in world.extra:
        declaration = DeclarationFactory(unit=world.unit)
        DeclarantFactory(declaration=declaration, unit=world.unit)
        world.extra["draft"] = declaration
    return world.extra["draft"]


def print_job(world) -> PrintJob:
    """A finished print job of the superuser (jobs are their creator's only)."""
    if "print_job" not in world.extra:
        job = PrintJob.objects.create(
            label="Matriks",
            declaration_ids=[final(world).pk],
            total=1,
            done=1,
            status=PrintJobStatus.DONE,
            created_by=world.users["superuser"],
        )
        job.file.save("matrix.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
        world.extra["print_job"] = job
    return world.extra["print_job"]


def final_kwargs(world) -> dict:
    return {"pk": final(world).pk}


def draft_kwargs(world) -> dict:
    return {"pk": draft(world).pk}


def job_kwargs(world) -> dict:
    return {"job_id": print_job(world).pk}


def token_kwargs(world) -> dict:
    return {"token": final(world).verification_token}


def supersede_data(world) -> dict:
    return {"replacement": replacement(world).pk, "reason": "Matriks"}


def import_data(world) -> dict:
    return {"who": "witnesses", "file": SimpleUploadedFile("saksi.csv", b"name\nSaksi Matriks\n")}


def upload_data(world) -> dict:
    return {"file": SimpleUploadedFile("dokumen.pdf", FAKE_PDF, "application/pdf")}


def owned_key(world):
    """A signing key managed by the unit's administrators, assigned to the unit."""
    from declarations import keys

    if "owned_key" not in world.extra:
        from declarations import signing

        key = keys.signing_key_upload(
            name="Kunci unit",
            pkcs12=signing.build_pkcs12(
                common_name="Kunci Unit", organisation="Unit", password=b"pw", days=30
            ),
            passphrase="pw",
            owner=world.unit,
            by=None,
        )
        world.extra["owned_key"] = key
        world.extra["assignment"] = keys.signing_key_assign(key=key, unit=world.unit, by=None)
    return world.extra["owned_key"]


def key_kwargs(world) -> dict:
    return {"pk": owned_key(world).pk}


def assignment_kwargs(world) -> dict:
    key = owned_key(world)
    return {"pk": key.pk, "assignment_id": world.extra["assignment"].pk}


def report(world) -> EvaluationReport:
    """An evaluation report of the world's cycle under TPI review, with a stand-in PDF."""
    if "report" not in world.extra:
        cycle = world.extra["tpi_cycle"]
        made = EvaluationReport(
            cycle=cycle,
            layer="tpi",
            number="LHE-MATRIKS/2025",
            issued_on=timezone.localdate(),
            place="Sorong",
            issuer_name="Inspektorat",
            addressee="Kepala Satker",
            signer_name="Ketua Tim",
            signer_position="Ketua Tim Penilai Internal",
            pdf_sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
        )
        made.pdf.save("matrix-lhe.pdf", ContentFile(FAKE_PDF), save=False)
        made.save()
        world.extra["report"] = made
    return world.extra["report"]


def report_kwargs(world) -> dict:
    made = report(world)
    return {"pk": made.cycle_id, "layer": made.layer, "report_id": made.pk}


def report_token_kwargs(world) -> dict:
    return {"token": report(world).verification_token}
