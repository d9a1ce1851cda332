"""Bundling declarations into one zip: their PDFs and a manifest, built for a print job.

This is the work itself, the same whether it runs at once in the request or on
the task worker: `declarations.printing` decides which, and
`declarations.tasks.build_print_job` runs it in the background. Neither of
them is imported here.

Issued declarations contribute their frozen bytes (the signed copy when there
is one); drafts are rendered as watermarked previews.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from declarations import documents
from declarations.models import Declaration, PrintJob
from declarations.selectors import with_participants
from lib import jobs
from lib.files import read_stored


def issued_file(declaration: Declaration) -> tuple[str, bytes]:
    """The frozen file to hand out: the signed copy when there is one, else the unsigned PDF."""
    content = read_stored(declaration.signed_pdf if declaration.signed_pdf else declaration.pdf)
    suffix = "-ttd" if declaration.signed_pdf else ""
    return f"{declaration.file_stem()}{suffix}.pdf", content


def file_for(declaration: Declaration) -> tuple[str, bytes]:
    """A declaration's PDF for a bundle: frozen bytes if issued, a draft preview otherwise."""
    if declaration.is_issued:
        return issued_file(declaration)
    rendered = documents.render(declaration, draft=True)
    return rendered.filename, rendered.content


def _manifest(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["berkas", "nomor", "judul", "tanggal", "status", "sha256_berkas", "sha256_isi"]
    )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def build_zip(declaration_ids: list[int], *, progress=None) -> bytes:
    """A zip of the declarations' PDFs with a manifest (daftar.csv). `progress(done)` after each."""
    buffer = io.BytesIO()
    manifest: list[list[str]] = []
    chunk = 50
    done = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(declaration_ids), chunk):
            ids = declaration_ids[start : start + chunk]
            batch = with_participants(Declaration.objects.filter(pk__in=ids)).order_by("pk")
            by_id = {declaration.pk: declaration for declaration in batch}
            for pk in ids:
                declaration = by_id.get(pk)
                if declaration is None:
                    continue
                name, content = file_for(declaration)
                archive.writestr(name, content)
                manifest.append(
                    [
                        name,
                        declaration.document_number,
                        declaration.title,
                        declaration.event_date.isoformat(),
                        declaration.get_status_display(),
                        hashlib.sha256(content).hexdigest(),
                        declaration.content_sha256,
                    ]
                )
                done += 1
                if progress is not None:
                    progress(done)
        archive.writestr("daftar.csv", _manifest(manifest))
    return buffer.getvalue()


def print_job_run(job: PrintJob) -> PrintJob:
    """Build the job's zip, recording progress (and a heartbeat) on the row as it goes."""

    def build(progress) -> tuple[str, ContentFile]:
        content = build_zip(list(job.declaration_ids), progress=progress)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return f"pencanangan-{stamp}-{str(job.pk)[:8]}.zip", ContentFile(content)

    return jobs.job_run(job, build)
