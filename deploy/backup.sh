#!/bin/sh
# The nightly backup (liaison-backup.service, or by hand):
#   1. the whole database with `manage.py backup` (PostgreSQL: pg_dump's custom format; SQLite:
#      a copy made through its backup API) into BACKUP_DIR/liaison-YYYY-MM-DD.dump;
#   2. the uploads (MEDIA_ROOT) copied into BACKUP_DIR/media/ (new files only: an upload is
#      never changed in place, and one deleted on the site stays in the copy);
#   3. only the newest BACKUP_KEEP_DAYS dated backups kept (one a night: that many days),
#      counted by the date in the name, so a week of failed nights never deletes the last good
#      ones.
# Restore: README, "Back up and restore". Settings come from the environment (the unit's
# EnvironmentFile): BACKUP_DIR, BACKUP_KEEP_DAYS, MEDIA_ROOT, and what manage.py needs.
set -eu

cd "$(dirname "$0")/.."
BACKUP_DIR="${BACKUP_DIR:-/var/backups/liaison}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
PYTHON="${LIAISON_PYTHON:-.venv/bin/python}"
# settings.py's default when the environment names no MEDIA_ROOT.
MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media}"

case "$BACKUP_KEEP_DAYS" in
    '' | *[!0-9]* | 0) echo "BACKUP_KEEP_DAYS must be a number of backups, 1 or more" >&2; exit 2 ;;
esac

umask 077
mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/liaison-$(date +%Y-%m-%d).dump"
# Written under another name first: an interrupted night never leaves a dated file that
# looks like a good backup.
"$PYTHON" manage.py backup "$target.partial"
mv -f "$target.partial" "$target"
echo "backed up the database to $target"

if [ -d "$MEDIA_ROOT" ]; then
    mkdir -p "$BACKUP_DIR/media"
    cp -R -p -u "$MEDIA_ROOT/." "$BACKUP_DIR/media/"
    echo "copied new uploads from $MEDIA_ROOT to $BACKUP_DIR/media"
fi

# The dated backups, newest first; everything after the first BACKUP_KEEP_DAYS goes.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'liaison-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].dump' \
    | sort -r \
    | tail -n "+$((BACKUP_KEEP_DAYS + 1))" \
    | while read -r old; do
        rm -f "$old"
        echo "deleted $old (keeping the newest $BACKUP_KEEP_DAYS)"
    done
