"""A unit's letterhead logo: checked by its bytes and size when it is uploaded, never after."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from units import services
from units.models import Unit
from units.validators import LOGO_MAX_BYTES


def png(size: tuple[int, int] = (40, 40), *, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 110, 60)).save(buffer, format="PNG")
    return buffer.getvalue() + b"\0" * padding


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_a_png_logo_is_stored(unit, media):
    services.unit_update(unit=unit, logo=SimpleUploadedFile("logo.png", png()))
    unit.refresh_from_db()
    assert unit.logo.name.startswith("unit-logos/logo")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.png", b"<svg onload='alert(1)'></svg>", "Logo harus berkas PNG, JPEG atau WebP."),
        ("logo.png", b"%PDF-1.7\n" + b"0" * 100, "Logo harus berkas PNG, JPEG atau WebP."),
        ("logo.png", png(padding=LOGO_MAX_BYTES), "Logo paling besar 2 MB."),
    ],
    ids=["svg-named-png", "pdf", "too-large"],
)
def test_a_logo_that_is_not_a_small_image_is_refused_and_nothing_changes(
    unit, media, name, content, message
):
    with pytest.raises(ValidationError) as error:
        services.unit_update(unit=unit, name="Nama Baru", logo=SimpleUploadedFile(name, content))
    assert error.value.message_dict["logo"] == [message]
    stored = Unit.objects.get(pk=unit.pk)
    assert not stored.logo and stored.name != "Nama Baru"
    assert not any(media.rglob("*"))


def test_a_stored_logo_is_not_read_again_on_later_changes(unit, media):
    services.unit_update(unit=unit, logo=SimpleUploadedFile("logo.png", png()))
    (media / Unit.objects.get(pk=unit.pk).logo.name).unlink()  # storage lost the file

    services.unit_update(unit=Unit.objects.get(pk=unit.pk), address="Jl. Baru 1")

    assert Unit.objects.get(pk=unit.pk).address == "Jl. Baru 1"
