"""A real S3-compatible server for the tests: moto's server mode on 127.0.0.1.

`s3_server` starts `python -m moto.server` once per test process (each xdist
worker has its own) on a port the server picks, and stops it at the end.
`s3` gives a test a fresh bucket and points Django's default storage at it
through the same settings production uses (`lib.s3.PrivateS3Storage`), so
every FileField of the product reads and writes over HTTP; `s3.keys()`,
`s3.read(key)` and `s3.delete(key)` look into the bucket from outside,
with boto3, as an operator would.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

CREDENTIALS = {"aws_access_key_id": "zi-test", "aws_secret_access_key": "zi-test-secret"}
REGION = "us-east-1"


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, **CREDENTIALS)


def start_s3_server(log: Path) -> S3Server:
    """moto on 127.0.0.1, port 0: Werkzeug binds a free port and says which in its log."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", "0"],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"Running on (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            return S3Server(endpoint=found.group(1), process=process)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("moto server did not start:\n" + log.read_text())


def storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES["default"] as zi_tracker.settings builds it from ZI_S3_* variables."""
    return {
        "BACKEND": "lib.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "region_name": REGION,
            "default_acl": None,
            "file_overwrite": False,
            "max_memory_size": 2_621_440,
        },
    }


@dataclass
class Bucket:
    name: str
    server: S3Server

    def __post_init__(self) -> None:
        self.client = self.server.client()

    def object_keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = start_s3_server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_server, tmp_path) -> Bucket:
    """Django's default storage on a new, empty bucket of the moto server.

    MEDIA_ROOT points at a folder that does not exist: a test can check that
    nothing was written to local disk by seeing that it still does not.
    """
    bucket = Bucket(name=f"zi-test-{uuid.uuid4().hex[:12]}", server=s3_server)
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(s3_server.endpoint, bucket.name),
    }
    yield bucket
    for key in bucket.object_keys():
        bucket.delete(key)
    bucket.client.delete_bucket(Bucket=bucket.name)
