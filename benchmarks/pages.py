"""The demo's pages: every HTML page a demo login reaches by following links from home.

`demo_pages()` walks the demo (`manage.py seed_demo`) as each of its logins
and as an anonymous visitor, the way a person clicks: from `/`, every
`<a href>` to this site, breadth first, GET only. What it finds is the page
list both the page-weight test (tests/zi_tracker/test_page_weight.py: every
page's HTML within `HTML_BUDGET`) and the slow-3G benchmark
(benchmarks/page_load.py) use, so neither is a hand-picked few.

What the walk leaves out, and why:

- query strings and fragments: a link is followed by its path (`?page=2`,
  `?tahun=2025` are the same page with other rows);
- downloads: the first URL of a view that answers with something other than
  HTML (PDF, xlsx, iCalendar, JSON) marks that view as a download, and its
  other URLs are not fetched;
- beyond `PER_VIEW` pages of one view for one viewer (the area page of every
  area of every cycle the national administrator can open is some 600
  pages): the first `PER_VIEW` found, breadth first, which are the current
  cycles' pages, the fullest of the demo;
- `SKIP_PREFIXES`: the Django admin (the national administrator's data
  tool, not a page of the product), static files, the REST API, signing out,
  the language switch and the development mailbox.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from django.test import Client
from django.urls import Resolver404, resolve

from units import demo as units_demo
from units.models import User

HTML_BUDGET = 150_000  # bytes of HTML, uncompressed (issue 18: 150 KB)
ANONYMOUS = "anonim"
# Each demo login (units.demo.LOGINS), and a visitor who is not signed in.
VIEWERS: tuple[str, ...] = (ANONYMOUS, *(login.username for login in units_demo.LOGINS))
PER_VIEW = 6
SKIP_PREFIXES = ("/admin/", "/static/", "/api/", "/keluar/", "/bahasa/", "/dev/")


@dataclass(frozen=True)
class Page:
    viewer: str  # a demo username, or ANONYMOUS
    path: str
    view_name: str
    html_bytes: int  # the HTML as the server sends it, before compression


def client_for(viewer: str) -> Client:
    """A test client signed in as the demo login `viewer` (none for ANONYMOUS)."""
    client = Client()
    if viewer != ANONYMOUS:
        client.force_login(User.objects.get(username=viewer))
    return client


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _links(html: bytes) -> list[str]:
    """The paths of this site that the page's links point at, in document order."""
    paths = []
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not parts.path.startswith(SKIP_PREFIXES):
            paths.append(parts.path)
    return paths


def crawl(client: Client, viewer: str, start: str = "/", per_view: int = PER_VIEW) -> list[Page]:
    """The HTML pages reachable from `start` by links, as `client` sees it (`per_view` of each)."""
    pages: list[Page] = []
    downloads: set[str] = set()  # view names that answered with a file, not a page
    fetched: Counter[str] = Counter()  # pages fetched per view name
    seen = {start}
    queue = deque([start])
    while queue:
        path = queue.popleft()
        view_name = _view_name(path)
        if view_name is None or view_name in downloads or fetched[view_name] >= per_view:
            continue
        fetched[view_name] += 1
        response = client.get(path)
        if response.status_code in (301, 302):
            found = [urlsplit(response["Location"]).path]
        elif response.status_code != 200:
            continue
        elif not response["Content-Type"].startswith("text/html"):
            downloads.add(view_name)
            continue
        else:
            pages.append(Page(viewer, path, view_name, len(response.content)))
            found = _links(response.content)
        for link in found:
            if link not in seen and not link.startswith(SKIP_PREFIXES):
                seen.add(link)
                queue.append(link)
    return pages


def demo_pages(
    viewers: tuple[str, ...] = VIEWERS, make_client: Callable[[str], Client] = client_for
) -> list[Page]:
    """The demo's pages as each viewer sees them (the demo must be seeded)."""
    return [page for viewer in viewers for page in crawl(make_client(viewer), viewer)]


def heaviest_per_view(pages: list[Page]) -> list[Page]:
    """One page per view: the one with the most HTML, whoever sees it (ties: first found)."""
    chosen: dict[str, Page] = {}
    for page in pages:
        if page.view_name not in chosen or page.html_bytes > chosen[page.view_name].html_bytes:
            chosen[page.view_name] = page
    return sorted(chosen.values(), key=lambda page: page.view_name)
