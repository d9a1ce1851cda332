"""Benchmark: every page of the demo over an emulated slow 3G line (issue 18's page-weight budget).

    .venv/bin/python benchmarks/page_load.py [--repeat 3] [--every-viewer] [--only VIEW ...]

Builds the demo on a scratch database (migrate, load_catalogs, seed_demo: the
data `make run` shows; a SQLite file under /tmp, or DATABASE_URL's database,
flushed first), collects the static files with the production storage
(hashed names, gzip and brotli copies), and serves it with gunicorn (two
workers, DJANGO_DEBUG off, static files by WhiteNoise). The pages are those
benchmarks/pages.py finds by following links from `/` as each demo login and
as an anonymous visitor; by default the heaviest page of each view (most
HTML, whoever sees it), with `--every-viewer` each view as each viewer sees it.

Each page is opened in Debian's Chromium through Playwright, with Chromium's
network emulation (CDP Network.emulateNetworkConditions: 400 ms latency,
400 kbit/s = 50,000 bytes/s down and up), `--repeat` times:

- cold: a new browser context (empty cache, new connections), then the page;
- warm: in that context, a blank page, then the page again: the second visit,
  where the hashed static files must come from the cache.

Printed per page (p50 / p95 over the repeats): HTML bytes (as the server sends
them before compression, and as transferred), bytes transferred for the whole
page and the number of requests that went to the network, and the times from
the start of navigation to DOMContentLoaded, to usable and to `load`.
"Usable" is the later of DOMContentLoaded and the end of the last stylesheet
and script the page loads (Resource Timing responseEnd): the page is laid out
with its own CSS and its own JavaScript has run (app.js and htmx are `defer`,
which runs them before DOMContentLoaded, after the stylesheet). A page over
150 KB of HTML, or whose cold p95 to usable is over 2 s, is flagged `OVER`.

Before the table: what every static response said (Cache-Control and
Content-Encoding), and the machine's load (`uptime`).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# This checkout's packages, also when the environment is installed from another checkout.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_DEBUG"] = "false"  # the production static storage: hashed, compressed
# Our own static folder: other benchmarks collect into the shared one.
os.environ.setdefault(
    "DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "zi-bench-page-load-static")
)

from benchmarks._setup import ROOT, setup_django
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, round trip
    "downloadThroughput": 50_000,  # bytes/s = 400 kbit/s
    "uploadThroughput": 50_000,
}
USABLE_BUDGET_MS = 2000
ONE_YEAR = 31_536_000

# The navigation's and every script's and stylesheet's timings, once `load` has fired.
TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const assets = performance.getEntriesByType("resource").filter(
    (entry) => /\\.(css|js)$/.test(new URL(entry.name).pathname));
  const assetsEnd = Math.max(0, ...assets.map((entry) => entry.responseEnd));
  return {
    dcl: nav.domContentLoadedEventEnd,
    usable: Math.max(nav.domContentLoadedEventEnd, assetsEnd),
    load: nav.loadEventEnd,
    htmlBody: nav.decodedBodySize,
    htmlTransferred: nav.transferSize,
  };
}"""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold+warm visits per page")
    parser.add_argument(
        "--every-viewer",
        action="store_true",
        help="each view as each viewer sees it (default: the heaviest page of each view)",
    )
    parser.add_argument("--only", nargs="*", default=[], help="view names to measure")
    return parser.parse_args()


ARGS = _arguments()
setup_django("page-load")

from django.core.management import call_command  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import pages as demo  # noqa: E402


@dataclass
class Visit:
    """One load of a page, as Chromium saw it."""

    dcl: float
    usable: float
    load: float
    html_body: int
    html_transferred: int
    transferred: int  # every response of the page, headers included
    network_requests: int  # requests not answered from the cache
    static: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> headers
    static_from_network: list[str] = field(default_factory=list)


def _uptime() -> str:
    """The machine's load now (in UTC: Django set this process's TZ to the site's zone)."""
    return subprocess.run(
        ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
    ).stdout.strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "zi_tracker.wsgi",
            "--workers",
            "2",
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _session_cookies(viewers: set[str]) -> dict[str, str]:
    """A signed-in session per demo login (stored in the database gunicorn reads)."""
    return {
        viewer: demo.client_for(viewer).cookies["sessionid"].value
        for viewer in viewers
        if viewer != demo.ANONYMOUS
    }


def _visit(page, cdp, url: str) -> Visit:
    requests: dict[str, dict] = {}

    def sent(event):
        requests[event["requestId"]] = {"url": event["request"]["url"], "bytes": 0}

    def answered(event):
        entry = requests.setdefault(event["requestId"], {"url": event["response"]["url"]})
        entry["headers"] = {
            key.lower(): value for key, value in event["response"]["headers"].items()
        }
        entry["cached"] = entry.get("cached") or event["response"].get("fromDiskCache", False)

    def from_cache(event):
        requests.setdefault(event["requestId"], {"url": "", "bytes": 0})["cached"] = True

    def finished(event):
        requests.setdefault(event["requestId"], {"url": ""})["bytes"] = event["encodedDataLength"]

    handlers = {
        "Network.requestWillBeSent": sent,
        "Network.responseReceived": answered,
        "Network.requestServedFromCache": from_cache,
        "Network.loadingFinished": finished,
    }
    for name, handler in handlers.items():
        cdp.on(name, handler)
    page.goto(url, wait_until="load")
    page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    timings = page.evaluate(TIMINGS_JS)
    for name, handler in handlers.items():
        cdp.remove_listener(name, handler)
    static = {}
    static_from_network = []
    for entry in requests.values():
        path = entry["url"].split("://", 1)[-1].partition("/")[2]
        on_network = not entry.get("cached") and entry.get("bytes", 0) > 0
        if path.startswith("static/"):
            if "headers" in entry:
                static[path] = entry["headers"]
            if on_network:
                static_from_network.append(path)
    return Visit(
        dcl=timings["dcl"],
        usable=timings["usable"],
        load=timings["load"],
        html_body=timings["htmlBody"],
        html_transferred=timings["htmlTransferred"],
        transferred=sum(entry.get("bytes", 0) for entry in requests.values()),
        network_requests=sum(
            1 for entry in requests.values() if not entry.get("cached") and entry.get("bytes", 0)
        ),
        static=static,
        static_from_network=static_from_network,
    )


def _measure(browser, base: str, page: demo.Page, session: str | None) -> tuple[Visit, Visit]:
    context = browser.new_context(locale="id-ID")
    try:
        if session:
            context.add_cookies(
                [{"name": "sessionid", "value": session, "url": base, "httpOnly": True}]
            )
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cold = _visit(tab, cdp, base + page.path)
        tab.goto("about:blank")
        warm = _visit(tab, cdp, base + page.path)
        return cold, warm
    finally:
        context.close()


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _static_summary(colds: list[Visit], warms: list[Visit]) -> list[str]:
    """What the static responses said, and any that failed the caching rule."""
    headers: dict[str, dict[str, str]] = {}
    for visit in colds:
        headers.update(visit.static)
    lines = []
    for path, sent in sorted(headers.items()):
        cache = sent.get("cache-control", "")
        max_age = next(
            (int(part.split("=")[1]) for part in cache.split(",") if "max-age" in part), 0
        )
        verdict = "ok" if "immutable" in cache and max_age >= ONE_YEAR else "NOT CACHED A YEAR"
        lines.append(
            f"  /{path}: Cache-Control {cache!r}, Content-Encoding "
            f"{sent.get('content-encoding', 'none')!r} — {verdict}"
        )
    warm_misses = sorted({path for visit in warms for path in visit.static_from_network})
    lines.append(
        "  second visits fetched no static file again"
        if not warm_misses
        else f"  second visits fetched again: {warm_misses}"
    )
    return lines


def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    found = demo.demo_pages()
    chosen = found if args.every_viewer else demo.heaviest_per_view(found)
    if args.only:
        chosen = [page for page in chosen if page.view_name in args.only]
    sessions = _session_cookies({page.viewer for page in chosen})
    print(
        f"demo built and walked in {time.perf_counter() - started:.0f} s: {len(found)} pages "
        f"as {len(demo.VIEWERS)} viewers, {len({page.view_name for page in found})} views; "
        f"measuring {len(chosen)} × {args.repeat} (cold + warm)"
    )
    print(f"machine: {_uptime()}", flush=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port)
    results: list[tuple[demo.Page, list[Visit], list[Visit]]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
            )
            for page in chosen:
                colds, warms = [], []
                for _ in range(args.repeat):
                    cold, warm = _measure(browser, base, page, sessions.get(page.viewer))
                    colds.append(cold)
                    warms.append(warm)
                results.append((page, colds, warms))
                print(f"  {page.view_name} as {page.viewer}", file=sys.stderr, flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("static files:")
    colds = [visit for _page, visits, _warms in results for visit in visits]
    warms = [visit for _page, _colds, visits in results for visit in visits]
    print("\n".join(_static_summary(colds, warms)))
    print(f"machine: {_uptime()}", flush=True)
    _table(results)


def _table(results) -> None:
    print(
        "\nKB = 1,000 bytes; times in ms from navigation start, p50/p95; "
        "req = requests that went to the network"
    )
    header = (
        f"{'view':<40} {'viewer':<12} {'HTML KB':>7} {'sent':>5} │ "
        f"{'cold KB':>7} {'req':>3} {'DCL':>11} {'usable':>11} {'load':>11} │ "
        f"{'warm KB':>7} {'req':>3} {'usable':>11} │"
    )
    print(header)
    print("─" * len(header))
    over = 0
    for page, colds, warms in results:

        def pair(visits, key):
            values = [getattr(visit, key) for visit in visits]
            return f"{statistics.median(values):5.0f}/{_p(values, 0.95):<5.0f}"

        html = max(visit.html_body for visit in colds)
        flagged = html > demo.HTML_BUDGET or _p([v.usable for v in colds], 0.95) > USABLE_BUDGET_MS
        over += flagged
        print(
            f"{page.view_name:<40} {page.viewer:<12} {html / 1000:7.1f} "
            f"{statistics.median(v.html_transferred for v in colds) / 1000:5.1f} │ "
            f"{statistics.median(v.transferred for v in colds) / 1000:7.1f} "
            f"{statistics.median(v.network_requests for v in colds):3.0f} "
            f"{pair(colds, 'dcl')} {pair(colds, 'usable')} {pair(colds, 'load')} │ "
            f"{statistics.median(v.transferred for v in warms) / 1000:7.1f} "
            f"{statistics.median(v.network_requests for v in warms):3.0f} "
            f"{pair(warms, 'usable')} │{' OVER' if flagged else ''}"
        )
    colds_all = [visit.usable for _page, colds, _warms in results for visit in colds]
    warms_all = [visit.usable for _page, _colds, warms in results for visit in warms]
    print(
        f"\n{len(results)} pages; usable cold p50 {statistics.median(colds_all):.0f} ms, "
        f"p95 {_p(colds_all, 0.95):.0f} ms, max {max(colds_all):.0f} ms; warm p50 "
        f"{statistics.median(warms_all):.0f} ms, p95 {_p(warms_all, 0.95):.0f} ms; "
        f"{over} over budget (HTML > {demo.HTML_BUDGET / 1000:.0f} KB or cold p95 usable > "
        f"{USABLE_BUDGET_MS} ms)"
    )


if __name__ == "__main__":
    main(ARGS)
