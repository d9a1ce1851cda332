#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into the database named by DATABASE_URL (which
# should be empty: a new database, or one you mean to replace) and DJANGO_MEDIA_ROOT.
# Usage:  ops/restore.sh BACKUP_DIR
# The SHA-256 sums are checked first; nothing is touched if they do not match.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
SOURCE="${1:?usage: ops/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-$PWD/media}"
( cd "$SOURCE" && sha256sum --check --quiet SHA256SUMS )
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$SOURCE/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$SOURCE/media.tar.gz" --directory="$MEDIA_ROOT"
echo "Restored $SOURCE into the database and $MEDIA_ROOT"
