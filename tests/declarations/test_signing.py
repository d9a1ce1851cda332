"""PAdES signatures: made with the configured key, valid for pyHanko and for poppler's pdfsig."""

import io
import stat
import subprocess

import pytest
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from declarations import signing
from tests.files import stored_bytes
from tests.pdfs import pdf_text


def test_the_signed_pdf_validates_with_pyhanko(signed):
    content = stored_bytes(signed.signed_pdf)
    (signature,) = PdfFileReader(io.BytesIO(content)).embedded_signatures
    certificate = signing.load_signer().signing_cert

    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.sig_object["/Name"] == "ZI Tracker Uji"
    assert signature.sig_object["/Location"] == "Sorong"
    assert str(signature.sig_object["/Reason"]).endswith(f"Nomor {signed.document_number}")
    assert "ZI Tracker Uji" in signature.signer_cert.subject.human_friendly


def test_the_signed_pdf_validates_with_pdfsig(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(stored_bytes(signed.signed_pdf))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert "Signature Validation: Signature is Valid." in output
    assert "Signer Certificate Common Name: ZI Tracker Uji" in output
    assert "Total document signed" in output


def test_the_signed_pdf_says_the_same_as_the_unsigned_one(signed):
    assert pdf_text(stored_bytes(signed.signed_pdf)) == pdf_text(stored_bytes(signed.pdf))


def test_key_status_tells_when_no_key_is_configured(no_signing_key):
    status = signing.key_status()
    assert not status.configured and not status.usable
    assert "ZI_SIGNING_PKCS12_FILE" in status.message


def test_key_status_reports_a_wrong_password(signing_key, settings):
    settings.ZI_SIGNING_PKCS12_PASSWORD_FILE = ""
    settings.ZI_SIGNING_PKCS12_PASSWORD = "salah"
    status = signing.key_status()
    assert status.configured and not status.usable
    assert "kata sandinya salah" in status.message


def test_the_password_may_come_from_a_variable(signing_key, settings, signing_key_files):
    _key, password_file = signing_key_files
    settings.ZI_SIGNING_PKCS12_PASSWORD_FILE = ""
    settings.ZI_SIGNING_PKCS12_PASSWORD = password_file.read_text().strip()
    status = signing.key_status()
    assert status.usable and "ZI Tracker Uji" in status.subject


def test_a_missing_key_file_is_reported(settings, tmp_path):
    settings.ZI_SIGNING_PKCS12_FILE = str(tmp_path / "nothing.p12")
    status = signing.key_status()
    assert status.configured and not status.usable
    assert "tidak dapat dibaca" in status.message


def test_create_signing_key_writes_a_private_ec_key_and_prints_the_settings(tmp_path, settings):
    out = io.StringIO()
    call_command("create_signing_key", out=str(tmp_path / "k.p12"), name="Uji Coba", stdout=out)

    key, password = tmp_path / "k.p12", tmp_path / "k.p12.password"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(password.stat().st_mode) == 0o600
    printed = out.getvalue()
    assert f"ZI_SIGNING_PKCS12_FILE={key}" in printed
    assert f"ZI_SIGNING_PKCS12_PASSWORD_FILE={password}" in printed

    settings.ZI_SIGNING_PKCS12_FILE = str(key)
    settings.ZI_SIGNING_PKCS12_PASSWORD_FILE = str(password)
    signer = signing.load_signer()
    assert signer.signing_cert.public_key.algorithm == "ec"
    assert signer.signing_cert.subject.native["common_name"] == "Uji Coba"
    assert signer.signing_cert.subject.native["country_name"] == "ID"


def test_create_signing_key_does_not_overwrite_without_force(tmp_path):
    target = tmp_path / "k.p12"
    call_command("create_signing_key", out=str(target), stdout=io.StringIO())
    before = target.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_signing_key", out=str(target), stdout=io.StringIO())
    assert target.read_bytes() == before
    call_command("create_signing_key", out=str(target), force=True, stdout=io.StringIO())
    assert target.read_bytes() != before
