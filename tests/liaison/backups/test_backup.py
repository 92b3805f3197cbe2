"""Backup and restore (`manage.py backup FILE`, `manage.py restore FILE --yes`): the demo data,
backed up, survives the database being emptied and comes back row for row — every model,
the history tables, the users and the many-to-many tables among them.

One seed_demo run per database (it takes a few seconds). transaction=True: SQLite's backup API
cannot copy into a connection inside a transaction, and pg_restore works in its own session.
"""

import io
import sqlite3

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from liaison.models import Opinion
from records.models import CalendarDay, Problem, VisitRecord
from unions.models import LiaisonAssignment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OURS = ("unions", "records", "liaison")


def every_model():
    """Every table Django knows, with the auto-created many-to-many tables."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.db_table: model._default_manager.count() for model in every_model()}


@pytest.fixture
def demo_data(settings):
    settings.DEBUG = True
    call_command("seed_demo", cadres=12, unions=30, stdout=io.StringIO())
    # Rows of the models whose history began with this work, so they are in the backup too.
    Opinion.objects.create(
        union=LiaisonAssignment.objects.first().union, text="食堂饭菜价格偏高", address_hash="x"
    )
    CalendarDay.objects.create(date="2026-12-31", is_working_day=False, note="测试")
    counts = row_counts()
    # The demo is what the test says it is: records, problems and their history are there.
    for table in (
        VisitRecord._meta.db_table,
        Problem._meta.db_table,
        VisitRecord.history.model._meta.db_table,
        Problem.history.model._meta.db_table,
        LiaisonAssignment.history.model._meta.db_table,
        Opinion.history.model._meta.db_table,
        CalendarDay.history.model._meta.db_table,
    ):
        assert counts[table] > 0, table
    return counts


def emptied() -> dict[str, int]:
    """Empty the database as a lost one would be (flush keeps only what migrations re-create:
    content types, permissions, the role groups)."""
    call_command("flush", interactive=False, verbosity=0)
    counts = row_counts()
    for model in every_model():
        if model._meta.app_label in OURS:
            assert counts[model._meta.db_table] == 0, model
    return counts


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup API")


def test_a_sqlite_backup_is_a_complete_database_of_its_own(sqlite_only, demo_data, tmp_path):
    backup = tmp_path / "liaison-backup.sqlite3"

    call_command("backup", str(backup), stdout=io.StringIO())

    # Read with sqlite3 alone, apart from Django: every table holds the rows counted.
    copy = sqlite3.connect(backup)
    try:
        in_copy = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in demo_data
        }
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()
    assert in_copy == demo_data


def test_the_demo_data_is_restored_row_for_row_after_the_database_is_lost(demo_data, tmp_path):
    backup = tmp_path / "liaison-backup.dump"
    record = VisitRecord.objects.order_by("pk").last()
    record_history = list(record.history.values_list("history_user_id", "history_date", "status"))
    call_command("backup", str(backup), stdout=io.StringIO())

    assert emptied() != demo_data
    out = io.StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)

    assert row_counts() == demo_data
    restored = VisitRecord.objects.get(pk=record.pk)
    assert (restored.cadre_id, restored.status, restored.version) == (
        record.cadre_id,
        record.status,
        record.version,
    )
    assert (
        list(restored.history.values_list("history_user_id", "history_date", "status"))
        == record_history
    )
    assert str(backup) in out.getvalue()


def test_a_restore_without_yes_changes_nothing(sqlite_only, tmp_path, alice):
    backup = tmp_path / "empty.sqlite3"
    call_command("backup", str(backup), stdout=io.StringIO())
    alice.user.username = "alice2"
    alice.user.save()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup))

    alice.user.refresh_from_db()
    assert alice.user.username == "alice2"


def test_a_file_that_is_not_a_backup_is_refused(sqlite_only, tmp_path, alice):
    not_a_backup = tmp_path / "notes.sqlite3"
    not_a_backup.write_bytes(b"just some text, not a database" * 100)

    with pytest.raises(CommandError, match="notes.sqlite3"):
        call_command("restore", str(not_a_backup), "--yes")

    assert VisitRecord.objects.count() == 0
    assert alice.user.__class__.objects.filter(username="alice").exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "nowhere.dump"), "--yes")
