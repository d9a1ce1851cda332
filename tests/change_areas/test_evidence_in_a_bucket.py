"""Evidence on S3-compatible storage (a real moto server): uploaded in the browser into the
bucket, nothing on local disk, handed out only through the permission-checking view."""

from __future__ import annotations

import hashlib
from unittest import mock

from django.urls import reverse

from change_areas import services
from change_areas.models import Evidence, EvidenceFile
from tests.files import pdf_bytes, upload


def library_url(unit) -> str:
    return reverse("change_areas:evidence_library", kwargs={"code": unit.code})


def download_url(evidence: Evidence) -> str:
    return reverse("change_areas:evidence_download", kwargs={"pk": evidence.pk})


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_upload_in_the_browser_lands_in_the_bucket_and_comes_back_through_the_view(
    s3, settings, unit, staff, viewer, outsider, client_for, django_capture_on_commit_callbacks
):
    content = pdf_bytes("SK Tim ZI di bucket")
    sha256 = hashlib.sha256(content).hexdigest()

    with django_capture_on_commit_callbacks(execute=True):  # the bytes go up on commit
        response = client_for(staff).post(
            library_url(unit),
            {"file": upload("sk-tim.pdf", content), "title": "SK Tim ZI", "document_type": "sk"},
        )

    assert response.status_code == 302
    evidence = Evidence.objects.get(title="SK Tim ZI")
    assert s3.object_keys() == [f"evidence/{sha256[:2]}/{sha256}"]
    assert s3.read(f"evidence/{sha256[:2]}/{sha256}") == content
    assert evidence.blob.file.name == f"evidence/{sha256[:2]}/{sha256}"

    download = client_for(viewer).get(download_url(evidence))
    assert download.status_code == 200
    assert streamed(download) == content
    assert download["Content-Disposition"] == 'attachment; filename="sk-tim.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert "sandbox" in download["Content-Security-Policy"]
    assert client_for(outsider).get(download_url(evidence)).status_code == 404
    assert client_for(None).get(download_url(evidence)).status_code == 302
    assert not settings.MEDIA_ROOT.exists()  # nothing went to local disk


def test_a_large_upload_streams_from_the_bucket_through_a_temporary_file(
    s3, unit, staff, client_for, django_capture_on_commit_callbacks
):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE the upload arrives as a temporary file, and past the
    # storage's max_memory_size the download spools to one: both are temporary, neither is MEDIA_ROOT.
    content = pdf_bytes() + b"%" + b"x" * 3_000_000
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_upload(
            unit=unit, uploaded_file=upload("besar.pdf", content), title="Besar", by=staff
        )

    response = client_for(staff).get(download_url(evidence))

    assert int(response["Content-Length"]) == len(content)
    assert hashlib.sha256(streamed(response)).hexdigest() == evidence.blob.sha256


def test_the_same_bytes_uploaded_twice_are_one_object_in_the_bucket(
    s3, unit, other_unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.evidence_upload(unit=unit, uploaded_file=upload("a.pdf"), title="A")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.evidence_upload(unit=other_unit, uploaded_file=upload("b.pdf"), title="B")

    assert first.blob_id == second.blob_id
    assert s3.object_keys() == [first.blob.file.name]


def test_two_app_servers_storing_the_same_bytes_at_once_both_succeed(
    s3, unit, other_unit, django_capture_on_commit_callbacks
):
    """The second server looked before the first one's row existed: its row insert collides
    on the hash, and it takes the first one's blob instead of failing the upload (its own
    bytes, due on commit of the rolled-back insert, are never written)."""
    with django_capture_on_commit_callbacks(execute=True):
        first = services.evidence_upload(unit=unit, uploaded_file=upload("a.pdf"), title="A")
    not_there_yet = mock.Mock(first=mock.Mock(return_value=None))
    real_filter = EvidenceFile.objects.filter

    def filter_once_blind(*args, **kwargs):
        if "sha256" in kwargs and not_there_yet.first.call_count == 0:
            return not_there_yet
        return real_filter(*args, **kwargs)

    with (
        mock.patch.object(EvidenceFile.objects, "filter", side_effect=filter_once_blind),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = services.evidence_upload(unit=other_unit, uploaded_file=upload("b.pdf"), title="B")

    assert second.blob_id == first.blob_id
    assert EvidenceFile.objects.count() == 1
    assert Evidence.objects.count() == 2
    assert s3.object_keys() == [first.blob.file.name]


def test_a_file_lost_from_the_bucket_is_a_404_not_a_500(
    s3, unit, staff, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_upload(unit=unit, uploaded_file=upload(), title="Hilang")
    assert s3.object_keys() == [evidence.blob.file.name]
    s3.delete(evidence.blob.file.name)

    assert client_for(staff).get(download_url(evidence)).status_code == 404


def test_no_address_of_the_bucket_ever_reaches_a_page(s3, unit):
    evidence = services.evidence_upload(unit=unit, uploaded_file=upload(), title="Rahasia")

    url = evidence.blob.file.url

    assert url.startswith("/_media-not-served/")
    assert "127.0.0.1" not in url and "Signature" not in url
