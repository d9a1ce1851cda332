"""A unit's logo on S3-compatible storage (a real moto server): stored in the bucket,
served by the logo view, read back into printed letterheads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lib.pdf import image_data_uri
from tests.files import png_bytes
from units import services


def test_a_logo_is_stored_in_the_bucket_and_served_by_the_logo_view(s3, settings, unit, client):
    services.unit_update(unit=unit, logo=SimpleUploadedFile("logo.png", png_bytes()))
    unit.refresh_from_db()

    assert s3.object_keys() == [unit.logo.name]
    response = client.get(reverse("units:logo", kwargs={"code": unit.code}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert image_data_uri(unit.logo).startswith("data:image/png;base64,")
    assert not settings.MEDIA_ROOT.exists()


def test_a_logo_lost_from_the_bucket_is_a_404_and_leaves_the_letterhead_blank(s3, unit, client):
    services.unit_update(unit=unit, logo=SimpleUploadedFile("logo.png", png_bytes()))
    unit.refresh_from_db()
    s3.delete(unit.logo.name)

    assert client.get(reverse("units:logo", kwargs={"code": unit.code})).status_code == 404
    assert image_data_uri(unit.logo) == ""
