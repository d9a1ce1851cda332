#!/usr/bin/env bash
# Back up ZI Tracker: the PostgreSQL database (pg_dump, custom format) and every stored file
# (evidence, logos, signed PDFs, print jobs) with a manifest of SHA-256 sums.
# Usage:  ops/backup.sh [TARGET_DIR]   (default: ./backups/<timestamp>)
# Reads DATABASE_URL and either ZI_S3_* (files in an S3-compatible bucket, copied with
# rclone from Debian's package) or DJANGO_MEDIA_ROOT (files on local disk); .env beside
# manage.py is read too. The files land in media.tar.gz either way, so a backup of one kind
# of storage restores into the other.
#
# The database is dumped first, then the files are copied: every file is stored before the
# row that names it is committed, so every file the dump names is in the copy (a print-job
# zip pruned in between is the one exception, and its page says "print again").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
. ops/storage.sh
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh backs up PostgreSQL only (DATABASE_URL=$DATABASE_URL)" >&2; exit 2;; esac
TARGET="${1:-backups/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$TARGET"
pg_dump --format=custom --no-owner --no-privileges --file="$TARGET/database.dump" "$DATABASE_URL"
if [ -n "${ZI_S3_BUCKET:-}" ]; then
  FILES="$TARGET/files.partial"  # beside the backup, where there is room for it
  trap 'rm -rf "$FILES"' EXIT
  rclone copy --checksum "$(bucket_remote)" "$FILES"
  tar --create --gzip --file="$TARGET/media.tar.gz" --directory="$FILES" .
  echo "Bucket $ZI_S3_BUCKET: $(find "$FILES" -type f | wc -l) files"
elif [ -d "$MEDIA_ROOT" ]; then
  tar --create --gzip --file="$TARGET/media.tar.gz" --directory="$MEDIA_ROOT" .
else
  tar --create --gzip --file="$TARGET/media.tar.gz" --files-from=/dev/null
fi
( cd "$TARGET" && sha256sum database.dump media.tar.gz > SHA256SUMS )
echo "Backup written to $TARGET"
cat "$TARGET/SHA256SUMS"
