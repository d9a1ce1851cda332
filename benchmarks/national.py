"""Benchmark on PostgreSQL, one command: the national figures at 100, 10,000 and 100,000 units.

    .venv/bin/python benchmarks/national.py [--sizes 100,10000,100000] [--rounds 40]
        [--keep /var/tmp/zi-bench-pg] [--skip-in-process | --skip-pages]

Needs root (or sudo) for PostgreSQL's own user, like `make cluster`.

1. Starts a PostgreSQL 15 cluster: a throwaway one in a temporary folder, or with
   `--keep DIR` one that lives in DIR and keeps its datasets for the next run (the
   100,000-unit dataset takes about forty minutes to build on 2 cores).
2. For each size, a database `zi_units_<size>`: migrate, load_catalogs and
   `seed_benchmark --units <size> --years 3` when the dataset is missing; then this script in
   benchmarks/national_prepare.py adds the people the pages are seen as (a leadership viewer of the
   whole instansi, a TPI reviewer of a province, the coordinators of two units whose
   self-assessment is open), a library of 1 document for one of those units and of 500 for the
   other, and three work-plan activities in the measured area of each.
3. Serves each dataset with its own gunicorn (2 workers, as in production), signs the
   people in through the sign-in form, and in every round visits every page of every
   dataset, each right after that server's `/healthz`, so that all figures of one run share
   the machine's load at that moment. Prints per dataset: p50, p95 and max of each page, the
   ratio of its p50 to the p50 of `/healthz` on the same server, and its HTML size.
4. Runs the in-process benchmarks on the same cluster: benchmarks/scoring.py (catalog,
   scorecard, answer save, the area page with a library of 1 and of 500) and
   benchmarks/declarations_pdf.py (the declaration and LHE PDFs) on scratch databases, and
   benchmarks/dashboards.py on the 10,000-unit dataset (the exports the worker builds), and
   benchmarks/page_load.py (every page of the demo over an emulated slow 3G line).

Times here are the client's: a request on 127.0.0.1 through gunicorn, Django and
PostgreSQL, over a kept-alive connection. Query counts are not measured here: the tests
assert them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from benchmarks.cluster.rehearsal import PGBIN, as_postgres, free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "bench-Password-2026"
AREA = "A.PW"  # Penguatan Pengawasan: 22 questions
LIBRARY_SMALL, LIBRARY_LARGE = 1, 500


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="keep the cluster and its datasets in DIR")
    parser.add_argument("--port", type=int, default=0, help="PostgreSQL port (default: free)")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--skip-pages", action="store_true", help="only the in-process ones")
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# The orchestration: cluster, datasets, servers, rounds


@dataclass
class Run:
    folder: Path
    port: int
    throwaway: bool
    servers: list[subprocess.Popen] = field(default_factory=list)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def env(self, database: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url(database),
            "DJANGO_SECRET_KEY": "benchmark-only",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",  # testserver: the in-process ones
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_STATIC_ROOT": str(self.folder / "static"),
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
        }

    def start(self) -> None:
        data = self.folder / "data"
        if not data.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.chown(self.folder, "postgres")
            subprocess.run(
                as_postgres(
                    str(PGBIN / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data)
                ),
                check=True,
                capture_output=True,
            )
        running = subprocess.run(
            as_postgres(str(PGBIN / "pg_ctl"), "-D", str(data), "status"), capture_output=True
        )
        if running.returncode == 0:
            options = (data / "postmaster.opts").read_text()
            self.port = int(re.search(r'"-p" "(\d+)"', options).group(1))
        else:
            self.port = self.port or free_port()
            subprocess.run(
                as_postgres(
                    str(PGBIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(self.folder / "log"),
                    "-o",
                    f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                    "-c fsync=off -c full_page_writes=off -c shared_buffers=1GB "
                    "-c max_wal_size=4GB",
                    "start",
                ),
                check=True,
                capture_output=True,
            )  # fmt: skip
        print(f"PostgreSQL 15 on 127.0.0.1:{self.port} ({data})", flush=True)

    def stop(self) -> None:
        for server in self.servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, 15)
            server.wait(timeout=30)
        if self.throwaway:
            subprocess.run(
                as_postgres(str(PGBIN / "pg_ctl"), "-D", str(self.folder / "data"), "stop"),
                capture_output=True,
            )
            shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, database: str, query: str) -> list[tuple]:
        url = self.url(database).replace("postgres://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []

    def manage(self, database: str, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}")
        return result.stdout

    def dataset(self, units: int, years: int) -> str:
        database = f"zi_units_{units}"
        if not self.sql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            self.sql("postgres", f"CREATE DATABASE {database}")
        self.manage(database, "migrate", "--verbosity", "0")
        built = self.sql(database, "SELECT count(*) FROM units_unit WHERE code = 'NAS'")[0][0]
        if not built:
            print(f"building the {units:,}-unit dataset …", flush=True)
            started = time.perf_counter()
            self.manage(database, "load_catalogs", "--verbosity", "0")
            self.manage(database, "seed_benchmark", f"--units={units}", f"--years={years}")
            print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
            self.sql(database, "VACUUM")
        self.sql(database, "ANALYZE")  # the planner's statistics, new indexes included
        return database

    def serve(self, database: str) -> int:
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "zi_tracker.wsgi", "--no-control-socket",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120",
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=self.env(database),
            start_new_session=True,
        )  # fmt: skip
        self.servers.append(server)
        for _attempt in range(300):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    return port
            time.sleep(0.2)
        raise SystemExit(f"gunicorn on {database} did not become healthy")


def signed_in(base: str, username: str | None):
    session = requests.Session()
    if username is None:
        return session
    token = CSRF.search(session.get(f"{base}/masuk/").text).group(1)
    response = session.post(
        f"{base}/masuk/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/masuk/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"{username} could not sign in ({response.status_code})")
    return session


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Page:
    dataset: int
    label: str
    session: object
    url: str
    health: object
    times: list[float] = field(default_factory=list)
    size: int = 0


def get(session, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = session.get(url, allow_redirects=False)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed, len(response.content)


def measure(run: Run, sizes: list[int], years: int, rounds: int) -> None:
    pages: list[Page] = []
    health: dict[int, list[float]] = {}
    health_urls: dict[int, str] = {}
    for units in sizes:
        database = run.dataset(units, years)
        if not pages and units == sizes[0]:
            run.manage(database, "collectstatic", "--noinput", "--verbosity", "0")
        prepared = subprocess.run(
            [PYTHON, "benchmarks/national_prepare.py"],
            cwd=ROOT,
            env=run.env(database),
            capture_output=True,
            text=True,
        )
        if prepared.returncode != 0:
            raise SystemExit(prepared.stderr)
        plan = json.loads(prepared.stdout)
        base = f"http://127.0.0.1:{run.serve(database)}"
        sessions = {role: signed_in(base, name) for role, name in plan["people"].items()}
        sessions[None] = requests.Session()
        health[units], health_urls[units] = [], f"{base}/healthz"
        for label, role, path in plan["pages"]:
            pages.append(Page(units, label, sessions[role], base + path, sessions[None]))
        print(f"{units:,} units ({plan['units']:,} in the tree), year {plan['year']}", flush=True)

    for page in pages:  # warm: each worker's caches, PostgreSQL's buffers
        for _ in range(3):
            get(page.session, page.url)
    for _round in range(rounds):
        for page in pages:
            pause, _size = get(page.health, health_urls[page.dataset])
            health[page.dataset].append(pause)
            elapsed, page.size = get(page.session, page.url)
            page.times.append(elapsed)

    for units in sizes:
        base = statistics.median(health[units])
        print(f"\n### {units:,} units\n")
        print("| page | p50 ms | p95 ms | max ms | p50 ÷ /healthz | HTML KiB |")
        print("|---|---:|---:|---:|---:|---:|")
        print(
            f"| /healthz | {base:.1f} | {p95(health[units]):.1f} | "
            f"{max(health[units]):.1f} | 1.0 | |"
        )
        for page in (p for p in pages if p.dataset == units):
            middle = statistics.median(page.times)
            print(
                f"| {page.label} | {middle:.1f} | {p95(page.times):.1f} | {max(page.times):.1f} "
                f"| {middle / base:.1f} | {page.size / 1024:.0f} |"
            )
    if len(sizes) > 1:
        print("\n### The root portfolio as the country grows\n")
        print("| units | p50 ms | p95 ms | p50 ÷ p50 at the smallest size |")
        print("|---:|---:|---:|---:|")
        portfolio = {p.dataset: p for p in pages if p.label == "root portfolio"}
        smallest = statistics.median(portfolio[sizes[0]].times)
        for units in sizes:
            times = portfolio[units].times
            print(
                f"| {units:,} | {statistics.median(times):.1f} | {p95(times):.1f} "
                f"| {statistics.median(times) / smallest:.2f} |"
            )


def in_process(run: Run) -> None:
    for script, database, extra in [
        ("scoring.py", "zi_scoring", ["--cycles", "300", "--repeat", "50"]),
        ("declarations_pdf.py", "zi_declarations_pdf", ["--runs", "40"]),
        ("dashboards.py", "zi_units_10000", ["--repeat", "10"]),
        ("page_load.py", "zi_demo", []),
    ]:
        if not run.sql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            run.sql("postgres", f"CREATE DATABASE {database}")
        print(f"\n### benchmarks/{script} on PostgreSQL\n\n```", flush=True)
        subprocess.run(
            [PYTHON, f"benchmarks/{script}", *extra], cwd=ROOT, env=run.env(database), check=True
        )
        print("```", flush=True)


def main(args: argparse.Namespace) -> None:
    sizes = sorted(int(size) for size in args.sizes.split(","))
    throwaway = args.keep is None
    folder = args.keep or Path(tempfile.mkdtemp(prefix="zi-bench-pg-"))
    run = Run(folder=folder.resolve(), port=args.port, throwaway=throwaway)
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    try:
        run.start()
        if not args.skip_pages:
            measure(run, sizes, args.years, args.rounds)
            load = os.getloadavg()
            print(f"\nload average after the rounds (1, 5 min): {load[0]:.2f}, {load[1]:.2f}")
        if not args.skip_in_process:
            in_process(run)
    finally:
        run.stop()


if __name__ == "__main__":
    main(_arguments())
