"""PDFs: a standard with all 14 components, the maklumat (A4) and its A3 poster with a QR code."""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from lib.pdf import absolute_url
from service_standards import documents, services
from tests.factories import ServiceFactory, StandardVersionFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text as poppler reads it (pdftotext), whitespace normalised."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split()).replace("/ ", "/")  # lines may break after a slash


def page_size_mm(content: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)


def last_page_qr_codes(content: bytes) -> list[str]:
    pages = len(PdfReader(io.BytesIO(content)).pages)
    return qr_codes(content, page=pages)


def qr_codes(content: bytes, *, page: int = 1) -> list[str]:
    """Render the first page to PNG with pdftoppm and decode every QR code on it."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "100",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                source,
                Path(folder) / "page",
            ],
            check=True,
        )
        image = Image.open(Path(folder) / "page.png")
        return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def signed(unit):
    unit.head_name, unit.head_nip, unit.head_position = (
        "Siti Nurhaliza, S.ST.",
        "198002142003122002",
        "Kepala Satker Contoh",
    )
    unit.save()
    draft = services.maklumat_save_draft(unit=unit, by=None, text="")
    return services.maklumat_sign(
        maklumat=draft, by=None, signed_on=datetime.date(2021, 6, 10), signed_place="Sorong"
    )


def test_standard_pdf_has_every_component_and_the_decree(unit):
    service = ServiceFactory(unit=unit, name="Penjualan Publikasi")
    version = StandardVersionFactory(
        service=service,
        published=True,
        is_free=False,
        fee_amount="1500000",
        fee_legal_basis="PP Nomor 7 Tahun 2015",
        requirements=["Formulir pemesanan"],
    )
    rendered = documents.standard_pdf(version)
    assert rendered.content_type == "application/pdf"
    assert page_size_mm(rendered.content) == (210, 297)
    text = pdf_text(rendered.content)
    for label in (
        "STANDAR PELAYANAN",
        "Penjualan Publikasi",
        "Persyaratan",
        "Sistem, mekanisme, dan prosedur",
        "Jangka waktu pelayanan",
        "Biaya/tarif",
        "Produk pelayanan",
        "Penanganan pengaduan, saran, dan masukan",
        "Dasar hukum",
        "Sarana, prasarana, dan/atau fasilitas",
        "Kompetensi pelaksana",
        "Pengawasan internal",
        "Jumlah pelaksana",
        "Jaminan pelayanan",
        "Jaminan keamanan dan keselamatan pelayanan",
        "Evaluasi kinerja pelaksana",
        "Formulir pemesanan",
        "Rp1.500.000,00",
        "PP Nomor 7 Tahun 2015",
        "SK-1/2024",
        "10 Januari 2024",
        "berlaku sejak 1 Februari 2024",
        "SATKER CONTOH",
    ):
        assert label in text, label
    assert "DRAF" not in text
    # The QR code (last page, under the table) opens the service's public page.
    url = absolute_url(f"/layanan/{unit.code}/{service.slug}/")
    assert url in last_page_qr_codes(rendered.content)


def test_a_draft_pdf_says_draft(unit):
    version = StandardVersionFactory(service=ServiceFactory(unit=unit))
    text = pdf_text(documents.standard_pdf(version).content)
    assert "DRAF" in text and "belum ditetapkan" in text


def test_maklumat_pdf_is_signed_by_the_head_with_an_indonesian_date(signed, client):
    response = client.get(
        reverse("service_standards:public_maklumat_pdf", kwargs={"code": signed.unit.code})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_size_mm(response.content) == (210, 297)
    text = pdf_text(response.content)
    assert "MAKLUMAT PELAYANAN" in text
    assert "sanggup menyelenggarakan pelayanan sesuai standar pelayanan" in text
    assert "Sorong, 10 Juni 2021" in text
    assert "Siti Nurhaliza, S.ST." in text and "NIP 198002142003122002" in text
    assert "Kepala Satker Contoh" in text


def test_poster_is_a3_and_its_qr_code_opens_the_public_page(signed, client):
    response = client.get(
        reverse("service_standards:public_poster_pdf", kwargs={"code": signed.unit.code})
    )
    assert response.status_code == 200
    assert page_size_mm(response.content) == (297, 420)
    expected = absolute_url(reverse("public:unit", kwargs={"code": signed.unit.code}))
    assert qr_codes(response.content) == [expected]
    text = pdf_text(response.content)
    assert "Pindai untuk melihat standar pelayanan kami" in text
    assert "Siti Nurhaliza, S.ST." in text and "Sorong, 10 Juni 2021" in text


def test_signing_supersedes_the_previous_maklumat_and_keeps_it(signed, coordinator):
    draft = services.maklumat_save_draft(unit=signed.unit, by=coordinator, text="Janji baru kami.")
    new = services.maklumat_sign(
        maklumat=draft, by=coordinator, signed_on=datetime.date(2024, 1, 2), signed_place="Sorong"
    )
    signed.refresh_from_db()
    assert signed.status == "superseded" and signed.superseded_at is not None
    assert new.status == "signed" and new.signer_name == "Siti Nurhaliza, S.ST."
    assert new.history.latest().history_user == coordinator
    assert new.history.latest().history_change_reason == "maklumat_sign"


def test_signing_needs_a_head_name_and_a_sane_date(unit, coordinator):
    draft = services.maklumat_save_draft(unit=unit, by=coordinator, text="")
    with pytest.raises(services.ValidationError) as error:
        services.maklumat_sign(
            maklumat=draft, by=coordinator, signed_on=datetime.date(2999, 1, 1), signed_place=""
        )
    assert set(error.value.message_dict) == {"signer_name", "signed_place", "signed_on"}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_group_heading_never_ends_a_page_of_a_long_standard(unit):
    # Procedures of growing length move section B's heading down page 1 and 2;
    # at some lengths it would fall alone at the foot of a page.
    version = StandardVersionFactory(
        service__unit=unit,
        requirements=[
            f"Persyaratan {n} yang cukup panjang untuk satu baris penuh" for n in range(13)
        ],
    )
    alone = []
    for steps in range(7, 20, 2):
        version.procedure = [f"Langkah {n}: petugas memeriksa berkas" for n in range(steps)]
        content = documents.standard_pdf(version).content
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
        heading = next(page for page in pages if "KOMPONEN PENGELOLAAN" in page.upper())
        if "Dasar hukum" not in heading:
            alone.append(steps)

    assert alone == []
