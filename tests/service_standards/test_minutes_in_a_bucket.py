"""FGD minutes on S3-compatible storage (a real moto server): uploaded in the browser into
the bucket, handed out only through the permission-checking view."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from service_standards.models import Consultation
from tests.service_standards.helpers import tiny_pdf


def url(name: str, unit, **kwargs) -> str:
    return reverse(f"service_standards:{name}", kwargs={"code": unit.code, **kwargs})


def test_minutes_uploaded_in_the_browser_live_in_the_bucket_and_download_through_the_view(
    s3, settings, unit, staff, viewer, outsider, client_for
):
    response = client_for(staff).post(
        url("consultation_create", unit),
        {
            "held_on": "2024-01-05",
            "title": "FGD Standar Pelayanan",
            "place": "Aula",
            "participants": "Universitas",
            "summary": "Disepakati.",
            "minutes_file": SimpleUploadedFile("notulen.pdf", tiny_pdf()),
        },
    )

    assert response.status_code == 302
    fgd = Consultation.objects.get()
    assert s3.object_keys() == [fgd.minutes.name]
    assert s3.read(fgd.minutes.name) == tiny_pdf()
    minutes = url("consultation_minutes", unit, consultation_id=fgd.pk)
    download = client_for(viewer).get(minutes)
    assert b"".join(download.streaming_content) == tiny_pdf()
    assert client_for(outsider).get(minutes).status_code == 404
    s3.delete(fgd.minutes.name)
    assert client_for(viewer).get(minutes).status_code == 404
    assert not settings.MEDIA_ROOT.exists()
