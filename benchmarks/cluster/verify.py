"""After the load: what the clients were told was saved, against the database and the bucket.

    python benchmarks/cluster/verify.py LEDGER.jsonl OUT.json        # after the load
    python benchmarks/cluster/verify.py --files-only OUT.json         # after a restore

Run by benchmarks/cluster/rehearsal.py with the cluster's environment. Counts as lost:

- an answer whose last confirmed save ("Tersimpan.") is not what the database holds, unless
  a later attempt the client saw fail is (a request cut off after its commit is not a loss);
- an evidence upload the library listed whose row is gone, or whose bytes in the bucket are
  not the bytes the client sent (by SHA-256);
- any file named by any row (every FileField of every model) that is not in the storage,
  or an evidence blob whose bytes are not its recorded SHA-256;
- a print job started by a client that did not finish with a zip holding every declaration.

Prints and writes the figures as JSON; exits 1 if anything was lost.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path, nargs="?")
    parser.add_argument("out", type=Path)
    parser.add_argument("--files-only", action="store_true")
    return parser.parse_args()


ARGS = _arguments()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import models  # noqa: E402
from django_tasks import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from change_areas.models import Answer, Evidence, EvidenceFile, Layer  # noqa: E402
from declarations.models import PrintJob, PrintJobStatus  # noqa: E402
from lib.files import read_stored  # noqa: E402


def stored_files() -> dict:
    """Every file any row names, looked up in the storage; evidence blobs checked by hash."""
    named = missing = corrupt = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            for pk, name in model._default_manager.exclude(**{field.name: ""}).values_list(
                "pk", field.name
            ):
                named += 1
                instance = model(pk=pk, **{field.name: name})
                try:
                    content = read_stored(getattr(instance, field.name))
                except FileNotFoundError:
                    missing += 1
                    continue
                if model is EvidenceFile:
                    sha256 = EvidenceFile.objects.get(pk=pk).sha256
                    corrupt += hashlib.sha256(content).hexdigest() != sha256
    return {"named": named, "missing": missing, "corrupt": corrupt}


def answers(entries: list[dict]) -> dict:
    attempts = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e["t"]):
        attempts[(entry["cycle"], entry["question"])].append(entry)
    stored = {
        (a.cycle_id, a.question.code): (a.option, a.note)
        for a in Answer.objects.filter(
            cycle_id__in={cycle for cycle, _q in attempts}, layer=Layer.SELF
        ).select_related("question")
    }
    lost = committed_unconfirmed = 0
    for key, tries in attempts.items():
        confirmed = [i for i, entry in enumerate(tries) if entry["saved"]]
        values = {(e["option"], e["note"]) for e in tries if not e["saved"]}
        committed_unconfirmed += stored.get(key) in values
        if not confirmed:
            continue
        last = confirmed[-1]
        allowed = {(tries[last]["option"], tries[last]["note"])}
        allowed |= {(e["option"], e["note"]) for e in tries[last + 1 :]}
        lost += stored.get(key) not in allowed
    return {
        "saves_confirmed": sum(e["saved"] for e in entries),
        "saves_not_confirmed": sum(not e["saved"] for e in entries),
        "questions": len(attempts),
        "lost": lost,
        "committed_though_the_client_saw_an_error": committed_unconfirmed,
    }


def uploads(entries: list[dict]) -> dict:
    by_title = {
        e.title: e
        for e in Evidence.objects.filter(title__startswith="Bukti klaster ").select_related("blob")
    }
    lost = committed_unconfirmed = 0
    for entry in entries:
        evidence = by_title.get(entry["title"])
        if not entry["saved"]:
            committed_unconfirmed += evidence is not None
            continue
        if evidence is None or evidence.blob.sha256 != entry["sha256"]:
            lost += 1
            continue
        try:
            content = read_stored(evidence.blob.file)
        except FileNotFoundError:
            lost += 1
            continue
        lost += hashlib.sha256(content).hexdigest() != entry["sha256"]
    return {
        "confirmed": sum(e["saved"] for e in entries),
        "not_confirmed": sum(not e["saved"] for e in entries),
        "bytes_confirmed": sum(e["size"] for e in entries if e["saved"]),
        "lost": lost,
        "committed_though_the_client_saw_an_error": committed_unconfirmed,
    }


def print_jobs(entries: list[dict]) -> dict:
    started = [e["job"] for e in entries if e["started"]]
    jobs = {str(job.pk): job for job in PrintJob.objects.filter(pk__in=started)}
    statuses = Counter(jobs[pk].status if pk in jobs else "missing" for pk in started)
    incomplete = 0
    for job in jobs.values():
        if job.status != PrintJobStatus.DONE:
            continue
        try:
            names = zipfile.ZipFile(io.BytesIO(read_stored(job.file))).namelist()
        except (FileNotFoundError, zipfile.BadZipFile):
            incomplete += 1
            continue
        incomplete += len([n for n in names if n.endswith(".pdf")]) != job.total
    results = {
        str(result.pk): result
        for result in DBTaskResult.objects.filter(
            pk__in=[job.task_result_id for job in jobs.values() if job.task_result_id]
        )
    }
    by_worker = Counter(
        results[job.task_result_id].worker_ids[-1]
        for job in jobs.values()
        if job.task_result_id in results
        and results[job.task_result_id].status == TaskResultStatus.SUCCESSFUL
    )
    # Tasks a killed worker left "running", marked failed when their job was started again.
    abandoned = list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, exception_class_path__endswith="WorkerStopped"
        )
    )
    left_by = {str(result.args_kwargs["args"][0]): result.worker_ids[-1:] for result in abandoned}
    finished_by = {
        str(job.pk): results[job.task_result_id].worker_ids[-1:]
        for job in jobs.values()
        if job.task_result_id in results
        and results[job.task_result_id].status == TaskResultStatus.SUCCESSFUL
    }
    return {
        "started": len(started),
        "done": statuses.get(PrintJobStatus.DONE, 0),
        "not_done": len(started) - statuses.get(PrintJobStatus.DONE, 0),
        "statuses": dict(statuses),
        "zips_incomplete": incomplete,
        "restarted_after_a_worker_stopped": len(set(left_by) & set(started)),
        "finished_by_another_worker": sum(
            finished_by.get(job, worker) != worker for job, worker in left_by.items()
        ),
        "abandoned_tasks": [
            {"job": job, "left_by": worker, "finished_by": finished_by.get(job)}
            for job, worker in left_by.items()
        ],
        "finished_by_worker": dict(by_worker),
    }


def main(args: argparse.Namespace) -> int:
    figures: dict = {"files": stored_files()}
    if not args.files_only:
        entries = [json.loads(line) for line in args.ledger.read_text().splitlines() if line]
        kinds = defaultdict(list)
        for entry in entries:
            kinds[entry["kind"]].append(entry)
        downloads = kinds["download"]
        figures |= {
            "answers": answers(kinds["answer"]),
            "uploads": uploads(kinds["upload"]),
            "downloads": {
                "same_bytes": sum(e["same"] for e in downloads),
                "not_served": sum(not e["same"] and e["status"] != 200 for e in downloads),
                "different_bytes": sum(not e["same"] and e["status"] == 200 for e in downloads),
            },
            "print_jobs": print_jobs(kinds["print"]),
            "local_media_folder_created": Path(settings.MEDIA_ROOT).exists(),
        }
    lost = figures["files"]["missing"] + figures["files"]["corrupt"]
    if not args.files_only:
        lost += figures["answers"]["lost"] + figures["uploads"]["lost"]
        lost += figures["downloads"]["different_bytes"]
        lost += figures["print_jobs"]["not_done"] + figures["print_jobs"]["zips_incomplete"]
        lost += figures["local_media_folder_created"]
    figures["lost"] = lost
    args.out.write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
