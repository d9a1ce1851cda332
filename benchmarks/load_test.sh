#!/usr/bin/env bash
# Load test: 50 simulated people for 60 s against gunicorn + PostgreSQL, on this machine only.
#
#   benchmarks/load_test.sh [USERS] [SECONDS]
#
# Starts a throwaway PostgreSQL 15 cluster and gunicorn on 127.0.0.1 (nothing else is
# targeted), builds the data (demo + a 1,000-unit tree + one account per simulated
# person), runs locust headless, prints p50/p95 per page and the error count, stops
# everything. Needs the dev dependencies (locust) and Debian's postgresql-15.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-50}
SECONDS_TO_RUN=${2:-60}
PGBIN=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/zi-load.XXXXXX)
PGPORT=${ZI_LOAD_PGPORT:-54331}
HTTP_PORT=${ZI_LOAD_PORT:-8051}
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
cleanup() {
  # gunicorn first, and wait: requests locust abandoned at the deadline are still
  # being served, and would fail noisily if the database went away under them.
  if [ -n "${GUNICORN_PID:-}" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
chmod 777 "$WORK"
as_postgres "$PGBIN/initdb" -A trust -U postgres -D "$WORK/pg" >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg.log" \
  -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres zi_load

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/zi_load"
export DJANGO_SECRET_KEY=load-test-only-0123456789-abcdefghijklmnopqrstuvwxyz
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export DJANGO_STATIC_ROOT="$WORK/static" DJANGO_MEDIA_ROOT="$WORK/media" ZI_LOG_FORMAT=plain DJANGO_LOG_LEVEL=WARNING
# A whole office behind one address signs in at once: no throttling for this run.
export ZI_LOGIN_FAILURE_LIMIT=1000
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python benchmarks/load/setup_data.py "$WORK/accounts.json" --users "$USERS"
# --keep-alive 5: locust reuses connections after up to 2 s of thinking, and gunicorn's
# default of 2 s would close some just as a request is sent ("connection reset", which
# browsers retry and python-requests does not). In production nginx sits in front and
# opens a fresh upstream connection per request, so the race does not arise there.
.venv/bin/gunicorn zi_tracker.wsgi --no-control-socket --bind "127.0.0.1:$HTTP_PORT" \
  --workers 4 --threads 2 --keep-alive 5 --log-level warning >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null && break; sleep 0.2; done
ZI_LOAD_ACCOUNTS="$WORK/accounts.json" .venv/bin/locust -f benchmarks/load/locustfile.py --headless \
  --host "http://127.0.0.1:$HTTP_PORT" -u "$USERS" -r 10 -t "${SECONDS_TO_RUN}s" \
  --csv "$WORK/stats" --only-summary >"$WORK/locust.log" 2>&1 || true
.venv/bin/python - "$WORK/stats_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'page':<28} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for row in rows:
    print(f"{row['Name']:<28} {row['Request Count']:>9} {row['Failure Count']:>9} {row['50%']:>8} {row['95%']:>8} {float(row['Max Response Time']):>8.0f}")
failures = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")
print(f"errors: {failures}")
sys.exit(1 if failures else 0)
PY
