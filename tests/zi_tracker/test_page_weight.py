"""The page-weight budget (issue 18): every page of the demo is at most 150 KB of HTML.

The pages are those benchmarks/pages.py finds by following links from `/` as
each demo login and as an anonymous visitor, on the data `make run` shows
(`seed_demo`); benchmarks/page_load.py loads the same pages over a slow 3G
line. Sizes here, times there.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from benchmarks import pages as demo


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def walked(demo_seeded):
    """The demo's pages as each viewer sees them, walked once per viewer for the module."""
    found: dict[str, list[demo.Page]] = {}

    def walk(viewer: str) -> list[demo.Page]:
        if viewer not in found:
            found[viewer] = demo.crawl(demo.client_for(viewer), viewer)
        return found[viewer]

    return walk


@pytest.mark.parametrize("viewer", demo.VIEWERS)
def test_every_demo_page_is_at_most_150_kb_of_html(viewer, walked, db):
    pages = walked(viewer)
    too_heavy = [
        f"{page.path} ({page.view_name}): {page.html_bytes:,} bytes"
        for page in pages
        if page.html_bytes > demo.HTML_BUDGET
    ]
    assert not too_heavy, f"pages over {demo.HTML_BUDGET:,} bytes of HTML as {viewer}: {too_heavy}"


# What each kind of person works on, so a walk that stops short (a broken link, a
# page that no longer links on) fails here instead of passing on fewer pages.
REACHED = {
    demo.ANONYMOUS: {"public:home", "public:index", "public:unit", "public:search", "login"},
    "koordinator": {
        "home",
        "dashboards:unit",
        "change_areas:cycle_overview",
        "change_areas:area",
        "change_areas:hasil",
        "change_areas:evidence_library",
        "change_areas:work_plan",
        "change_areas:cycle_tasks",
        "declarations:list",
        "declarations:detail",
        "service_standards:services",
        "service_standards:version_detail",
    },
    "penilai-tpi": {
        "change_areas:review_queue",
        "change_areas:review",
        "dashboards:portfolio",
        "dashboards:calibration",
    },
    "admin": {"dashboards:portfolio", "dashboards:calibration", "change_areas:campaign_list"},
}


@pytest.mark.parametrize("viewer", REACHED)
def test_the_walk_reaches_the_pages_each_role_works_on(viewer, walked, db):
    reached = {page.view_name for page in walked(viewer)}
    assert REACHED[viewer] <= reached, f"not reached as {viewer}: {REACHED[viewer] - reached}"


def test_the_heaviest_page_of_each_view_stands_for_it(db):
    pages = [
        demo.Page("staf", "/siklus/1/area/A.MP/", "change_areas:area", 50_000),
        demo.Page("admin", "/siklus/1/area/A.PP/", "change_areas:area", 120_000),
        demo.Page("anonim", "/publik/", "public:home", 5_000),
        demo.Page("admin", "/publik/", "public:home", 5_000),
    ]
    assert demo.heaviest_per_view(pages) == [pages[1], pages[2]]
