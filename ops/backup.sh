#!/usr/bin/env bash
# Back up ZI Tracker: the PostgreSQL database (pg_dump, custom format) and the uploaded
# files (evidence, logos, signed PDFs, print jobs) under DJANGO_MEDIA_ROOT, with a manifest
# of SHA-256 sums. Usage:  ops/backup.sh [TARGET_DIR]   (default: ./backups/<timestamp>)
# Reads DATABASE_URL and DJANGO_MEDIA_ROOT (or .env beside manage.py).
# Files on S3-compatible storage are not copied here: use the bucket's versioning or
# `rclone sync` of the bucket (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh backs up PostgreSQL only (DATABASE_URL=$DATABASE_URL)" >&2; exit 2;; esac
MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-$PWD/media}"
TARGET="${1:-backups/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$TARGET"
pg_dump --format=custom --no-owner --no-privileges --file="$TARGET/database.dump" "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar --create --gzip --file="$TARGET/media.tar.gz" --directory="$MEDIA_ROOT" .
else
  tar --create --gzip --file="$TARGET/media.tar.gz" --files-from=/dev/null
fi
( cd "$TARGET" && sha256sum database.dump media.tar.gz > SHA256SUMS )
echo "Backup written to $TARGET"
cat "$TARGET/SHA256SUMS"
