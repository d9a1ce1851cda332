"""Nothing a request leaves behind lives in one process's memory or on one machine's disk.

With two app servers behind a proxy, a person's next request may reach the
other one: sessions, the cache, sign-in throttling, an admin import waiting
for confirmation and the task queue must all be where both servers look.
These tests read the production settings (zi_tracker.settings, not the
test overrides); `ops/cluster.sh` shows the same with two real gunicorns.
"""

from __future__ import annotations

import importlib

import pytest

from zi_tracker import settings as production

# Backends every server of a cluster shares, and those that live in one process or machine.
SHARED_CACHES = {
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
}
SHARED_SESSIONS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"}


def test_sessions_are_kept_in_the_database():
    assert production.SESSION_ENGINE in SHARED_SESSIONS


def test_every_cache_is_one_all_servers_share():
    local = {alias: c["BACKEND"] for alias, c in production.CACHES.items()}
    assert {
        alias: backend for alias, backend in local.items() if backend not in SHARED_CACHES
    } == {}


def test_sign_in_throttling_counts_failures_in_the_database():
    assert production.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_an_admin_import_waits_for_confirmation_in_the_shared_storage():
    assert production.IMPORT_EXPORT_TMP_STORAGE_CLASS == "import_export.tmp_storages.MediaStorage"


def test_long_jobs_are_queued_in_the_database():
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.fixture
def settings_with(monkeypatch):
    """The production settings module re-read with the given environment."""

    def load(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(production)

    yield load
    monkeypatch.undo()
    importlib.reload(production)


def test_a_bucket_puts_every_stored_file_in_it(settings_with):
    reloaded = settings_with(
        ZI_S3_BUCKET="zi-files",
        ZI_S3_ENDPOINT_URL="http://object-store.internal:9000",
        ZI_S3_ADDRESSING_STYLE="path",
    )
    default = reloaded.STORAGES["default"]
    assert default["BACKEND"] == "lib.s3.PrivateS3Storage"
    assert default["OPTIONS"]["bucket_name"] == "zi-files"
    assert default["OPTIONS"]["endpoint_url"] == "http://object-store.internal:9000"
    assert default["OPTIONS"]["addressing_style"] == "path"


def test_an_empty_s3_variable_means_not_set(settings_with):
    """`.env.example` lists every variable empty: empty must mean boto3's default, not ""."""
    reloaded = settings_with(ZI_S3_BUCKET="zi-files", ZI_S3_ENDPOINT_URL="", ZI_S3_REGION="")
    options = reloaded.STORAGES["default"]["OPTIONS"]
    assert options["endpoint_url"] is None and options["region_name"] is None
