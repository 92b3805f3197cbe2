"""deploy/backup.sh, as liaison-backup.service runs it: a dated backup, the uploads copied,
only the newest BACKUP_KEEP_DAYS kept — and, on PostgreSQL, the restore of README's
"Back up and restore" brings the data back."""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
BACKUP_SH = ROOT / "deploy" / "backup.sh"
TODAY = f"liaison-{date.today():%Y-%m-%d}.dump"


def environment(**values) -> dict[str, str]:
    """The production settings (liaison.settings, not the tests'), as the env file gives them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="liaison.settings",
        DEBUG="false",
        SECRET_KEY="tests-only-not-a-secret",
        LIAISON_PYTHON=sys.executable,
        **values,
    )
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage(env: dict[str, str], *arguments: str) -> str:
    return run([sys.executable, "manage.py", *arguments], env).stdout


@pytest.fixture
def sqlite_site(tmp_path):
    """An SQLite installation: its database, its uploads, its backup folder."""
    media = tmp_path / "media"
    (media / "attachments" / "2026" / "11").mkdir(parents=True)
    (media / "attachments" / "2026" / "11" / "photo.png").write_bytes(b"PNG")
    return environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(tmp_path / "backups"),
        BACKUP_KEEP_DAYS="3",
    )


def test_a_night_writes_todays_backup_and_copies_the_uploads(sqlite_site):
    run([str(BACKUP_SH)], sqlite_site)

    backups = Path(sqlite_site["BACKUP_DIR"])
    assert (backups / TODAY).stat().st_size > 0
    assert not list(backups.glob("*.partial"))
    assert (backups / "media" / "attachments" / "2026" / "11" / "photo.png").read_bytes() == b"PNG"
    assert oct((backups / TODAY).stat().st_mode & 0o777) == "0o600"


def test_only_the_newest_backups_are_kept(sqlite_site):
    backups = Path(sqlite_site["BACKUP_DIR"])
    backups.mkdir()
    for day in range(1, 7):
        (backups / f"liaison-2020-01-0{day}.dump").write_text("old")
    (backups / "notes.txt").write_text("not a backup")
    (backups / "liaison-2020-01-07.dump.partial").write_text("an interrupted night")

    run([str(BACKUP_SH)], sqlite_site)

    assert sorted(path.name for path in backups.iterdir()) == [
        "liaison-2020-01-05.dump",
        "liaison-2020-01-06.dump",
        "liaison-2020-01-07.dump.partial",
        TODAY,
        "media",
        "notes.txt",
    ]


def test_a_failed_backup_deletes_nothing(sqlite_site):
    backups = Path(sqlite_site["BACKUP_DIR"])
    backups.mkdir()
    for day in range(1, 7):
        (backups / f"liaison-2020-01-0{day}.dump").write_text("old")
    sqlite_site["DATABASE_URL"] = "sqlite:////nonexistent-folder/db.sqlite3"

    result = subprocess.run(
        [str(BACKUP_SH)], cwd=ROOT, env=sqlite_site, capture_output=True, check=False
    )

    assert result.returncode != 0
    assert len(list(backups.glob("liaison-*.dump"))) == 6


def test_keeping_no_backup_is_refused(sqlite_site):
    sqlite_site["BACKUP_KEEP_DAYS"] = "0"

    result = subprocess.run(
        [str(BACKUP_SH)], cwd=ROOT, env=sqlite_site, capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert "BACKUP_KEEP_DAYS" in result.stderr


# --- PostgreSQL: back up, lose data, restore ---------------------------------------------------

SERVER_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture
def scratch_postgres():
    """A database of its own beside the one DATABASE_URL names, migrated, dropped after."""
    if not SERVER_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL only: set DATABASE_URL=postgres://…")
    parts = urlsplit(SERVER_URL)
    name = f"{parts.path.lstrip('/') or 'liaison'}_restore_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DEPARTMENTS = (
    "from unions.models import Department; "
    "print(sorted(Department.objects.values_list('name', flat=True)))"
)


def test_the_documented_restore_brings_back_what_the_backup_holds(scratch_postgres, tmp_path):
    env = environment(
        DATABASE_URL=scratch_postgres,
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path / "backups"),
        BACKUP_KEEP_DAYS="3",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from unions.models import Department; "
        "Department.objects.create(name='宣传教育部'); "
        "Department.objects.create(name='法律工作部')",
    )

    run([str(BACKUP_SH)], env)  # the night's backup
    backup = tmp_path / "backups" / TODAY
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    # The day after: one department deleted, one added — then the restore.
    manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from unions.models import Department; "
        "Department.objects.filter(name='法律工作部').delete(); "
        "Department.objects.create(name='办公室')",
    )
    assert manage(env, "shell", "-v0", "-c", DEPARTMENTS).strip() == "['办公室', '宣传教育部']"

    manage(env, "restore", str(backup), "--yes")

    assert manage(env, "shell", "-v0", "-c", DEPARTMENTS).strip() == "['宣传教育部', '法律工作部']"
