"""How refusals look and are recorded: branded 400, 403 and CSRF pages in the person's
language, one log line per refused request (no traceback), `Cache-Control: private,
no-store` on every private download, and PDFs that render before collectstatic."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from tests.factories import CycleFactory
from tests.test_access_matrix import ROWS, build_world

# --------------------------------------------------------------------------
# Pages


def test_the_csrf_failure_page_is_ours_and_says_what_to_do(staff, unit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(reverse("units:team", kwargs={"code": unit.code}), {"x": "1"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulir kedaluwarsa" in html and "Tidak ada yang disimpan" in html
    assert 'class="site-header"' in html  # the site's own layout, with its menu
    assert "DEBUG" not in html and "CSRF verification failed" not in html


def test_the_csrf_failure_page_speaks_english_to_those_who_chose_it(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_a_403_page_carries_the_reason_inside_the_sites_layout(viewer, unit, client_for):
    response = client_for(viewer).get(
        reverse("service_standards:service_create", kwargs={"code": unit.code})
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "Tindakan ini tidak diizinkan" in html and 'class="site-header"' in html


# --------------------------------------------------------------------------
# Logs


def test_a_refused_request_is_one_warning_line_without_a_traceback(
    viewer, unit, client_for, caplog
):
    url = reverse("service_standards:service_create", kwargs={"code": unit.code})
    client = client_for(viewer)
    client.get("/")  # the session settles

    with caplog.at_level(logging.INFO):
        client.get(url)

    lines = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage().split(" (")[0]) for r in lines] == [
        ("zi_tracker.requests", f"GET {url} 403")
    ]
    assert lines[0].exc_info is None and lines[0].status == 403


def test_a_bad_request_logs_its_reason_on_its_one_line(cycle_for_logs, staff, client_for, caplog):
    with caplog.at_level(logging.INFO):
        client_for(staff).post(cycle_for_logs, {"option": "Ya"})

    (line,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.status == 400 and "tidak membawa versi" in line.getMessage()
    assert line.exc_info is None


@pytest.fixture
def cycle_for_logs(unit):
    cycle = CycleFactory(unit=unit)
    return reverse(
        "change_areas:answer_save", kwargs={"pk": cycle.pk, "question_code": "A.MP.PMN.i.a"}
    )


# --------------------------------------------------------------------------
# PDFs before collectstatic


def test_a_pdf_renders_with_the_production_static_storage_before_collectstatic(
    settings, tmp_path, unit, staff, client_for
):
    settings.STATIC_ROOT = tmp_path / "empty-static-root"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    cycle = CycleFactory(unit=unit)

    response = client_for(staff).get(reverse("change_areas:scorecard_pdf", kwargs={"pk": cycle.pk}))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --------------------------------------------------------------------------
# Private downloads are not kept by caches (last: the world lives until the module ends)


@pytest.fixture(scope="module")
def download_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_world()
        yield built
        transaction.set_rollback(True)


POLLED_FEEDS = {"integrations:calendar_feed"}


def _get_rolled_back(client, row, world):
    """The row's page, in a savepoint: what its URL keywords make (a provider, a feed) is undone."""
    before = set(world.extra)
    with transaction.atomic():
        response = client.get(reverse(row.name, kwargs=row.kwargs(world)))
        transaction.set_rollback(True)
    for key in set(world.extra) - before:
        del world.extra[key]
    return response


def test_every_private_download_says_private_no_store_and_public_ones_do_not(
    download_world, db, client_for
):
    client = client_for(download_world.users["superuser"])
    private, public = [], []
    for row in ROWS:
        if row.method != "GET":
            continue
        response = _get_rolled_back(client, row, download_world)
        if response.status_code != 200 or response["Content-Type"].startswith("text/html"):
            continue
        cache = response.get("Cache-Control", "")
        if "public_" in row.name:
            public.append(row.name)
            assert "no-store" not in cache, row.name
        elif row.name in POLLED_FEEDS:
            # a person's calendar feed, fetched by calendar programs every few minutes:
            # never in a shared cache, but kept a quarter of an hour by the program itself
            assert cache == "private, max-age=900", f"{row.name}: {cache!r}"
        elif row.name not in ("units:logo", "healthz"):
            private.append(row.name)
            assert "private" in cache and "no-store" in cache, f"{row.name}: {cache!r}"
    assert {
        "change_areas:evidence_download",
        "change_areas:scorecard_json",
        "change_areas:scorecard_pdf",
        "change_areas:lke_export",
        "declarations:download",
        "declarations:print_job_download",
        "dashboards:portfolio_xlsx",
        "service_standards:consultation_minutes",
    } <= set(private)
    assert "service_standards:public_standard_pdf" in public
