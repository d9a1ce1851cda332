"""The public verification page: what was issued, its status, and whether a PDF is the one."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from declarations import services
from declarations.verification import Verdict, verify
from tests.files import stored_bytes


def flip_one_byte(content: bytes, offset: int) -> bytes:
    return content[:offset] + bytes([content[offset] ^ 0x01]) + content[offset + 1 :]


def signed_range_middle(content: bytes) -> int:
    """An offset inside the first signed byte range (the page content, not the signature)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    return int(signature.byte_range[1]) // 2


def appended_update(content: bytes) -> bytes:
    """The file with an incremental update appended (a changed document title)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.set_info(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Diubah")})
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the comparison itself ------------------------------------------------------------------


def test_the_issued_signed_file_matches(signed):
    result = verify(signed, stored_bytes(signed.signed_pdf))
    assert result.verdict == Verdict.ISSUED_SIGNED and result.matches
    assert "sama persis dengan dokumen bertanda tangan elektronik" in result.headline


def test_the_issued_unsigned_file_matches_and_is_named_as_unsigned(signed):
    result = verify(signed, stored_bytes(signed.pdf))
    assert result.verdict == Verdict.ISSUED_UNSIGNED and result.matches
    assert "tanpa tanda tangan elektronik" in " ".join(result.details)


def test_one_flipped_byte_in_the_signed_file_breaks_its_signature(signed):
    content = stored_bytes(signed.signed_pdf)
    result = verify(signed, flip_one_byte(content, signed_range_middle(content)))
    assert result.verdict == Verdict.SIGNATURE_BROKEN and not result.matches
    assert [report.intact for report in result.signatures] == [False]
    assert "Tanda tangannya tidak utuh" in result.headline


def test_one_flipped_byte_in_the_unsigned_file_is_not_the_issued_one(final):
    content = stored_bytes(final.pdf)
    result = verify(final, flip_one_byte(content, len(content) // 2))
    assert not result.matches
    assert result.verdict in (Verdict.DIFFERENT, Verdict.UNREADABLE)
    assert result.headline.startswith("Tidak cocok")


def test_an_update_appended_after_signing_is_reported(signed):
    result = verify(signed, appended_update(stored_bytes(signed.signed_pdf)))
    assert result.verdict == Verdict.SIGNED_THEN_CHANGED and not result.matches
    (report,) = result.signatures
    assert report.intact and report.ours and not report.covers_whole_file


def test_another_declarations_signed_file_is_named_as_such(signed, headed_unit):
    from tests.factories import DeclarationFactory

    other = services.declaration_finalise(declaration=DeclarationFactory(unit=headed_unit), by=None)
    other = services.declaration_sign(declaration=other, by=None)
    result = verify(signed, stored_bytes(other.signed_pdf))
    assert result.verdict == Verdict.SIGNATURE_INTACT_OTHER


def test_a_signature_from_another_key_is_not_ours(signed):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from declarations import signing

    # Someone else's key, never stored in this installation.
    other = signers.SimpleSigner.load_pkcs12_data(
        signing.build_pkcs12(common_name="Kunci Lain", organisation="X", password=b"p", days=9),
        other_certs=[],
        passphrase=b"p",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(stored_bytes(signed.pdf)))
    foreign = signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name="Lain"), signer=other
    ).getvalue()

    result = verify(signed, foreign)
    assert result.verdict == Verdict.DIFFERENT
    assert "bukan dari kunci ZI Tracker ini" in " ".join(result.details)


def test_a_signature_made_before_a_key_change_is_still_recognised(signed, no_signing_key):
    content = stored_bytes(signed.signed_pdf)
    result = verify(signed, flip_one_byte(content, signed_range_middle(content)))
    assert (
        result.verdict == Verdict.SIGNATURE_BROKEN
    )  # known by the certificate recorded at signing


@pytest.mark.parametrize(
    ("content", "verdict"),
    [
        (b"", Verdict.EMPTY),
        (b"this is not a pdf at all \x00\x01\x02" * 50, Verdict.NOT_PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, Verdict.NOT_PDF),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, Verdict.UNREADABLE),
    ],
)
def test_garbage_gets_an_answer_not_an_error(signed, content, verdict):
    result = verify(signed, content)
    assert result.verdict == verdict and not result.matches


def test_a_truncated_pdf_is_not_the_issued_one(signed):
    content = stored_bytes(signed.signed_pdf)
    result = verify(signed, content[: len(content) // 2])
    assert not result.matches
    assert result.verdict in (Verdict.UNREADABLE, Verdict.DIFFERENT, Verdict.SIGNATURE_BROKEN)


# --- the page -----------------------------------------------------------------------------------


def url_of(declaration) -> str:
    return reverse("declarations:verify", kwargs={"token": declaration.verification_token})


def upload(client, declaration, content: bytes, name: str = "dokumen.pdf"):
    return client.post(
        url_of(declaration), {"file": SimpleUploadedFile(name, content, "application/pdf")}
    )


def test_the_page_needs_no_login_and_shows_the_essentials(client, signed):
    response = client.get(url_of(signed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "BERLAKU" in page
    assert "Kamis, 10 Juni 2021" in page
    assert "Aula Samu Siret, Sorong" in page
    assert "Siti Nurhaliza, S.ST., M.Ec.Dev." in page
    assert "Musa Sombuk, S.H., M.H." in page
    for digest in (signed.content_sha256, signed.pdf_sha256, signed.signed_sha256):
        assert digest in page
    assert response["Cache-Control"] == "no-store"


def test_a_draft_or_unknown_token_is_not_found(client, draft):
    assert client.get(url_of(draft)).status_code == 404
    assert (
        client.get(reverse("declarations:verify", kwargs={"token": "tidak-ada"})).status_code == 404
    )


def test_the_page_says_revoked_and_why(client, final):
    services.declaration_revoke(declaration=final, reason="Ditetapkan ulang", by=None)
    page = client.get(url_of(final)).content.decode()
    assert "DICABUT" in page and "Ditetapkan ulang" in page and "BERLAKU" not in page


def test_the_page_says_superseded_and_links_the_replacement(client, final):
    copy = services.declaration_finalise(
        declaration=services.declaration_duplicate(declaration=final, by=None), by=None
    )
    services.declaration_supersede(
        declaration=final, replacement=copy, reason="Revisi nama", by=None
    )
    page = client.get(url_of(final)).content.decode()
    assert "DIGANTI" in page and "Revisi nama" in page
    assert url_of(copy) in page


def test_uploading_the_issued_file_says_it_matches(client, signed):
    response = upload(client, signed, stored_bytes(signed.signed_pdf))
    assert response.status_code == 200
    assert "Cocok: berkas ini sama persis" in response.content.decode()


def test_uploading_a_file_with_one_changed_byte_says_it_does_not(client, signed):
    content = stored_bytes(signed.signed_pdf)
    response = upload(client, signed, flip_one_byte(content, signed_range_middle(content)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tidak cocok" in page and "tidak utuh" in page


@pytest.mark.parametrize(
    "content",
    [b"", b"GIF89a garbage", b"%PDF-1.4\n%%EOF", b"%PDF-1.7\n1 0 obj << /Type /Catalog"],
)
def test_uploading_garbage_never_fails(client, signed, content):
    response = upload(client, signed, content, name="../../etc/passwd")
    assert response.status_code == 200
    assert "Tidak cocok" in response.content.decode() or "Berkas" in response.content.decode()


def test_an_upload_above_the_limit_is_refused(client, signed, settings):
    settings.ZI_VERIFY_MAX_UPLOAD_BYTES = 1024
    response = upload(client, signed, stored_bytes(signed.signed_pdf))
    assert "Berkas terlalu besar" in response.content.decode()


def test_posting_without_a_file_asks_for_one(client, signed):
    response = client.post(url_of(signed), {})
    assert response.status_code == 400
    assert 'class="error-text"' in response.content.decode()


def test_the_page_costs_the_same_queries_for_many_participants(
    client, final, headed_unit, django_assert_num_queries
):
    from tests.factories import DeclarationFactory, WitnessFactory

    crowded = DeclarationFactory(unit=headed_unit)
    for _n in range(12):
        WitnessFactory(declaration=crowded)
    crowded = services.declaration_finalise(declaration=crowded, by=None)
    services.declaration_revoke(declaration=crowded, reason="x", by=None)

    with django_assert_num_queries(1):
        assert client.get(url_of(final)).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url_of(crowded)).status_code == 200


def test_a_huge_body_is_refused_before_it_is_read(client, signed, settings):
    settings.ZI_VERIFY_MAX_UPLOAD_BYTES = 1024
    response = client.post(
        url_of(signed),
        {"file": SimpleUploadedFile("besar.pdf", b"%PDF-1.7\n" + b"0" * 200_000)},
    )
    assert response.status_code == 200
    assert "Berkas terlalu besar: paling besar 1,0\xa0KB." in response.content.decode()
