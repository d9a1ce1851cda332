"""The two-node rehearsal, on this machine only (127.0.0.1): start a cluster, load it, break it.

    ops/cluster.sh [--users 30] [--duration 210] [--no-write]      (or: make cluster)

1. Starts PostgreSQL 15, an S3-compatible server (moto) with an empty bucket, two gunicorn
   app servers on their own ports behind nginx (passive health checks: a server that fails
   a request is left out for 5 s; idempotent requests that fail on one server are retried
   on the other, POSTs never), two `db_worker` task workers with their own ids, and the
   per-minute recovery sweep of stopped print jobs (here every 20 s, stall limit 1 minute).
2. Checks that what one app server keeps, the other sees: a session, sign-in throttling
   (django-axes), the lost-update check of an answer, the cache.
3. Runs locust (benchmarks/cluster/locustfile.py) through nginx: answers, evidence uploads
   and downloads, dashboards, bulk prints. Meanwhile it kills (SIGKILL) app server A, then
   the worker that is building a print job, starts A again, and later the worker.
4. Waits for every print job, then compares what the clients were told was saved with the
   database and the bucket (benchmarks/cluster/verify.py), reads nginx's log for what
   failed and when, and rehearses a restore: ops/backup.sh, then ops/restore.sh into an
   empty database and an empty bucket, compared table by table and object by object.
5. Writes the figures into BENCHMARKS.md (between the "cluster-rehearsal" markers) and
   exits 1 if anything was lost, an error fell outside the moments of the kills, or the
   restore differs.

Needs root (or sudo) for PostgreSQL's own user, and Debian's postgresql-15, nginx and
rclone; ops/cluster.sh installs what is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(sys.executable).parent
PGBIN = Path("/usr/lib/postgresql/15/bin")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BUCKET = "zi-cluster"
S3_KEYS = {"ZI_S3_ACCESS_KEY": "zi-cluster", "ZI_S3_SECRET_KEY": "zi-cluster-secret"}
SAVED = 'class="notice success" role="status"'
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARK_BEGIN, MARK_END = "<!-- cluster-rehearsal:begin -->", "<!-- cluster-rehearsal:end -->"


def percentile(times: dict[int, int], count: int, percent: float) -> int:
    """The response time `percent` of the requests finished within, as locust computes it
    (its module cannot be imported here: importing locust patches the standard library)."""
    within = int(count * percent)
    seen = 0
    for ms in sorted(times, reverse=True):
        seen += times[ms]
        if count - seen <= within:
            return ms
    return 0


def journey(name: str, requests_: int, failures: int, times: dict) -> dict:
    """One line of the table: counts, and the median and 95th percentile in ms (locust's way)."""
    times = {int(ms): n for ms, n in times.items()}
    return {
        "name": name,
        "requests": requests_,
        "failures": failures,
        "p50": percentile(times, requests_, 0.5),
        "p95": percentile(times, requests_, 0.95),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return ["sudo", "-u", "postgres", *command]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL to the whole process group: a gunicorn master and its workers at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()


@dataclass
class Cluster:
    work: Path
    users: int
    printers: int
    started: float = field(default_factory=time.monotonic)
    events: list[tuple[float, str]] = field(default_factory=list)
    processes: dict[str, Process] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    load_started: float | None = None
    recoveries: list[str] = field(default_factory=list)
    faults_seen: dict = field(default_factory=dict)

    # --- bookkeeping -------------------------------------------------------------------

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f} s] {message}", flush=True)

    def event(self, message: str) -> float:
        """A moment of the fault timeline, in seconds since the load started."""
        at = time.monotonic() - (self.load_started or self.started)
        self.events.append((at, message))
        self.say(f"load +{at:.1f} s: {message}")
        return at

    def spawn(self, name: str, command: list[str], **kwargs) -> Process:
        log = self.work / f"{name}.log"
        handle = log.open("a")
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=kwargs.pop("env", self.env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        handle.close()
        process = Process(name, popen, log)
        self.processes[name] = process
        return process

    def manage(self, *args: str, env: dict | None = None, quiet: bool = False) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        if not quiet and result.stdout.strip():
            print(result.stdout.strip(), flush=True)
        return result.stdout

    def database_url(self, name: str = "zi_cluster") -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/{name}"

    def sql(self, query: str, database: str = "zi_cluster") -> list[tuple]:
        url = self.database_url(database).replace("postgres://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(query).fetchall()

    # --- the parts ---------------------------------------------------------------------

    def start_postgres(self) -> None:
        port = self.ports["postgres"] = free_port()
        folder = self.work / "pg"
        folder.mkdir()
        shutil.chown(folder, "postgres")
        subprocess.run(
            as_postgres(
                str(PGBIN / "initdb"), "-A", "trust", "-U", "postgres", "-D", f"{folder}/data"
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            as_postgres(
                str(PGBIN / "pg_ctl"),
                "-D",
                f"{folder}/data",
                "-w",
                "-l",
                f"{folder}/server.log",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                "-c shared_buffers=256MB -c fsync=off",
                "start",
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            as_postgres(
                str(PGBIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "zi_cluster",
            ),
            check=True,
        )
        self.say(f"PostgreSQL 15 on 127.0.0.1:{port}")

    def stop_postgres(self) -> None:
        subprocess.run(
            as_postgres(str(PGBIN / "pg_ctl"), "-D", f"{self.work}/pg/data", "-m", "fast", "stop"),
            capture_output=True,
        )

    def start_s3(self) -> None:
        process = self.spawn(
            "s3",
            [PYTHON, "-m", "moto.server", "--host", "127.0.0.1", "--port", "0"],
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(r"Running on http://127\.0\.0\.1:(\d+)", process.log.read_text())
            if found:
                self.ports["s3"] = int(found.group(1))
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("moto did not start: " + process.log.read_text())
        self.s3_client().create_bucket(Bucket=BUCKET)
        self.say(f"S3-compatible server (moto) on 127.0.0.1:{self.ports['s3']}, bucket {BUCKET}")

    def s3_client(self):
        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.ports['s3']}",
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["ZI_S3_ACCESS_KEY"],
            aws_secret_access_key=S3_KEYS["ZI_S3_SECRET_KEY"],
        )

    def configure(self) -> None:
        self.ports["nginx"] = free_port()
        self.ports["app-a"], self.ports["app-b"] = free_port(), free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zi_tracker.settings",
            "DATABASE_URL": self.database_url(),
            "DJANGO_SECRET_KEY": "cluster-rehearsal-only-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_STATIC_ROOT": str(self.work / "static"),
            # Nothing may be written here: verify.py fails the run if the folder appears.
            "DJANGO_MEDIA_ROOT": str(self.work / "media-must-stay-empty"),
            "ZI_S3_BUCKET": BUCKET,
            "ZI_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
            "ZI_S3_REGION": "us-east-1",
            **S3_KEYS,
            "ZI_PROXY_COUNT": "1",
            "ZI_LOG_FORMAT": "plain",
            "DJANGO_LOG_LEVEL": "WARNING",
            "ZI_PRINT_JOB_STALL_MINUTES": "1",
            "ZI_DECLARATIONS_PRINT_THRESHOLD": "3",
            "ZI_PUBLIC_BASE_URL": f"http://127.0.0.1:{self.ports['nginx']}",
        }

    def prepare_data(self) -> None:
        for args in (("migrate", "--noinput"), ("createcachetable",), ("load_catalogs",)):
            self.manage(*args, quiet=True)
        self.manage("collectstatic", "--noinput", "-v0")
        subprocess.run(
            [
                PYTHON,
                "benchmarks/cluster/setup_data.py",
                str(self.work / "accounts.json"),
                "--users",
                str(self.users),
                "--printers",
                str(self.printers),
            ],
            cwd=ROOT,
            env=self.env,
            check=True,
        )

    def healthy(self, port: int, timeout: float = 60) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - began
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"nothing healthy on port {port}")

    def start_app(self, name: str) -> float:
        began = time.monotonic()
        self.spawn(
            name,
            [
                str(BIN / "gunicorn"),
                "zi_tracker.wsgi",
                "--no-control-socket",
                "--bind",
                f"127.0.0.1:{self.ports[name]}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ],
        )
        self.healthy(self.ports[name])
        return time.monotonic() - began

    def start_worker(self, name: str) -> None:
        # As the systemd unit does: take back what this worker id had, then work.
        out = self.manage("recover_jobs", f"--worker-id=cluster-{name}", quiet=True)
        self.recoveries.extend(line for line in out.splitlines() if "started again" in line)
        self.spawn(
            name,
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--queue-name",
                "default",
                "--interval",
                "0.5",
                "--no-startup-delay",
                "--no-reload",
                f"--worker-id=cluster-{name}",
            ],
        )

    def start_nginx(self) -> None:
        for folder in ("nginx-body", "nginx-proxy"):
            (self.work / folder).mkdir(mode=0o777)
            (self.work / folder).chmod(0o777)
        upstream = "\n".join(
            f"        server 127.0.0.1:{self.ports[name]} max_fails=1 fail_timeout=5s;"
            for name in ("app-a", "app-b")
        )
        config = self.work / "nginx.conf"
        config.write_text(f"""
worker_processes 1;
pid {self.work}/nginx.pid;
error_log {self.work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format cluster '$msec $request_method $uri $status "$upstream_addr" "$upstream_status" $request_time';
    access_log {self.work}/nginx-access.log cluster;
    client_body_temp_path {self.work}/nginx-body;
    proxy_temp_path {self.work}/nginx-proxy;
    client_max_body_size 30m;
    client_body_buffer_size 1m;
    upstream zi_app {{
{upstream}
    }}
    server {{
        listen 127.0.0.1:{self.ports["nginx"]};
        location / {{
            proxy_pass http://zi_app;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # A failed GET/HEAD goes to the other server; a POST only if it never reached one.
            proxy_next_upstream error timeout http_502 http_503 http_504;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 20s;
        }}
    }}
}}
""")
        self.spawn("nginx", [NGINX, "-p", str(self.work), "-c", str(config), "-g", "daemon off;"])
        self.healthy(self.ports["nginx"])
        self.say(
            f"nginx on 127.0.0.1:{self.ports['nginx']} → app servers on "
            f"{self.ports['app-a']} and {self.ports['app-b']}"
        )

    def recovery_sweep(self, stop: threading.Event) -> None:
        """The per-minute timer of production (ops/systemd/zi-tracker-recover.timer), every 20 s."""
        while not stop.wait(20):
            try:
                out = self.manage("recover_jobs", quiet=True)
            except RuntimeError as error:
                self.say(f"recovery sweep failed: {error}")
                continue
            for line in out.splitlines():
                if "started again" in line:
                    self.recoveries.append(line)
                    self.event(f"recovery sweep restarted {line.split(':')[0]}")

    # --- step 2: what one server keeps, the other sees -----------------------------------

    def shared_state_checks(self) -> dict:
        accounts = json.loads((self.work / "accounts.json").read_text())["probe"]
        a = f"http://127.0.0.1:{self.ports['app-a']}"
        b = f"http://127.0.0.1:{self.ports['app-b']}"

        def sign_in(session, base, username, password):
            token = CSRF.search(session.get(f"{base}/masuk/").text).group(1)
            return session.post(
                f"{base}/masuk/",
                {"username": username, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base}/masuk/"},
                allow_redirects=False,
            )

        checks = {}
        person = requests.Session()
        signed = (
            sign_in(person, a, accounts["coordinator"], accounts["password"]).status_code == 302
        )
        home = person.get(f"{b}/", allow_redirects=False)
        checks["session made on A is signed in on B"] = signed and home.status_code == 200

        intruder = requests.Session()
        for attempt in range(5):
            sign_in(intruder, (a, b)[attempt % 2], accounts["locked"], "wrong-password-0")
        locked = sign_in(intruder, b, accounts["locked"], accounts["password"])
        checks["5 failures split over A and B lock the account on both"] = locked.status_code == 429

        cycle, code = accounts["cycle"], "A.MP.PMN.i.b"
        editors = []
        for base in (a, b):
            session = requests.Session()
            sign_in(session, base, accounts["coordinator"], accounts["password"])
            page = session.get(f"{base}/siklus/{cycle}/area/A.MP/").text
            block = page.split(f'id="q-{code.replace(".", "-")}"', 1)[-1]
            version = re.search(r'name="version" value="(\d+)"', block).group(1)
            editors.append((session, base, CSRF.search(page).group(1), version))
        answers = []
        for (session, base, token, version), option in zip(editors, ("A", "B"), strict=True):
            answers.append(
                session.post(
                    f"{base}/siklus/{cycle}/jawab/{code}/",
                    {
                        "csrfmiddlewaretoken": token,
                        "option": option,
                        "note": "",
                        "version": version,
                    },
                    headers={"HX-Request": "true", "Referer": f"{base}/siklus/{cycle}/area/A.MP/"},
                ).text
            )
        checks["a save on A, then a stale save on B: the second is refused as a conflict"] = (
            SAVED in answers[0]
            and SAVED not in answers[1]
            and "sejak halaman Anda dibuka" in answers[1]
        )

        self.manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.core.cache import cache; cache.set('klaster', 'dari proses A', 600)",
            quiet=True,
        )
        seen = self.manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.core.cache import cache; print(cache.get('klaster'))",
            quiet=True,
        )
        checks["a cache entry set by one process is read by another"] = (
            seen.strip() == "dari proses A"
        )
        for name, ok in checks.items():
            self.say(f"shared state: {'ok  ' if ok else 'FAIL'} {name}")
        return checks

    # --- step 3: load and faults -------------------------------------------------------

    def running_task_worker(self) -> str | None:
        rows = self.sql(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        )
        ids = [row[0][-1] for row in rows if row[0]]
        return ids[0] if ids else None

    def faults(self, plan: dict, done: threading.Event) -> None:
        def at(seconds: float) -> bool:
            while time.monotonic() - self.load_started < seconds:
                if done.wait(0.2):
                    return False
            return True

        if not at(plan["kill_app"]):
            return
        self.processes["app-a"].kill()
        self.faults_seen["app killed"] = time.time()
        self.event("app server A killed (SIGKILL to gunicorn and its workers)")

        if not at(plan["kill_worker"]):
            return
        victim = None
        while victim is None and time.monotonic() - self.load_started < plan["kill_worker"] + 40:
            found = self.running_task_worker()
            victim = found.removeprefix("cluster-") if found else None
            if victim is None and done.wait(0.3):
                return
        in_flight = victim is not None
        victim = victim or "worker-1"
        self.processes[victim].kill()
        self.faults_seen["worker killed"] = time.time()
        self.faults_seen["worker"] = victim
        self.event(
            f"{victim} killed (SIGKILL)"
            + (" while building a print job" if in_flight else ", idle")
        )

        if not at(plan["restart_app"]):
            return
        took = self.start_app("app-a")
        self.event(f"app server A started again; healthy after {took:.1f} s")

        if not at(plan["restart_worker"]):
            return
        self.start_worker(victim)
        self.event(f"{victim} started again")

    def run_load(self, duration: int, plan: dict) -> None:
        ledger = self.work / "ledger.jsonl"
        ledger.touch()
        environment = {
            **os.environ,
            "ZI_CLUSTER_ACCOUNTS": str(self.work / "accounts.json"),
            "ZI_CLUSTER_LEDGER": str(ledger),
        }
        done = threading.Event()
        self.load_started = time.monotonic()
        self.event(f"locust starts: {self.users} people and {self.printers} printing admins")
        chaos = threading.Thread(target=self.faults, args=(plan, done), daemon=True)
        chaos.start()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "benchmarks/cluster/locustfile.py",
                "--headless",
                "--host",
                f"http://127.0.0.1:{self.ports['nginx']}",
                "-u",
                str(self.users + self.printers),
                "-r",
                "10",
                "-t",
                f"{duration}s",
                "--stop-timeout",
                "15",
                "--csv",
                str(self.work / "stats"),
                "--json-file",
                str(self.work / "stats"),
                "--only-summary",
            ],
            cwd=ROOT,
            env=environment,
            stdout=(self.work / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
            check=False,
        )
        done.set()
        chaos.join(timeout=120)
        self.event("locust stopped")

    def drain_print_jobs(self, timeout: float = 180) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            left = self.sql(
                "SELECT count(*) FROM declarations_printjob WHERE status IN ('queued', 'running')"
            )[0][0]
            if not left:
                return time.monotonic() - began
            time.sleep(2)
        return time.monotonic() - began

    # --- step 4: what failed, and restore -----------------------------------------------

    def http_figures(self) -> dict:
        """locust's counts per journey, and nginx's log read against the moment of the kill."""
        # The final figures locust writes as it quits (its CSV files are written every second,
        # so they can miss the requests finished while the users stop).
        entries = json.loads((self.work / "stats.json").read_text())
        journeys = [
            journey(e["name"], e["num_requests"], e["num_failures"], e["response_times"])
            for e in sorted(entries, key=lambda e: e["name"])
        ]
        total_times: Counter = Counter()
        for entry in entries:
            total_times.update({int(ms): n for ms, n in entry["response_times"].items()})
        journeys.append(
            journey(
                "Aggregated",
                sum(j["requests"] for j in journeys),
                sum(j["failures"] for j in journeys),
                total_times,
            )
        )
        killed_at = self.faults_seen.get("app killed")
        a = f"127.0.0.1:{self.ports['app-a']}"
        served = 0
        retried: Counter = Counter()
        errors = []
        for line in (self.work / "nginx-access.log").read_text().splitlines():
            found = re.match(r'(\S+) (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)" (\S+)', line)
            if not found:
                continue
            ended, method, path, status = float(found[1]), found[2], found[3], int(found[4])
            upstreams, duration = found[5], float(found[7])
            served += 1
            if "," in upstreams:
                retried[method] += 1
            if status >= 500:
                began = ended - duration
                in_flight = (
                    killed_at is not None
                    and a in upstreams.split(",")[0]
                    and began <= killed_at + 0.05
                    and ended >= killed_at - 0.05
                )
                errors.append(
                    {
                        "method": method,
                        "path": path,
                        "status": status,
                        "upstream": upstreams,
                        "in_flight_on_the_killed_server": in_flight,
                    }
                )
        # What the clients saw fail (the ledger), each placed against the moment of the kill:
        # in flight when it began before the kill and ended after it.
        failures = []
        for line in (self.work / "ledger.jsonl").read_text().splitlines():
            entry = json.loads(line)
            if entry["kind"] != "failure":
                continue
            began = entry["t"] - (entry["ms"] or 0) / 1000
            entry["in_flight_on_the_killed_server"] = (
                killed_at is not None
                and began <= killed_at + 0.05
                and entry["t"] >= killed_at - 0.05
            )
            failures.append(entry)
        total = next(j for j in journeys if j["name"] == "Aggregated")
        return {
            "journeys": journeys,
            "failures": failures,
            "failures_in_flight": sum(f["in_flight_on_the_killed_server"] for f in failures),
            "failures_not_in_flight": sum(
                not f["in_flight_on_the_killed_server"] for f in failures
            ),
            "requests": total["requests"],
            "failed": total["failures"],
            "nginx_served": served,
            "nginx_retried_on_the_other_server": dict(retried),
            "errors_seen_by_clients": errors,
            "errors_not_in_flight": sum(not e["in_flight_on_the_killed_server"] for e in errors),
        }

    def restore_rehearsal(self) -> dict:
        began = time.monotonic()
        backup = self.work / "backup"
        subprocess.run(
            ["ops/backup.sh", str(backup)], cwd=ROOT, env=self.env, check=True, capture_output=True
        )
        took_backup = time.monotonic() - began
        subprocess.run(
            as_postgres(
                str(PGBIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports["postgres"]),
                "-U",
                "postgres",
                "zi_restored",
            ),
            check=True,
        )
        restored_env = {
            **self.env,
            "DATABASE_URL": self.database_url("zi_restored"),
            "ZI_S3_BUCKET": f"{BUCKET}-restored",
        }
        subprocess.run(
            ["ops/restore.sh", str(backup)],
            cwd=ROOT,
            env=restored_env,
            check=True,
            capture_output=True,
        )
        took = time.monotonic() - began

        tables = [
            row[0]
            for row in self.sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        count_all = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        before, after = dict(self.sql(count_all)), dict(self.sql(count_all, database="zi_restored"))
        client = self.s3_client()

        def objects(bucket):
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            return {
                o["Key"]: (o["Size"], o["ETag"]) for page in pages for o in page.get("Contents", [])
            }

        original, copy = objects(BUCKET), objects(f"{BUCKET}-restored")
        result = subprocess.run(
            [
                PYTHON,
                "benchmarks/cluster/verify.py",
                "--files-only",
                str(self.work / "restored.json"),
            ],
            cwd=ROOT,
            env=restored_env,
            capture_output=True,
            text=True,
        )
        files = json.loads((self.work / "restored.json").read_text())["files"]
        return {
            "tables": len(tables),
            "rows": sum(before.values()),
            "tables_differing": sorted(t for t in tables if before.get(t) != after.get(t)),
            "objects": len(original),
            "bytes": sum(size for size, _etag in original.values()),
            "objects_differing": len(set(original.items()) ^ set(copy.items())),
            "files_named_by_restored_rows": files["named"],
            "files_missing_after_restore": files["missing"] + files["corrupt"],
            "verify_exit": result.returncode,
            "backup_seconds": round(took_backup, 1),
            "backup_and_restore_seconds": round(took, 1),
        }

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.processes[name].stop()
        self.stop_postgres()


# --- the report ---------------------------------------------------------------------------


def markdown(report: dict) -> str:
    http, data, restore = report["http"], report["data"], report["restore"]
    jobs, answers, uploads = data["print_jobs"], data["answers"], data["uploads"]
    lines = [
        MARK_BEGIN,
        f"Last run {report['date']} on this machine (2 cores, everything on 127.0.0.1): "
        f"{report['users']} people and {report['printers']} printing admins for "
        f"{report['duration']} s; the whole rehearsal took {report['total_seconds']:.0f} s.",
        "",
        "```",
        f"{'journey':<28} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}",
        *(
            f"{j['name']:<28} {j['requests']:>9} {j['failures']:>9} {j['p50']:>8} {j['p95']:>8}"
            for j in http["journeys"]
        ),
        "```",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests made by the clients (locust) | {http['requests']:,} ({http['requests'] / report['duration']:.1f}/s) |",
        f"| requests nginx passed on | {http['nginx_served']:,} |",
        f"| failed requests seen by clients | {len(http['failures'])} |",
        f"| … in flight on app server A when it was killed | {http['failures_in_flight']}: "
        f"{failure_kinds(http['failures'])} |",
        f"| … at any other moment | **{http['failures_not_in_flight']}** |",
        f"| requests that failed on A and nginx passed to B | "
        f"{retried_kinds(http['nginx_retried_on_the_other_server'])} |",
        f"| answers confirmed saved / lost | {answers['saves_confirmed']} / **{answers['lost']}** |",
        f"| … failed for the client yet committed (answers, uploads) | "
        f"{answers['committed_though_the_client_saw_an_error']}, "
        f"{uploads['committed_though_the_client_saw_an_error']} |",
        f"| evidence uploads confirmed ({uploads['bytes_confirmed'] / 1e6:.1f} MB) / lost | "
        f"{uploads['confirmed']} / **{uploads['lost']}** |",
        f"| downloads whose SHA-256 matched the upload | {data['downloads']['same_bytes']} "
        f"(different: {data['downloads']['different_bytes']}) |",
        f"| files named by rows, all in the bucket | {data['files']['named']} "
        f"(missing {data['files']['missing']}, corrupt {data['files']['corrupt']}) |",
        f"| print jobs started / done | {jobs['started']} / {jobs['done']} |",
        f"| … finished per worker | {', '.join(f'{w}: {n}' for w, n in sorted(jobs['finished_by_worker'].items()))} |",
        f"| … left by the killed worker, started again, finished by the other | "
        f"{jobs['restarted_after_a_worker_stopped']}, {jobs['finished_by_another_worker']} |",
        f"| written to local disk (MEDIA_ROOT) | {'yes' if data['local_media_folder_created'] else 'nothing'} |",
        f"| **lost** | **{data['lost']}** |",
        "",
        "Faults, in seconds after the load started:",
        "",
        *(f"- {at:.0f} s — {text}" for at, text in report["events"]),
        "",
        "Shared between the two app servers:",
        "",
        *(f"- {'✓' if ok else '✗'} {name}" for name, ok in report["shared"].items()),
        "",
        f"Restore rehearsal: `ops/backup.sh` then `ops/restore.sh` into an empty database and "
        f"an empty bucket in {restore['backup_and_restore_seconds']:.0f} s (backup "
        f"{restore['backup_seconds']:.0f} s): {restore['tables']} tables and "
        f"{restore['rows']:,} rows, {len(restore['tables_differing'])} tables differing; "
        f"{restore['objects']} objects ({restore['bytes'] / 1e6:.1f} MB), "
        f"{restore['objects_differing']} differing; {restore['files_named_by_restored_rows']} "
        f"files named by the restored rows, {restore['files_missing_after_restore']} missing.",
        MARK_END,
    ]
    return "\n".join(lines)


def retried_kinds(retried: dict[str, int]) -> str:
    """'12 (8 GET, 4 POST that never reached A)': nginx resends a POST only if A never had it."""
    parts = [f"{retried.get('GET', 0)} GET"]
    if retried.get("POST"):
        parts.append(f"{retried['POST']} POST that never reached A")
    return f"{sum(retried.values())} ({', '.join(parts)})"


def failure_kinds(failures: list[dict]) -> str:
    """'3 × POST save answer (htmx): 502, 1 × GET area page: cut off mid-response'."""
    kinds = Counter(
        (
            f["method"],
            f["name"],
            "cut off mid-response"
            if "IncompleteRead" in f["error"] or "Connection broken" in f["error"]
            else (re.search(r"\b(\d{3})\b", f["error"]) or [None, f["error"][:40]])[1],
        )
        for f in failures
        if f["in_flight_on_the_killed_server"]
    )
    return ", ".join(f"{n} × {method} {name}: {what}" for (method, name, what), n in kinds.items())


def write_benchmarks(section: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text()
    if MARK_BEGIN not in text:
        raise SystemExit(f"BENCHMARKS.md has no {MARK_BEGIN} marker")
    head, rest = text.split(MARK_BEGIN, 1)
    tail = rest.split(MARK_END, 1)[1]
    path.write_text(head + section + tail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--printers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=210, help="seconds of load")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    plan = {"kill_app": 45, "kill_worker": 60, "restart_app": 95, "restart_worker": 150}
    if args.duration < plan["restart_worker"] + 30:
        parser.error(f"--duration must be at least {plan['restart_worker'] + 30} s")
    work = Path(tempfile.mkdtemp(prefix="zi-cluster."))
    work.chmod(0o755)
    cluster = Cluster(work=work, users=args.users, printers=args.printers)
    stop_sweep = threading.Event()
    try:
        cluster.start_postgres()
        cluster.start_s3()
        cluster.configure()
        cluster.prepare_data()
        for name in ("app-a", "app-b"):
            cluster.start_app(name)
        cluster.start_nginx()
        for name in ("worker-1", "worker-2"):
            cluster.start_worker(name)
        sweep = threading.Thread(target=cluster.recovery_sweep, args=(stop_sweep,), daemon=True)
        sweep.start()
        shared = cluster.shared_state_checks()
        cluster.run_load(args.duration, plan)
        waited = cluster.drain_print_jobs()
        cluster.event(f"all print jobs finished {waited:.0f} s after the load")
        stop_sweep.set()
        subprocess.run(
            [
                PYTHON,
                "benchmarks/cluster/verify.py",
                str(work / "ledger.jsonl"),
                str(work / "verify.json"),
            ],
            cwd=ROOT,
            env=cluster.env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        data = json.loads((work / "verify.json").read_text())
        http = cluster.http_figures()
        cluster.say("restore rehearsal: backup, then restore into an empty database and bucket")
        restore = cluster.restore_rehearsal()
        report = {
            "date": datetime.date.today().isoformat(),
            "users": args.users,
            "printers": args.printers,
            "duration": args.duration,
            "events": cluster.events,
            "shared": shared,
            "http": http,
            "data": data,
            "restore": restore,
            "total_seconds": time.monotonic() - cluster.started,
        }
        (work / "report.json").write_text(json.dumps(report, indent=1))
        section = markdown(report)
        print(section)
        if not args.no_write:
            write_benchmarks(section)
            cluster.say("figures written to BENCHMARKS.md")
        problems = [
            *(f"shared state: {name}" for name, ok in shared.items() if not ok),
            *([f"lost: {data['lost']}"] if data["lost"] else []),
            *(
                [f"{http['failures_not_in_flight']} failures outside the kill"]
                if http["failures_not_in_flight"]
                else []
            ),
            *(
                [f"restore differs: {restore}"]
                if restore["tables_differing"]
                or restore["objects_differing"]
                or restore["files_missing_after_restore"]
                or restore["verify_exit"]
                else []
            ),
        ]
        for problem in problems:
            cluster.say(f"PROBLEM: {problem}")
        return 1 if problems else 0
    finally:
        stop_sweep.set()
        cluster.stop_all()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
