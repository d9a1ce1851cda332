"""Declarations on S3-compatible storage (a real moto server): issued and signed PDFs,
signature images and print-job zips are written to the bucket, read back from it, handed
out only through the views, and nothing is written to local disk."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from declarations import documents, printing, services
from declarations.models import PrintJob, PrintJobStatus
from lib.pdf import image_data_uri
from tests.factories import DeclarantFactory, DeclarationFactory
from tests.files import png_bytes


def download(client, declaration, **query):
    return client.get(
        reverse("declarations:download", kwargs={"pk": declaration.pk}), query or None
    )


def test_the_issued_and_the_signed_pdf_are_kept_in_the_bucket_and_handed_out_by_the_view(
    s3, settings, signing_key, draft, viewer, outsider, client_for
):
    final = services.declaration_finalise(declaration=draft, by=None)
    signed = services.declaration_sign(declaration=final, by=None)

    assert s3.object_keys() == sorted([signed.pdf.name, signed.signed_pdf.name])
    unsigned_bytes, signed_bytes = s3.read(signed.pdf.name), s3.read(signed.signed_pdf.name)
    assert unsigned_bytes.startswith(b"%PDF") and signed_bytes.startswith(b"%PDF")
    client = client_for(viewer)
    assert download(client, signed).content == signed_bytes
    assert download(client, signed, versi="asli").content == unsigned_bytes
    assert download(client_for(outsider), signed).status_code == 404
    assert not settings.MEDIA_ROOT.exists()


def test_signing_reads_the_issued_pdf_back_from_the_bucket_and_refuses_when_it_is_gone(
    s3, signing_key, draft
):
    final = services.declaration_finalise(declaration=draft, by=None)
    s3.delete(final.pdf.name)

    with pytest.raises(ValidationError, match="tidak ditemukan di penyimpanan"):
        services.declaration_sign(declaration=final, by=None)

    final.refresh_from_db()
    assert final.status == "final" and not final.signed_pdf


def test_a_pdf_lost_from_the_bucket_is_a_404_not_a_500(s3, draft, viewer, client_for):
    final = services.declaration_finalise(declaration=draft, by=None)
    s3.delete(final.pdf.name)

    assert download(client_for(viewer), final).status_code == 404


def test_a_signature_image_in_the_bucket_is_printed(s3, draft):
    declarant = DeclarantFactory(declaration=draft)
    declarant.signature_image.save("ttd.png", ContentFile(png_bytes()))

    assert declarant.signature_image.name in s3.object_keys()
    assert image_data_uri(declarant.signature_image).startswith("data:image/png;base64,")
    assert documents.render(draft, draft=True).content.startswith(b"%PDF")


def test_a_bulk_print_is_zipped_into_the_bucket_downloaded_and_pruned_from_it(
    s3, settings, final, unit_admin, client_for
):
    settings.ZI_DECLARATIONS_PRINT_THRESHOLD = 1  # the task path (ImmediateBackend in tests)
    DeclarationFactory(unit=final.unit, title="Masih Draf")
    client = client_for(unit_admin)

    client.post(reverse("declarations:print_unit", kwargs={"code": final.unit.code}))

    job = PrintJob.objects.get()
    assert job.status == PrintJobStatus.DONE and job.task_result_id
    assert job.file.name in s3.object_keys()
    response = client.get(reverse("declarations:print_job_download", kwargs={"job_id": job.pk}))
    zipped = b"".join(response.streaming_content)
    assert zipped == s3.read(job.file.name)
    names = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert len(names) == 3 and "daftar.csv" in names

    removed, _freed = printing.prune_print_jobs(now=timezone.now() + datetime.timedelta(days=30))

    assert removed == 1 and job.file.name not in s3.object_keys()
    assert not settings.MEDIA_ROOT.exists()
