#!/usr/bin/env bash
# The two-node rehearsal on this machine (127.0.0.1 only): PostgreSQL, an S3-compatible
# server (moto), two gunicorn app servers behind nginx, two task workers; a bounded locust
# run while one app server and one worker are killed and started again; then the data is
# checked against what the clients were told, a backup is restored into an empty database
# and bucket, and the figures go into BENCHMARKS.md. About 7 minutes on 2 cores.
#
#   ops/cluster.sh [--users 30] [--duration 210] [--no-write] [--keep]      (or: make cluster)
#
# Needs root (PostgreSQL runs as its own user) and Debian's postgresql-15, nginx and
# rclone: missing ones are installed when run as root. See benchmarks/cluster/rehearsal.py.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v rclone >/dev/null || missing+=(rclone)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ops/cluster.sh needs these Debian packages: ${missing[*]} (apt-get install them as root)" >&2
    exit 2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/locust ] || make .venv/.installed >/dev/null
exec .venv/bin/python benchmarks/cluster/rehearsal.py "$@"
