"""Stored files: read and handed out through Django's storage API, never by a path on disk.

Evidence, declaration PDFs and their signed copies, print-job zips, logos,
signature images and FGD minutes live in the `default` storage: a folder on
one machine (`DJANGO_MEDIA_ROOT`) or an S3-compatible bucket that every app
server and worker shares (`ZI_S3_BUCKET`). Code reads them with
`read_stored` or `stored_file_response` and never asks a file for `.path`
(an object in a bucket has none).

Downloads are streamed by the application after the view's permission
check, never handed out as a public or presigned address of the bucket
(docs/operations.md, "Files", says why). A file missing from storage is a
404 for the person and an error in the log for the operator, not a 500.

Uploads are written when their transaction commits (`save_on_commit`), so a
refused request leaves no file: a service checks everything first and writes
its rows in one transaction; the bytes of an upload go to storage (local disk
or S3) only once that transaction has committed (`transaction.on_commit`).
Should anything after the upload refuse — a lock, a permission, a failed
check of another row — the rows roll back and the file was never written: no
orphan in the bucket, no library entry. The row gets its file name at once
(the name storage will use), so the service can save it in the same
transaction.
"""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)

PRIVATE = "private, no-store"
# Whatever a stored file holds, the browser runs none of it: no scripts, no plugins, no frames.
SANDBOX = "default-src 'none'; sandbox"
# Uploads up to this size are kept in memory until the commit; larger ones in a temporary file.
SPOOL_BYTES = 1024 * 1024
COPY_BLOCK = 64 * 1024


def read_stored(field_file: FieldFile) -> bytes:
    """The whole file, read from storage. FileNotFoundError when it is not there."""
    if not field_file:
        raise FileNotFoundError("no file")
    with field_file.open("rb") as handle:
        return handle.read()


def read_stored_or_404(field_file: FieldFile) -> bytes:
    """The whole file for a view: Http404 when there is none or storage has lost it."""
    try:
        return read_stored(field_file)
    except FileNotFoundError:
        logger.error("stored file missing: %s", field_file.name)
        raise Http404 from None


def open_stored(field_file: FieldFile) -> FieldFile:
    """The file opened for reading, or Http404 when there is none or storage has lost it."""
    if not field_file:
        raise Http404
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file missing: %s", field_file.name)
        raise Http404 from None


def stored_file_response(
    field_file: FieldFile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    cache_control: str = PRIVATE,
    content_security_policy: str = SANDBOX,
) -> FileResponse:
    """Stream a stored file to a person the view has already let through.

    The bytes go from storage through this process in blocks (django-storages
    spools a bucket object into a temporary file past `max_memory_size`), so
    the bucket needs no address the browser can reach.
    """
    response = FileResponse(
        open_stored(field_file),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = content_security_policy
    response["Cache-Control"] = cache_control
    return response


def save_on_commit(field_file: FieldFile, name: str, content) -> str:
    """Name `field_file` now and write `content` (a File) to its storage on commit.

    The bytes are copied first (memory up to SPOOL_BYTES, then a temporary file):
    an upload's own file is closed when its request ends, which may come before
    an enclosing transaction commits. Returns the name. If storage picks another
    name when it writes (a file of that name appeared in between), the row is
    updated to it.
    """
    instance, field, storage = field_file.instance, field_file.field, field_file.storage
    name = storage.get_available_name(
        field.generate_filename(instance, name), max_length=field.max_length
    )
    setattr(instance, field.attname, name)
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 closed by write()
    if hasattr(content, "seek"):
        content.seek(0)
    while block := content.read(COPY_BLOCK):
        copy.write(block)

    def write() -> None:
        copy.seek(0)
        with copy:
            stored = storage.save(name, File(copy), max_length=field.max_length)
        if stored != name and instance.pk is not None:
            type(instance)._default_manager.filter(pk=instance.pk).update(**{field.attname: stored})

    transaction.on_commit(write)
    return name
