"""Evidence (bukti dukung): checked by content and size, stored once by hash, served only
through a permission check, replaced with history, reused across questions and years."""

from __future__ import annotations

import hashlib
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from change_areas import services
from change_areas.models import Answer, Evidence, EvidenceFile
from tests.change_areas.helpers import question
from tests.factories import CycleFactory, EvidenceFactory
from tests.files import pdf_bytes, png_bytes, stored_bytes, upload
from tests.pages import messages_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_AS_PDF = b"<html><script>alert(1)</script></html>"


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Kegiatan", "Kemajuan"])
    workbook.active.append(["Sosialisasi", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def document(unit, staff) -> Evidence:
    return EvidenceFactory(unit=unit, file_name="sk-tim.pdf", title="SK Tim ZI", by=staff)


def download(client, evidence: Evidence):
    return client.get(reverse("change_areas:evidence_download", kwargs={"pk": evidence.pk}))


def library_url(unit) -> str:
    return reverse("change_areas:evidence_library", kwargs={"code": unit.code})


# --------------------------------------------------------------------------
# Upload: checked by content, stored once


def test_real_pdf_is_accepted_with_its_sha256(unit, staff):
    evidence = services.evidence_upload(
        unit=unit, uploaded_file=upload("laporan.pdf"), title="Laporan", by=staff
    )

    blob = evidence.blob
    assert blob.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert blob.size == len(pdf_bytes())
    assert (blob.content_type, blob.extension) == ("application/pdf", "pdf")
    with blob.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()
    assert (evidence.unit, evidence.uploaded_by, evidence.original_name) == (
        unit,
        staff,
        "laporan.pdf",
    )


def test_the_same_bytes_are_stored_once_and_are_one_document_of_a_unit(unit, other_unit):
    first = services.evidence_upload(unit=unit, uploaded_file=upload("a.pdf"), title="A")
    second = services.evidence_upload(unit=unit, uploaded_file=upload("b.pdf"), title="B")
    third = services.evidence_upload(unit=other_unit, uploaded_file=upload("c.pdf"), title="C")

    assert EvidenceFile.objects.count() == 1
    assert Evidence.objects.count() == 2  # the unit's second upload is its first document
    assert (first.reused, second.reused, third.reused) == (False, True, False)
    assert second.pk == first.pk and second.title == "A"
    assert first.blob_id == third.blob_id


def test_uploading_the_same_file_twice_on_a_question_says_so_and_attaches_it_once(
    cycle, staff, client_for
):
    client = client_for(staff)
    url = reverse(
        "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )
    data = {"action": "upload", "document_type": "sk", "title": "SK Tim"}

    client.post(url, {**data, "file": upload("sk.pdf")}, headers={"HX-Request": "true"})
    again = client.post(
        url, {**data, "file": upload("sk-lagi.pdf")}, headers={"HX-Request": "true"}
    )

    html = again.content.decode()
    assert Evidence.objects.filter(unit=cycle.unit).count() == 1
    assert "Berkas yang sama sudah ada di pustaka sebagai “SK Tim”" in html
    assert "sudah terlampir pada pertanyaan ini" in html


def test_the_library_recognises_a_file_uploaded_again(unit, staff, client_for):
    client = client_for(staff)
    client.post(
        library_url(unit), {"file": upload("a.pdf"), "title": "Laporan", "document_type": "laporan"}
    )

    response = client.post(
        library_url(unit),
        {"file": upload("b.pdf"), "title": "Lagi", "document_type": "laporan"},
        follow=True,
    )

    assert "Berkas yang sama sudah ada di pustaka sebagai “Laporan”" in response.content.decode()
    assert Evidence.objects.filter(unit=unit).count() == 1


def test_renamed_html_posing_as_pdf_is_refused(unit, staff):
    with pytest.raises(ValidationError) as refused:
        services.evidence_upload(
            unit=unit, uploaded_file=upload("bukti.pdf", HTML_AS_PDF), title="Bukti", by=staff
        )

    assert "Jenis berkas tidak diizinkan" in " ".join(refused.value.messages)
    assert not EvidenceFile.objects.exists()
    assert not Evidence.objects.exists()


def test_renamed_html_posing_as_pdf_is_refused_on_the_library_page(unit, staff, client_for):
    response = client_for(staff).post(
        library_url(unit),
        {"file": upload("bukti.pdf", HTML_AS_PDF), "title": "Bukti", "document_type": "sk"},
    )

    assert response.status_code == 400
    assert "Jenis berkas tidak diizinkan" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not Evidence.objects.exists()


def test_empty_file_is_refused(unit, staff):
    with pytest.raises(ValidationError) as refused:
        services.evidence_upload(
            unit=unit, uploaded_file=upload("kosong.pdf", b""), title="Kosong", by=staff
        )

    assert "Berkas kosong" in " ".join(refused.value.messages)
    assert not EvidenceFile.objects.exists()
    assert not Evidence.objects.exists()


def test_empty_file_is_refused_on_the_library_page(unit, staff, client_for):
    response = client_for(staff).post(
        library_url(unit), {"file": upload("kosong.pdf", b""), "document_type": "sk"}
    )

    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_file_over_the_size_limit_is_refused(unit, staff, settings):
    settings.ZI_EVIDENCE_MAX_BYTES = 1_000
    assert len(pdf_bytes()) > 1_000

    with pytest.raises(ValidationError) as refused:
        services.evidence_upload(unit=unit, uploaded_file=upload(), title="Besar", by=staff)

    assert "Berkas terlalu besar" in " ".join(refused.value.messages)
    assert not EvidenceFile.objects.exists()
    assert not Evidence.objects.exists()


def test_png_is_accepted(unit, staff):
    evidence = services.evidence_upload(
        unit=unit,
        uploaded_file=upload("foto kegiatan.png", png_bytes(), "image/png"),
        title="Foto",
        document_type="foto",
        by=staff,
    )

    assert (evidence.blob.content_type, evidence.blob.extension) == ("image/png", "png")
    assert evidence.original_name == "foto_kegiatan.png"


def test_xlsx_is_recognised_by_its_content_not_its_name(unit, staff):
    evidence = services.evidence_upload(
        unit=unit,
        uploaded_file=upload("rekap-kegiatan.pdf", xlsx_bytes(), "application/pdf"),
        title="Rekap",
        by=staff,
    )

    assert (evidence.blob.content_type, evidence.blob.extension) == (XLSX, "xlsx")
    assert evidence.original_name == "rekap-kegiatan.xlsx"


def test_upload_on_the_library_page_stores_the_document(unit, staff, client_for):
    response = client_for(staff).post(
        library_url(unit),
        {
            "file": upload("rekap.xlsx", xlsx_bytes(), "application/octet-stream"),
            "title": "Rekap kegiatan",
            "document_type": "laporan",
            "valid_until": "2027-12-31",
        },
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.document_type, evidence.uploaded_by) == (
        "Rekap kegiatan",
        "laporan",
        staff,
    )
    assert str(evidence.valid_until) == "2027-12-31"
    assert any("Rekap kegiatan" in text for text in messages_of(response))


def test_people_who_may_not_edit_cannot_upload(unit, viewer, outsider, client_for):
    data = {"file": upload(), "title": "Bukti", "document_type": "sk"}

    assert client_for(viewer).post(library_url(unit), data).status_code == 403
    assert (
        client_for(outsider).post(library_url(unit), dict(data, file=upload())).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.evidence_upload(unit=unit, uploaded_file=upload(), title="Bukti", by=viewer)
    assert not Evidence.objects.exists()


# --------------------------------------------------------------------------
# Download: only through the permission check


def test_unit_member_downloads_the_bytes_as_an_attachment(document, viewer, client_for):
    response = download(client_for(viewer), document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(document.blob.file)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="sk-tim.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_png_is_downloaded_with_its_own_content_type(unit, staff, client_for):
    evidence = EvidenceFactory(
        unit=unit, uploaded_file=upload("foto.png", png_bytes(), "image/png"), title="Foto"
    )

    response = download(client_for(staff), evidence)

    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Disposition"].startswith("attachment;")


def test_member_of_another_unit_gets_404(document, outsider, client_for):
    assert download(client_for(outsider), document).status_code == 404


def test_anonymous_is_sent_to_the_login_page(document, client_for):
    response = download(client_for(None), document)

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_tpi_reviewer_on_the_parent_unit_can_download(document, province_tpi_reviewer, client_for):
    response = download(client_for(province_tpi_reviewer), document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(document.blob.file)


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('laporan "final".pdf', "laporan_final.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("..\\..\\windows\\win.ini.pdf", None),
    ],
)
def test_file_names_are_sanitised_when_stored_and_served(unit, staff, client_for, name, stored):
    evidence = services.evidence_upload(unit=unit, uploaded_file=upload(name), title="Bukti")

    original = evidence.original_name
    if stored is not None:
        assert original == stored
    assert original.endswith(".pdf")
    for bad in ("/", "\\", '"', "<", ">"):
        assert bad not in original
    disposition = download(client_for(staff), evidence)["Content-Disposition"]
    assert disposition == f'attachment; filename="{original}"'


# --------------------------------------------------------------------------
# Replacing a file


def test_replacing_a_file_keeps_the_old_blob_and_version_in_history(document, staff, coordinator):
    old_blob = document.blob
    old_bytes = stored_bytes(old_blob.file)

    services.evidence_replace(
        evidence=document,
        uploaded_file=upload("sk-tim-revisi.png", png_bytes(), "image/png"),
        by=coordinator,
    )

    document.refresh_from_db()
    assert document.blob_id != old_blob.pk
    assert document.original_name == "sk-tim-revisi.png"
    assert EvidenceFile.objects.filter(pk=old_blob.pk).exists()
    assert stored_bytes(old_blob.file) == old_bytes
    records = list(document.history.order_by("history_date", "history_id"))
    assert [record.blob_id for record in records] == [old_blob.pk, document.blob_id]
    assert records[0].original_name == "sk-tim.pdf"
    assert (records[-1].history_user, records[-1].history_change_reason) == (
        coordinator,
        "evidence_replace",
    )
    assert (records[0].history_user, records[0].history_change_reason) == (
        staff,
        "evidence_upload",
    )


def test_replacing_through_the_library_page(document, staff, client_for):
    old_blob_id = document.blob_id
    url = reverse("change_areas:evidence_replace", kwargs={"pk": document.pk})

    response = client_for(staff).post(url, {"file": upload("baru.png", png_bytes(), "image/png")})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.blob.content_type == "image/png"
    assert document.history.filter(blob_id=old_blob_id).exists()
    assert any("versi lama tersimpan di riwayat" in text for text in messages_of(response))


def test_replacing_with_a_disallowed_file_changes_nothing(document, staff, client_for):
    old_blob_id = document.blob_id
    url = reverse("change_areas:evidence_replace", kwargs={"pk": document.pk})

    response = client_for(staff).post(url, {"file": upload("baru.pdf", HTML_AS_PDF)})

    assert response.status_code == 302
    assert any("Jenis berkas tidak diizinkan" in text for text in messages_of(response))
    document.refresh_from_db()
    assert document.blob_id == old_blob_id
    assert document.history.count() == 1


def test_viewer_cannot_replace_a_file(document, viewer, client_for):
    url = reverse("change_areas:evidence_replace", kwargs={"pk": document.pk})

    response = client_for(viewer).post(url, {"file": upload("baru.png", png_bytes(), "image/png")})

    assert response.status_code == 403
    assert Evidence.objects.get().blob.content_type == "application/pdf"


# --------------------------------------------------------------------------
# Reuse across questions and years


def test_one_document_attached_to_several_questions_and_reused_next_year(
    cycle, unit, document, staff
):
    next_year = CycleFactory(unit=unit, year=2027)

    for target, code in [
        (cycle, "A.MP.PMN.i.a"),
        (cycle, "A.MP.PMN.ii.a"),
        (next_year, "A.MP.PMN.i.a"),
    ]:
        services.answer_evidence_set(
            cycle=target, question=question(code), evidence=document, attach=True, by=staff
        )

    assert document.answers.count() == 3
    assert set(document.answers.values_list("cycle__year", "question__code")) == {
        (2026, "A.MP.PMN.i.a"),
        (2026, "A.MP.PMN.ii.a"),
        (2027, "A.MP.PMN.i.a"),
    }
    assert EvidenceFile.objects.count() == 1


def test_detaching_a_document_keeps_it_in_the_library(cycle, document, staff):
    services.answer_evidence_set(
        cycle=cycle, question=question("A.MP.PMN.i.a"), evidence=document, attach=True, by=staff
    )
    services.answer_evidence_set(
        cycle=cycle, question=question("A.MP.PMN.i.a"), evidence=document, attach=False, by=staff
    )

    assert not Answer.objects.get(cycle=cycle).evidence.exists()
    assert Evidence.objects.filter(pk=document.pk).exists()


def test_document_of_another_unit_cannot_be_attached(cycle, other_unit, staff):
    foreign = EvidenceFactory(unit=other_unit, file_name="lain.pdf", title="Milik unit lain")

    with pytest.raises(ValidationError) as refused:
        services.answer_evidence_set(
            cycle=cycle, question=question("A.MP.PMN.i.a"), evidence=foreign, attach=True, by=staff
        )

    assert "milik unit siklus ini" in " ".join(refused.value.messages)
    assert not Answer.objects.filter(cycle=cycle).exists()


def test_document_of_another_unit_cannot_be_attached_through_the_page(
    cycle, other_unit, staff, client_for
):
    foreign = EvidenceFactory(unit=other_unit, file_name="lain.pdf", title="Milik unit lain")
    url = reverse(
        "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )

    response = client_for(staff).post(url, {"action": "attach", "evidence": foreign.pk})

    assert response.status_code == 302
    assert any("Pilih bukti dukung dari pustaka unit" in text for text in messages_of(response))
    assert not foreign.answers.exists()


def test_upload_and_attach_in_one_step_from_the_question(cycle, staff, client_for):
    url = reverse(
        "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )

    response = client_for(staff).post(
        url,
        {"action": "upload", "file": upload("sk.pdf"), "title": "SK", "document_type": "sk"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert list(Answer.objects.get(cycle=cycle).evidence.all()) == [evidence]
    html = response.content.decode()
    assert reverse("change_areas:evidence_download", kwargs={"pk": evidence.pk}) in html


def test_upload_of_a_disallowed_file_from_the_question_stores_and_attaches_nothing(
    cycle, staff, client_for
):
    url = reverse(
        "change_areas:answer_evidence", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )

    response = client_for(staff).post(
        url,
        {"action": "upload", "file": upload("x.pdf", HTML_AS_PDF), "document_type": "sk"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Jenis berkas tidak diizinkan" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not Answer.objects.filter(cycle=cycle, evidence__isnull=False).exists()


def test_library_shows_where_each_document_is_used(cycle, document, staff, client_for):
    services.answer_evidence_set(
        cycle=cycle, question=question("A.MP.PMN.i.a"), evidence=document, attach=True
    )
    services.answer_evidence_set(
        cycle=cycle, question=question("A.MP.PMN.ii.a"), evidence=document, attach=True
    )

    response = client_for(staff).get(library_url(cycle.unit))

    html = response.content.decode()
    assert response.status_code == 200
    assert "SK Tim ZI" in html
    assert "A.MP.PMN.i.a · 2026" in html and "A.MP.PMN.ii.a · 2026" in html
