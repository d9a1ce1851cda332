"""Uploaded files written when their transaction commits, so a refused request leaves no file.

A service checks everything first and writes its rows in one transaction; the
bytes of an upload go to storage (local disk or S3) only once that transaction
has committed (`transaction.on_commit`). Should anything after the upload
refuse — a lock, a permission, a failed check of another row — the rows roll
back and the file was never written: no orphan in the bucket, no library entry.

The row gets its file name at once (the name storage will use), so the
service can save it in the same transaction.
"""

from __future__ import annotations

import shutil
import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile

# Uploads up to this size are kept in memory until the commit; larger ones in a temporary file.
SPOOL_BYTES = 1024 * 1024


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
    shutil.copyfileobj(content, copy)

    def write() -> None:
        copy.seek(0)
        with copy:
            stored = storage.save(name, File(copy), max_length=field.max_length)
        if stored != name and instance.pk is not None:
            type(instance)._default_manager.filter(pk=instance.pk).update(**{field.attname: stored})

    transaction.on_commit(write)
    return name
