"""The home page's own part is cached while nothing in the database changes
(liaison/pagecache.py): every committed write gives the data stamp a new token, so what a page
shows is as exact as if it had been computed for the request."""

import contextlib
import datetime
import logging
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from liaison import pagecache
from liaison.models import DataStamp
from tests.factories import (
    CalendarDayFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    VisitRecordFactory,
)
from tests.helpers import sheet
from unions.models import GrassrootsUnion
from unions.roles import Role

pytestmark = pytest.mark.django_db
HOME = reverse("home")


@pytest.fixture(autouse=True)
def _cache_on(settings, db):
    """Caching as in production (tests/settings.py turns it off for every other test), from an
    empty cache. The stamp row comes with the migrations; a test that flushed the database
    (transaction=True) before this one took it away."""
    settings.PAGE_CACHE_SECONDS = 300
    DataStamp.objects.get_or_create(id=1, defaults={"token": 1})
    caches[pagecache.CACHE].clear()
    yield
    caches[pagecache.CACHE].clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Within it, writes act as committed: what they registered to run on commit runs at the
    end of the block (a test's own transaction never commits). What the test wrote before it
    (its fixtures) is committed first: the stamp changes once per transaction, so its callback
    from then would otherwise stand for the block's writes too, outside the capture."""

    @contextlib.contextmanager
    def block():
        earlier = [
            entry for entry in connection.run_on_commit if pagecache.is_stamp_callback(entry[1])
        ]
        for entry in earlier:
            connection.run_on_commit.remove(entry)
            entry[1]()
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def unit(alice):
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def home(client) -> str:
    """The page, but for its CSRF token (masked anew in every response)."""
    response = client.get(HOME)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def test_the_second_visit_reads_no_figures(login, alice, unit, django_assert_num_queries):
    VisitRecordFactory(cadre=alice, union=unit)
    client = login(alice)
    first = queries_for(client)
    # The session, the user, the roles, the stamp, the cadre (menu) and the unread count.
    with django_assert_num_queries(6):
        assert client.get(HOME).status_code == 200
    assert first >= 6 + 8  # the units, progress, worklist and recent sheets


def test_the_cached_page_is_the_page(login, alice, unit, settings):
    VisitRecordFactory(cadre=alice, union=unit)
    client = login(alice)
    fresh = home(client)
    assert home(client) == fresh
    settings.PAGE_CACHE_SECONDS = 0
    assert home(client) == fresh


def test_a_filed_sheet_counts_at_once(login, alice, unit, committed):
    client = login(alice)
    assert 'data-testid="records-this-year">0<' in home(client)
    with committed():
        response = client.post(reverse("records:record-create"), sheet(unit))
    assert response.status_code == 302
    assert 'data-testid="records-this-year">1<' in home(client)


def test_a_change_by_someone_else_shows_at_once(login, alice, unit, committed):
    client = login(alice)
    assert "西城区某某商场工会" in home(client)
    with committed():
        unit.name = "西城区某某商场工会（更名）"
        unit.save()
    assert "西城区某某商场工会（更名）" in home(client)
    # A bulk update sends no signal: the stamp sees the statement itself.
    with committed():
        GrassrootsUnion.objects.filter(pk=unit.pk).update(name="西城区新名称工会")
    assert "西城区新名称工会" in home(client)


def test_a_calendar_day_entered_by_the_administrator_moves_the_pace_at_once(
    login, alice, unit, committed
):
    client = login(alice)
    before = home(client)
    with committed():
        # A Tuesday of this year's past made a holiday: one working day fewer has passed.
        CalendarDayFactory(date=datetime.date(2026, 11, 17), is_working_day=False)
    after = home(client)
    assert before != after


def test_each_user_has_their_own_part(login, alice, bob, unit):
    assert "西城区某某商场工会" in home(login(alice))
    assert "西城区某某商场工会" not in home(login(bob))


def test_the_next_day_is_computed_afresh(login, alice, unit):
    today = home(login(alice))
    with time_machine.travel("2026-11-25 10:00 +0800"):
        tomorrow = home(login(alice))
    passed = re.compile(r"已过 (\d+) 个")  # the working days of the year passed so far
    assert int(passed.search(tomorrow)[1]) == int(passed.search(today)[1]) + 1


def test_reading_pages_leaves_the_stamp_alone(login, alice, unit, committed):
    client = login(alice)
    with committed():
        home(client)  # the fixtures' writes and the login committed
    stamp = pagecache.current_stamp()
    with committed():
        session = SessionStore()
        session["seen"] = True
        session.save()
        home(client)
    assert pagecache.current_stamp() == stamp


def test_without_the_stamp_row_nothing_is_cached(login, alice, unit):
    DataStamp.objects.all().delete()
    client = login(alice)
    first = queries_for(client)
    assert queries_for(client) == first
    assert first >= 6 + 8


def test_a_stamp_that_cannot_change_does_not_turn_a_saved_sheet_into_an_error(
    login, alice, unit, committed, monkeypatch, caplog
):
    def broken(using="default"):
        raise DatabaseError("the stamp row is locked")

    monkeypatch.setattr(pagecache, "change_stamp", broken)
    client = login(alice)
    with caplog.at_level(logging.ERROR, logger="liaison.pagecache"), committed():
        response = client.post(reverse("records:record-create"), sheet(unit))
    assert response.status_code == 302
    assert alice.records.filed().count() == 1
    assert "could not be changed" in caplog.text


def test_every_connection_is_watched():
    connection.ensure_connection()
    assert any(isinstance(w, pagecache._Watch) for w in connection.execute_wrappers)


def test_a_connection_opened_inside_another_wrapper_keeps_its_watch():
    """`with connection.execute_wrapper(w):` removes the last wrapper on its way out: a
    connection first opened inside such a block must not lose the watch then."""
    watches = [w for w in connection.execute_wrappers if isinstance(w, pagecache._Watch)]
    for w in watches:
        connection.execute_wrappers.remove(w)
    try:
        with connection.execute_wrapper(lambda execute, *args: execute(*args)):
            pagecache.watch(sender=None, connection=connection)  # as connection_created
        assert any(isinstance(w, pagecache._Watch) for w in connection.execute_wrappers)
    finally:
        connection.execute_wrappers[:] = [
            w for w in connection.execute_wrappers if not isinstance(w, pagecache._Watch)
        ]
        connection.execute_wrappers[:0] = watches


def test_the_language_is_part_of_the_key(login, alice, unit):
    client = login(alice)
    with translation.override("en"):
        english = home(client)
    assert "My contact units" in english
    assert "我的联系点" in home(client)


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('SELECT "records_visitrecord"."id" FROM "records_visitrecord"', False),
        ('(SELECT "id" FROM "a") UNION (SELECT "id" FROM "b")', False),
        ('INSERT INTO "records_visitrecord" ("cadre_id") VALUES (%s)', True),
        ('INSERT INTO "records_problem" ("x") VALUES (%s) RETURNING "records_problem"."id"', True),
        ('INSERT OR IGNORE INTO "auth_user_groups" ("user_id", "group_id") VALUES (%s, %s)', True),
        ('  \n  UPDATE "unions_department" SET "name" = %s', True),
        ('WITH moved AS (DELETE FROM "records_problem" RETURNING *) SELECT 1', True),
        ('UPDATE "unions_grassrootsunion" SET "name" = %s', True),
        ('DELETE FROM "liaison_liaisonassignment" WHERE "id" = %s', True),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "records_exportjob" SET "rows_done" = %s', False),
        ("UPDATE liaison_datastamp SET token = %s WHERE id = 1", False),
        ('SAVEPOINT "s1_x1"', False),
        ('RELEASE SAVEPOINT "s1_x1"', False),
        ('CREATE TABLE "new" ("id" integer)', True),
        ('ALTER TABLE "records_visitrecord" ADD COLUMN "x" integer', True),
    ],
)
def test_which_statements_change_the_stamp(sql, watched):
    assert pagecache.is_watched_write(sql) is watched


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_transaction_changes_the_stamp_and_a_rolled_back_one_does_not():
    DataStamp.objects.get_or_create(id=1, defaults={"token": 1})
    start = pagecache.current_stamp()

    with pytest.raises(RuntimeError), transaction.atomic():
        GrassrootsUnionFactory()
        raise RuntimeError("undone")
    assert pagecache.current_stamp() == start

    with transaction.atomic():
        GrassrootsUnionFactory()
        GrassrootsUnionFactory()
    changed = pagecache.current_stamp()
    assert changed != start

    GrassrootsUnionFactory()  # autocommit: changed after the statement
    assert pagecache.current_stamp() != changed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_savepoint_rolled_back_and_a_write_after_it_still_change_the_stamp():
    DataStamp.objects.get_or_create(id=1, defaults={"token": 1})
    start = pagecache.current_stamp()
    with transaction.atomic(), pytest.raises(RuntimeError), transaction.atomic():
        GrassrootsUnionFactory()  # its on-commit callback goes with the savepoint
        raise RuntimeError("undone")
    assert pagecache.current_stamp() == start  # nothing stayed written

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            GrassrootsUnionFactory()
            raise RuntimeError("undone")
        GrassrootsUnionFactory()  # this one stays
    assert pagecache.current_stamp() != start


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transactions_managed_by_hand_commit_the_stamp_with_the_write(monkeypatch):
    DataStamp.objects.get_or_create(id=1, defaults={"token": 1})
    start = pagecache.current_stamp()
    transaction.set_autocommit(False)
    try:
        GrassrootsUnionFactory(name="手动提交工会")
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    assert pagecache.current_stamp() != start

    # A stamp that fails there (here: its table missing) fails the write with it: an error
    # swallowed inside the transaction would let PostgreSQL roll it all back unseen.
    monkeypatch.setattr(pagecache, "STAMP_TABLE", "liaison_no_such_table")
    transaction.set_autocommit(False)
    try:
        with pytest.raises(DatabaseError):
            GrassrootsUnionFactory(name="未保存的工会")
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert not GrassrootsUnion.objects.filter(name="未保存的工会").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_stamp_table_the_home_is_computed_every_time(login, alice, unit, monkeypatch):
    """A database restored from a backup older than the stamp, before `migrate`."""
    monkeypatch.setattr(pagecache, "STAMP_TABLE", "liaison_no_such_table")
    client = login(alice)
    assert "西城区某某商场工会" in home(client)
    assert queries_for(client) >= 6 + 8


def test_the_menu_follows_a_change_of_roles_at_once(login, alice):
    """The menu is cached by the roles it depends on (base.html), not by the stamp."""
    inbox = reverse("records:inbox")
    client = login(alice)
    assert inbox not in home(client)
    alice.user.groups.add(Group.objects.get(name=Role.DEPARTMENT_HEAD.group_name))
    assert inbox in home(login(alice))


def test_migrate_changes_the_stamp_once_when_it_is_done(committed):
    """pre_migrate pauses the watch (the stamp's table may not exist yet); post_migrate
    resumes it and changes the stamp, for what a data migration may have changed."""
    with committed():
        pass  # the fixtures' writes
    before = pagecache.current_stamp()
    pagecache._pause()
    try:
        with committed():
            GrassrootsUnionFactory()
        assert pagecache.current_stamp() == before
    finally:
        pagecache._resume(using="default")
    assert pagecache.current_stamp() != before
