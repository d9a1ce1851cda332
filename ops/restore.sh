#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into the database named by DATABASE_URL (which
# should be empty: a new database, or one you mean to replace) and into the file storage:
# the bucket named by ZI_S3_* when set (it is made if missing), else DJANGO_MEDIA_ROOT.
# Usage:  ops/restore.sh BACKUP_DIR
# The SHA-256 sums are checked first; nothing is touched if they do not match. After the
# copy into a bucket, rclone compares every object with the backup (size and checksum).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
. ops/storage.sh
SOURCE="${1:?usage: ops/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
( cd "$SOURCE" && sha256sum --check --quiet SHA256SUMS )
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$SOURCE/database.dump"
if [ -n "${ZI_S3_BUCKET:-}" ]; then
  FILES=$(mktemp -d)
  trap 'rm -rf "$FILES"' EXIT
  tar --extract --gzip --file="$SOURCE/media.tar.gz" --directory="$FILES"
  rclone mkdir "$(bucket_remote)"
  rclone copy --checksum "$FILES" "$(bucket_remote)"
  rclone check --one-way "$FILES" "$(bucket_remote)"
  echo "Restored $SOURCE into the database and the bucket $ZI_S3_BUCKET"
else
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$SOURCE/media.tar.gz" --directory="$MEDIA_ROOT"
  echo "Restored $SOURCE into the database and $MEDIA_ROOT"
fi
