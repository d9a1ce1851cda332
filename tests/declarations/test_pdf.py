"""The declaration PDF: its words, its dates in Indonesian, its QR code and its footer."""

import io
import subprocess

import pytest
import zxingcpp
from PIL import Image

from declarations import documents, services
from declarations.models import Declaration, DeclarationKind
from declarations.selectors import with_participants
from tests.factories import DeclarantFactory, DeclarationFactory, WitnessFactory
from tests.files import stored_bytes
from tests.pdfs import pdf_text, pdftotext_pages


def render_page_png(content: bytes, tmp_path, page: int = 1, dpi: int = 150) -> Image.Image:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (png,) = sorted(tmp_path.glob("page-*.png"))
    return Image.open(png)


def test_the_final_pdf_names_people_place_date_and_verification_url(final, settings):
    text = " ".join(pdf_text(stored_bytes(final.pdf)).split())
    url = f"{settings.ZI_PUBLIC_BASE_URL}/verifikasi/{final.verification_token}/"

    assert "PIAGAM PENCANANGAN PEMBANGUNAN ZONA INTEGRITAS" in text
    assert "Sorong, Kamis, 10 Juni 2021" in text
    assert "Pada hari ini Kamis tanggal sepuluh bulan Juni tahun dua ribu dua puluh satu" in text
    assert "Siti Nurhaliza, S.ST., M.Ec.Dev." in text
    assert "NIP. 19800214 200312 2 002" in text
    assert "Menyaksikan," in text
    assert "Musa Sombuk, S.H., M.H." in text
    assert "Ombudsman RI Perwakilan Papua Barat" in text
    assert "Peraturan Menteri PANRB Nomor 90 Tahun 2021" in text
    assert url in text
    assert f"Nomor: {final.document_number}" in text
    assert final.content_sha256 in text
    assert "Halaman 1 dari 1" in text
    assert "DRAF" not in text


def test_the_qr_code_opens_the_public_verification_page(final, settings, tmp_path):
    image = render_page_png(stored_bytes(final.pdf), tmp_path)
    codes = [
        code
        for code in zxingcpp.read_barcodes(image)
        if code.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert [code.text for code in codes] == [
        f"{settings.ZI_PUBLIC_BASE_URL}/verifikasi/{final.verification_token}/"
    ]


def test_a_draft_preview_is_watermarked(draft):
    declaration = with_participants(Declaration.objects.filter(pk=draft.pk)).get()
    rendered = documents.render(declaration, draft=True)
    text = pdf_text(rendered.content)
    assert "DRAF — belum berlaku" in text
    assert rendered.filename.endswith("-draf.pdf")


def test_names_with_markup_and_quotes_are_printed_as_text(draft):
    WitnessFactory(
        declaration=draft,
        name='<script>alert("x")</script> O\'Brien & "Saksi"',
        institution="<b>Pers</b>",
    )
    final = services.declaration_finalise(declaration=draft, by=None)
    text = pdf_text(stored_bytes(final.pdf))
    assert '<script>alert("x")</script>' in text.replace("\n", "")
    assert 'O\'Brien & "Saksi"' in text
    assert "<b>Pers</b>" in text


def test_a_pakta_integritas_has_one_page_per_signer(headed_unit, catalogs, tmp_path):
    pakta = DeclarationFactory(unit=headed_unit, kind=DeclarationKind.PAKTA_INTEGRITAS)
    DeclarantFactory(
        declaration=pakta, name="Budi Santoso", nip="199001012015031001", position="Statistisi"
    )
    DeclarantFactory(declaration=pakta, name="Ani Wijaya", nip="", position="Pranata Komputer")
    final = services.declaration_finalise(declaration=pakta, by=None)

    pages = pdftotext_pages(stored_bytes(final.pdf), tmp_path)
    assert len(pages) == 3
    for page, (name, nip) in zip(
        pages,
        [
            ("Siti Nurhaliza", "19800214 200312 2 002"),
            ("Budi Santoso", "19900101 201503 1 001"),
            ("Ani Wijaya", "-"),
        ],
        strict=True,
    ):
        assert "PAKTA INTEGRITAS" in page
        assert name in page
        assert f"NIP : {nip}" in " ".join(page.split())
        assert "Yang membuat pernyataan," in page
        assert "bila saya melanggar hal-hal tersebut di atas" in page
    assert "Halaman 3 dari 3" in pages[2]


def test_the_pdf_is_an_a4_document(final):
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(stored_bytes(final.pdf))).pages[0]
    width_mm = float(page.mediabox.width) * 25.4 / 72
    height_mm = float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (210, 297)


@pytest.mark.parametrize("kind", list(DeclarationKind))
def test_every_kind_renders_with_its_shipped_text(headed_unit, catalogs, kind):
    declaration = DeclarationFactory(unit=headed_unit, kind=kind)
    final = services.declaration_finalise(declaration=declaration, by=None)
    text = pdf_text(stored_bytes(final.pdf))
    assert final.title.upper().split()[0] in text
    assert "{" not in text


def test_the_layout_survives_a_missing_base_stylesheet(final, monkeypatch):
    """In production {% static %} names hashed files; the PDF must not depend on fetching them."""
    from django.contrib.staticfiles import finders
    from pypdf import PdfReader

    monkeypatch.setattr(finders, "find", lambda *args, **kwargs: None)
    declaration = with_participants(Declaration.objects.filter(pk=final.pk)).get()
    content = documents.render(declaration, draft=False, snapshot=declaration.snapshot).content
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert (
        round(float(page.mediabox.width) * 25.4 / 72),
        round(float(page.mediabox.height) * 25.4 / 72),
    ) == (210, 297)
    assert "Sorong, Kamis, 10 Juni 2021" in " ".join(pdf_text(content).split())


def test_a_signature_image_is_printed_in_the_signature_block(draft):
    from django.core.files.base import ContentFile
    from pypdf import PdfReader

    declarant = draft.declarants.get()
    image = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(image, format="PNG")
    declarant.signature_image.save("ttd.png", ContentFile(image.getvalue()))
    final = services.declaration_finalise(declaration=draft, by=None)

    page = PdfReader(io.BytesIO(stored_bytes(final.pdf))).pages[0]
    sizes = {(img.image.width, img.image.height) for img in page.images}
    assert (120, 40) in sizes
