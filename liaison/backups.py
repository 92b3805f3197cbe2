"""Backing up and restoring the whole database: `manage.py backup FILE` and
`manage.py restore FILE --yes`.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), page by page, a consistent
copy even while the site is writing. The backup is itself an SQLite database: it can be opened
with `sqlite3 FILE` to check it. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean
--single-transaction`, with the connection settings Django uses (the same commands can be run by
hand: README, "Backups"). Either way every table is in it: the history tables, the users, the
sessions, the admin log. Uploaded files (MEDIA_ROOT) are files, backed up with the files.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _


class BackupError(Exception):
    """The backup or the restore could not be made; the message says why, in Chinese."""


def backup_database(path: Path) -> None:
    """Write a backup of the database to `path` (replaced if it exists)."""
    path = Path(path)
    if connection.vendor == "sqlite":
        _sqlite_backup(path)
    elif connection.vendor == "postgresql":
        _pg_run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"])
    else:
        raise BackupError(
            _("Backups of a %(vendor)s database are not supported.") % {"vendor": connection.vendor}
        )


def restore_database(path: Path) -> None:
    """Replace the whole database with the backup at `path`. Everything written since the
    backup is lost: the caller asks for confirmation first."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    if connection.vendor == "sqlite":
        _sqlite_restore(path)
    elif connection.vendor == "postgresql":
        _pg_run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )
    else:
        raise BackupError(
            _("Backups of a %(vendor)s database are not supported.") % {"vendor": connection.vendor}
        )
    # Content types are cached per process by id; the restored ids are the backup's.
    ContentType.objects.clear_cache()
    # Pages cached since the backup show data that is gone (the cache may be Redis, outside the
    # backup); a backup from before the cache table has none.
    call_command("createcachetable", verbosity=0)
    cache.clear()


def _sqlite_backup(path: Path) -> None:
    connection.ensure_connection()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        with target:
            connection.connection.backup(target)
    finally:
        target.close()
    # Only a finished copy takes the name: an interrupted backup never looks like a good one.
    os.replace(partial, path)


def _sqlite_restore(path: Path) -> None:
    _check_sqlite_backup(path)
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _check_sqlite_backup(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database of this project."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (check,) = source.execute("PRAGMA quick_check").fetchone()
        ours = source.execute(
            "SELECT COUNT(*) FROM django_migrations WHERE app = 'records'"
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        check, ours = "not a database", 0
    finally:
        source.close()
    if check != "ok" or not ours:
        raise BackupError(
            _("%(path)s is not a backup of this system's SQLite database.") % {"path": path}
        )


def _pg_run(command: list[str]) -> None:
    """Run a PostgreSQL client program against Django's database (connection settings passed
    in the environment, so no password is on the command line)."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(program)s is not installed (Debian/Ubuntu: apt install postgresql-client).")
            % {"program": command[0]}
        )
    settings = connection.settings_dict
    env = {**os.environ}
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(name):
            env[key] = str(settings[name])
    # The connection is closed first: pg_restore --clean drops tables this process may hold.
    connection.close()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )
