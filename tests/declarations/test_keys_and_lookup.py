"""Signing keys managed in the browser (upload, see, assign, logged use), the home task that
can now be done, printing the main list, and finding a document to verify from the public
site."""

from __future__ import annotations

from django.urls import reverse

from declarations import keys, services
from declarations.models import DeclarationStatus, SigningKey
from tests.factories import member
from tests.files import stored_bytes, upload
from units.models import Role


def test_a_national_admin_uploads_a_certificate_and_sees_its_subject_and_expiry(
    client_for, superuser, pkcs12_file
):
    data, password = pkcs12_file
    client = client_for(superuser)
    refused = client.post(
        reverse("declarations:signing_keys"),
        {"name": "BSrE", "file": upload("kunci.p12", data), "passphrase": "salah"},
    )
    assert refused.status_code == 400
    assert "kata sandinya salah" in refused.content.decode()

    response = client.post(
        reverse("declarations:signing_keys"),
        {"name": "BSrE", "file": upload("kunci.p12", data), "passphrase": password},
        follow=True,
    )
    key = SigningKey.objects.get()
    page = response.content.decode()
    assert "CN=ZI Tracker Uji" in page and key.fingerprint in page
    assert key.not_after.strftime("%Y") in page
    assert password not in page  # never shown again


def test_the_key_assigned_to_a_unit_signs_its_declarations_and_the_use_is_listed(
    client_for, superuser, final, signing_key, pkcs12_file, province
):
    other = keys.signing_key_create_trial(by=None)
    client = client_for(superuser)
    client.post(other.get_absolute_url(), {"unit": province.code})

    signed = services.declaration_sign(declaration=final, by=superuser)

    assert signed.signing_certificate_sha256 == other.fingerprint and signed.signed_with_trial_key
    page = client.get(other.get_absolute_url()).content.decode()
    assert signed.signed_sha256 in page and province.name in page


def test_a_unit_admin_manages_only_their_units_keys(client_for, unit_admin, signing_key, unit):
    client = client_for(unit_admin)
    assert client.get(signing_key.get_absolute_url()).status_code == 404
    page = client.get(reverse("declarations:signing_keys")).content.decode()
    assert "Sertifikat uji" in page  # the default key is described, read-only
    assert signing_key.get_absolute_url() not in page


def test_the_home_task_to_sign_can_be_done_with_the_trial_key(client_for, final, trial_key):
    admin = member(final.unit, Role.UNIT_ADMIN, "admin-satker")
    client = client_for(admin)
    home = client.get(reverse("home")).content.decode()
    assert "Pencanangan menunggu tanda tangan" in home and final.title in home
    detail = client.get(final.get_absolute_url()).content.decode()
    assert "Tandatangani secara elektronik" in detail and "kunci uji coba" in detail

    client.post(reverse("declarations:sign", kwargs={"pk": final.pk}))

    final.refresh_from_db()
    assert final.status == DeclarationStatus.SIGNED
    assert final.title not in client.get(reverse("home")).content.decode()
    verify = client_for(None).get(final.get_verification_path()).content.decode()
    assert "Ditandatangani dengan kunci uji coba." in verify


def test_print_all_on_the_main_list_bundles_what_the_admin_administers(
    client_for, final, unit_admin
):
    client = client_for(unit_admin)
    assert "Cetak semua (zip)" in client.get(reverse("declarations:list")).content.decode()
    response = client.post(reverse("declarations:print_list"), {"q": "", "kind": "", "status": ""})
    assert response.status_code == 302 and "/deklarasi/cetak/" in response["Location"]


def test_a_document_is_found_by_its_number_or_its_qr_address(client, final):
    lookup = reverse("declarations:verify_lookup")
    by_number = client.get(lookup, {"q": final.document_number})
    assert by_number["Location"] == final.get_verification_path()
    by_address = client.get(
        lookup, {"q": f"https://zi.example.go.id{final.get_verification_path()}"}
    )
    assert by_address["Location"] == final.get_verification_path()
    unknown = client.get(lookup, {"q": "ZI/TIDAK/ADA"}).content.decode()
    assert "Tidak ditemukan." in unknown


def test_a_document_is_found_and_checked_by_uploading_the_pdf(client, signed):
    lookup = reverse("declarations:verify_lookup")
    for content in (stored_bytes(signed.signed_pdf), stored_bytes(signed.pdf)):
        page = client.post(lookup, {"file": upload("dokumen.pdf", content)}).content.decode()
        assert "Cocok: berkas ini sama persis" in page and signed.title in page
    other = client.post(lookup, {"file": upload("lain.pdf", b"%PDF-1.7\n%%EOF\n")})
    assert "Tidak ditemukan." in other.content.decode()
