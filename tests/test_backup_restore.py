"""ops/backup.sh then ops/restore.sh into an empty database: every row and every file comes back.

The scripts back up PostgreSQL (pg_dump/pg_restore) and the stored files, from
local disk or from an S3-compatible bucket (rclone, Debian's package, against
a real moto server), so these tests are defined when the suite runs on
PostgreSQL (CI's second run).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from change_areas.models import Answer, Evidence, Layer, Question
from tests.factories import AnswerFactory, CycleFactory, EvidenceFactory, UnitFactory
from tests.files import pdf_bytes, png_bytes, upload
from tests.s3 import CREDENTIALS, REGION, Bucket
from units.models import Unit

ROOT = Path(settings.BASE_DIR)


def database_url(name: str) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def run(script: str, *args: str, environment: dict) -> str:
    result = subprocess.run(
        [str(ROOT / "ops" / script), *args],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


if connection.vendor == "postgresql":

    @pytest.fixture
    def empty_database():
        name = f"zi_restore_{secrets.token_hex(4)}"
        admin = psycopg.connect(
            database_url("postgres").replace("postgres://", "postgresql://"), autocommit=True
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

    @pytest.mark.django_db(transaction=True)
    def test_backup_then_restore_into_an_empty_database(
        settings, tmp_path, empty_database, catalogs
    ):
        media = tmp_path / "media"
        settings.MEDIA_ROOT = media
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media)},
            },
        }
        unit = UnitFactory(code="BACKUP-1", name="Unit Cadangan")
        cycle = CycleFactory(unit=unit)
        AnswerFactory(cycle=cycle, option="Ya", note="ada SK")
        document = EvidenceFactory(
            unit=unit, uploaded_file=upload("sk.pdf", pdf_bytes("SK cadangan")), title="SK Tim"
        )
        stored = media / document.blob.file.name
        assert stored.is_file()

        backup = tmp_path / "backup"
        output = run(
            "backup.sh",
            str(backup),
            environment={
                "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
                "DJANGO_MEDIA_ROOT": str(media),
            },
        )
        assert "database.dump" in output and (backup / "SHA256SUMS").is_file()

        restored_media = tmp_path / "restored-media"
        run(
            "restore.sh",
            str(backup),
            environment={
                "DATABASE_URL": database_url(empty_database),
                "DJANGO_MEDIA_ROOT": str(restored_media),
            },
        )

        with psycopg.connect(
            database_url(empty_database).replace("postgres://", "postgresql://")
        ) as restored:
            units = restored.execute(
                "SELECT code, name FROM units_unit WHERE code = 'BACKUP-1'"
            ).fetchall()
            answers = restored.execute(
                "SELECT a.option, a.note FROM change_areas_answer a JOIN change_areas_question q ON q.id = a.question_id "
                "WHERE q.code = 'A.MP.PMN.i.a' AND a.layer = %s",
                [Layer.SELF],
            ).fetchall()
            blob = restored.execute("SELECT sha256, file FROM change_areas_evidencefile").fetchone()
            counts = {
                table: restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in (
                    "units_unit",
                    "change_areas_question",
                    "change_areas_answer",
                    "change_areas_evidence",
                    "units_historicalunit",
                )
            }
        assert units == [("BACKUP-1", "Unit Cadangan")]
        assert answers == [("Ya", "ada SK")]
        assert counts == {
            "units_unit": Unit.objects.count(),
            "change_areas_question": Question.objects.count(),
            "change_areas_answer": Answer.objects.count(),
            "change_areas_evidence": Evidence.objects.count(),
            "units_historicalunit": Unit.history.count(),
        }
        restored_file = restored_media / blob[1]
        assert (
            hashlib.sha256(restored_file.read_bytes()).hexdigest()
            == blob[0]
            == document.blob.sha256
        )

    @pytest.mark.django_db(transaction=True)
    def test_restore_refuses_a_damaged_backup_and_touches_nothing(
        tmp_path, empty_database, catalogs, settings
    ):
        settings.MEDIA_ROOT = tmp_path / "media"
        backup = tmp_path / "backup"
        run(
            "backup.sh",
            str(backup),
            environment={
                "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
                "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            },
        )
        dump = backup / "database.dump"
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
        result = subprocess.run(
            [str(ROOT / "ops" / "restore.sh"), str(backup)],
            env={
                **os.environ,
                "DATABASE_URL": database_url(empty_database),
                "DJANGO_MEDIA_ROOT": str(tmp_path / "restored"),
            },
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert result.returncode != 0
        assert "FAILED" in result.stdout + result.stderr
        with psycopg.connect(
            database_url(empty_database).replace("postgres://", "postgresql://")
        ) as restored:
            tables = restored.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
        assert tables == 0
        assert not (tmp_path / "restored").exists()

    def bucket_environment(bucket) -> dict:
        return {
            "ZI_S3_BUCKET": bucket.name,
            "ZI_S3_ENDPOINT_URL": bucket.server.endpoint,
            "ZI_S3_ACCESS_KEY": CREDENTIALS["aws_access_key_id"],
            "ZI_S3_SECRET_KEY": CREDENTIALS["aws_secret_access_key"],
            "ZI_S3_REGION": REGION,
        }

    @pytest.mark.django_db(transaction=True)
    def test_backup_of_a_bucket_restores_the_database_and_an_empty_bucket(
        s3, tmp_path, empty_database, catalogs
    ):
        unit = UnitFactory(code="BUCKET-1", name="Unit Bucket")
        documents = [
            EvidenceFactory(
                unit=unit,
                uploaded_file=upload(f"sk-{n}.pdf", pdf_bytes(f"SK {n}")),
                title=f"SK {n}",
            )
            for n in range(3)
        ]
        unit.logo.save("logo.png", ContentFile(png_bytes()))
        stored = {key: s3.read(key) for key in s3.object_keys()}
        assert len(stored) == 4

        backup = tmp_path / "backup"
        output = run(
            "backup.sh",
            str(backup),
            environment={
                "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
                **bucket_environment(s3),
            },
        )
        assert "4 files" in output and not (backup / "files.partial").exists()

        restored_bucket = Bucket(name=f"{s3.name}-restored", server=s3.server)
        try:
            run(
                "restore.sh",
                str(backup),
                environment={
                    "DATABASE_URL": database_url(empty_database),
                    **bucket_environment(restored_bucket),
                },
            )
            restored_files = {
                key: restored_bucket.read(key) for key in restored_bucket.object_keys()
            }
        finally:
            for key in restored_bucket.object_keys():
                restored_bucket.delete(key)
            restored_bucket.client.delete_bucket(Bucket=restored_bucket.name)

        assert restored_files == stored
        with psycopg.connect(
            database_url(empty_database).replace("postgres://", "postgresql://")
        ) as restored:
            blobs = restored.execute(
                "SELECT sha256, file FROM change_areas_evidencefile"
            ).fetchall()
            logo = restored.execute(
                "SELECT logo FROM units_unit WHERE code = 'BUCKET-1'"
            ).fetchone()[0]
        assert sorted(blobs) == sorted((d.blob.sha256, d.blob.file.name) for d in documents)
        for sha256, name in blobs:
            assert hashlib.sha256(restored_files[name]).hexdigest() == sha256
        assert restored_files[logo] == png_bytes()
