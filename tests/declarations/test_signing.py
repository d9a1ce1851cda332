"""PAdES signatures: made with the key that signs the unit's documents, valid for pyHanko and
for poppler's pdfsig, and saying so plainly when a trial key signed."""

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from declarations import keys, services, signing
from declarations.models import SigningKey, SigningKeyUse
from lib import crypto
from tests.factories import UnitFactory
from tests.files import stored_bytes
from tests.pdfs import pdf_text, pdftotext_pages


def test_the_signed_pdf_validates_with_pyhanko(signed, signing_key):
    content = stored_bytes(signed.signed_pdf)
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    certificate = signing.load_signer(signing_key).signing_cert

    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.sig_object["/Name"] == "ZI Tracker Uji"
    assert signature.sig_object["/Location"] == "Sorong"
    assert str(signature.sig_object["/Reason"]).endswith(f"Nomor {signed.document_number}")
    assert "ZI Tracker Uji" in signature.signer_cert.subject.human_friendly


def test_a_key_signs_each_document_once_after_its_first(final, signing_key, monkeypatch):
    """pyHanko measures a signature with a dry run before signing; with a key it has
    measured, its room is known and each later document is signed once, as valid."""
    monkeypatch.setattr(signing, "_reserved", {})
    estimates = []
    original = PdfSigningSession.estimate_signature_container_size

    async def counted(self, *args, **kwargs):
        estimates.append(await original(self, *args, **kwargs))
        return estimates[-1]

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", counted)
    content = stored_bytes(final.pdf)
    certificate = signing.load_signer(signing_key).signing_cert

    signed = [signing.sign_pdf(content, unit=final.unit, reason="Uji", location="Sorong")]
    signed.append(signing.sign_pdf(content, unit=final.unit, reason="Uji", location="Sorong"))

    assert len(estimates) == 1
    for one in signed:
        (signature,) = PdfFileReader(io.BytesIO(one.content)).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
        assert status.intact and status.valid and status.trusted
        assert signing._reserved_in(one.content) == estimates[0]


def test_the_signed_pdf_validates_with_pdfsig(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(stored_bytes(signed.signed_pdf))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert "Signature Validation: Signature is Valid." in output
    assert "Signer Certificate Common Name: ZI Tracker Uji" in output
    assert "Total document signed" in output


def test_the_signed_pdf_keeps_the_issued_page_content(signed):
    # The stamp is an annotation added by the signature; the pages' own text is unchanged.
    assert pdf_text(stored_bytes(signed.signed_pdf)) == pdf_text(stored_bytes(signed.pdf))
    assert not signed.signed_with_trial_key


def test_the_stamp_on_the_page_names_the_signer(signed, tmp_path):
    (last,) = pdftotext_pages(stored_bytes(signed.signed_pdf), tmp_path)[-1:]
    assert "Ditandatangani secara elektronik (PAdES)" in last
    assert "ZI Tracker Uji" in last
    assert "KUNCI UJI COBA" not in last


def test_a_trial_key_says_so_on_the_page_in_the_signature_and_on_the_record(
    final, trial_key, tmp_path
):
    declaration = services.declaration_sign(declaration=final, by=None)
    content = stored_bytes(declaration.signed_pdf)

    (last,) = pdftotext_pages(content, tmp_path)[-1:]
    assert "KUNCI UJI COBA - bukan sertifikat resmi instansi" in last
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    assert "(KUNCI UJI COBA)" in str(signature.sig_object["/Reason"])
    assert "KUNCI UJI COBA" in signature.signer_cert.subject.human_friendly
    assert declaration.signed_with_trial_key
    path = tmp_path / "trial.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in output and "KUNCI UJI COBA" in output


def test_each_signature_is_logged_with_its_key_document_and_person(final, signing_key, superuser):
    declaration = services.declaration_sign(declaration=final, by=superuser)

    (use,) = SigningKeyUse.objects.all()
    assert (use.key, use.unit, use.used_by) == (signing_key, final.unit, superuser)
    assert use.sha256 == declaration.signed_sha256
    assert final.document_number in use.document


def test_the_nearest_assignment_picks_the_key_else_the_default(signing_key, pkcs12_file, unit):
    child = UnitFactory(parent=unit)
    other = keys.signing_key_create_trial(by=None)  # not the default: one already exists
    assert not other.is_default
    assert signing.signer_for(child) == signing_key

    keys.signing_key_assign(key=other, unit=unit, by=None)
    assert signing.signer_for(child) == other
    assert signing.signer_for(UnitFactory()) == signing_key

    keys.signing_key_retire(key=other, by=None)
    assert signing.signer_for(child) == signing_key


def test_key_status_tells_when_there_is_no_key_without_naming_a_setting(no_signing_key, unit):
    status = signing.key_status(unit)
    assert not status.usable
    assert "Kunci tanda tangan" in status.message
    assert "ZI_" not in status.message


def test_an_uploaded_key_is_stored_encrypted_and_its_certificate_described(
    signing_key, pkcs12_file
):
    data, password = pkcs12_file
    stored = bytes(SigningKey.objects.get(pk=signing_key.pk).pkcs12_encrypted)
    assert data not in stored and password.encode() not in stored
    assert crypto.decrypt(stored, purpose=signing.CRYPTO_PURPOSE) == data
    assert "CN=ZI Tracker Uji" in signing_key.subject
    assert len(signing_key.fingerprint) == 64
    assert signing_key.not_after > signing_key.not_before


def test_a_wrong_password_or_a_broken_file_is_refused_in_words(db, pkcs12_file):
    data, _password = pkcs12_file
    for content, password in ((data, "salah"), (b"bukan pkcs12", "rahasia")):
        with pytest.raises(signing.SigningError, match="rusak atau kata sandinya salah"):
            keys.signing_key_upload(
                name="x", pkcs12=content, passphrase=password, owner=None, by=None
            )
    assert not SigningKey.objects.exists()


def test_a_key_stored_under_another_secret_asks_to_be_uploaded_again(final, signing_key, settings):
    signing._cache.clear()
    settings.ZI_KEY_ENCRYPTION_KEY = "a-different-secret"
    with pytest.raises(signing.SigningError, match="Unggah ulang"):
        services.declaration_sign(declaration=final, by=None)
    signing._cache.clear()


def test_create_signing_key_makes_a_default_trial_key_once(db):
    out = io.StringIO()
    call_command("create_signing_key", stdout=out)
    call_command("create_signing_key", stdout=out)

    (key,) = SigningKey.objects.all()
    assert key.is_trial and key.is_default
    assert "already exist" in out.getvalue()


def test_load_signing_key_stores_a_key_file_as_the_default(db, pkcs12_file, tmp_path, trial_key):
    data, password = pkcs12_file
    (tmp_path / "k.p12").write_bytes(data)
    (tmp_path / "k.pass").write_text(password + "\n")
    out = io.StringIO()
    call_command(
        "load_signing_key",
        str(tmp_path / "k.p12"),
        password_file=str(tmp_path / "k.pass"),
        default=True,
        stdout=out,
    )
    key = SigningKey.objects.get(is_default=True)
    assert "CN=ZI Tracker Uji" in key.subject and not key.is_trial
    assert "the default key" in out.getvalue()
    (tmp_path / "k.pass").write_text("salah\n")
    with pytest.raises(CommandError, match="kata sandinya salah"):
        call_command(
            "load_signing_key", str(tmp_path / "k.p12"), password_file=str(tmp_path / "k.pass")
        )
