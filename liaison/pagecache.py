"""Exact caching of a page's own part (the cadre home's figures), for as long as nothing in the
database changes.

Every write that reaches the database through Django — a view, the admin, an import, a
management command, a `QuerySet.update()` or `bulk_create()` — passes an execute wrapper on the
connection. After the write commits (at once outside a transaction, on commit inside one), the
token of `DataStamp` is replaced by a new random number. A page part is cached under the token
read at the start of the request, so a filed sheet, a changed calendar day or a renamed union
makes every cached part miss from that moment on: the figures stay exact, and the cache only
spares the work of recomputing them while nothing changed.

The limits, exactly: the new token is written by a statement of its own right after the COMMIT
(writing it inside the transaction would make every writer wait for the others on the stamp's
row), so a request arriving in that moment may still get the part cached before. If that
statement fails (logged) or the process dies just then, and for a write Django does not see
(psql by hand), the part is stale until its timeout (PAGE_CACHE_SECONDS) or a restart.
`restore` and `migrate` change the token themselves.

Only the tables written by reading pages are left out, since a change to them changes no page
part: the session (touched once a minute), django-axes' login records and the export jobs.
"""

import contextlib
import logging
import re
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, Error, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

logger = logging.getLogger(__name__)

CACHE = "pages"
STAMP_TABLE = "liaison_datastamp"
# Tables no cached part shows, written while people only read (see the module's docstring).
UNWATCHED_TABLES = frozenset(
    {
        STAMP_TABLE,
        "django_session",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "records_exportjob",
    }
)
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
# Schema changes and anything else that is not a plain read change the stamp too (a spare
# change costs a cache miss; a missed one, a stale page). WITH and EXPLAIN may hide a write.
_READ = re.compile(
    r"\s*(?:\(|SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA|SET|SHOW)\b",
    re.IGNORECASE,
)


def is_watched_write(sql: str) -> bool:
    """Whether `sql` may change what a cached part shows: any statement but a read and a write
    to an unwatched table."""
    if sql.startswith("SELECT"):  # nearly every statement: decided without a regex
        return False
    if match := _WRITE.match(sql):
        return match.group(1).lower() not in UNWATCHED_TABLES
    return not _READ.match(sql)


def change_stamp(using: str = "default") -> None:
    """A new token: every part cached before it is stale from now on."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"UPDATE {STAMP_TABLE} SET token = %s WHERE id = 1",  # noqa: S608 (a constant)
            [secrets.randbits(62)],
        )


class _Watch:
    """The execute wrapper of one connection."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not _paused and isinstance(sql, str) and is_watched_write(sql):
            connection = connections[self.alias]
            if not connection.in_atomic_block and not connection.get_autocommit():
                # Transactions managed by hand (nothing in the project; Django offers no
                # commit hook there): the new token is written in the same transaction and
                # commits with the write. Its error is the write's: raised, never swallowed,
                # since PostgreSQL would then roll back the whole transaction unseen.
                change_stamp(self.alias)
            elif not self.pending(connection):
                # Outside a transaction this runs at once; inside one, right after it commits
                # (and not at all if it rolls back). Once per transaction, however many writes.
                # robust: an error here never stops the transaction's other callbacks.
                transaction.on_commit(self.committed, using=self.alias, robust=True)
        return result

    def pending(self, connection) -> bool:
        """Whether this transaction already changes the stamp on commit. Looked up, not
        remembered: a savepoint rolled back takes the callbacks registered inside it along."""
        return any(entry[1] == self.committed for entry in connection.run_on_commit)

    def committed(self):
        try:
            change_stamp(self.alias)
        except Error:
            # The write stands; a part cached before it may be shown until its timeout
            # (PAGE_CACHE_SECONDS). Said loudly, never turned into an error page for a change
            # that was saved.
            logger.exception("The data stamp could not be changed after a write")


def is_stamp_callback(callback) -> bool:
    """Whether an on-commit callback is the data stamp's (for tests that count their own)."""
    return isinstance(getattr(callback, "__self__", None), _Watch)


# While `migrate` runs, the stamp's table may not exist yet: its writes are not watched one by
# one, and the stamp changes once when it is done (a data migration may have changed what a
# running server shows).
_paused = False


def _pause(**kwargs):
    global _paused
    _paused = True


def _resume(using="default", **kwargs):
    global _paused
    _paused = False
    with contextlib.suppress(DatabaseError):  # migrated only up to before the stamp
        change_stamp(using)


def watch(sender, connection, **kwargs):
    """connection_created: watch the connection's writes (once per connection object). Not
    the connections Django opens for itself without a database (PostgreSQL's `__no_db__`,
    which creates and drops test databases)."""
    if connection.alias not in settings.DATABASES:
        return
    if not any(isinstance(w, _Watch) for w in connection.execute_wrappers):
        # First, not last: `with connection.execute_wrapper(w):` pops the last wrapper on its
        # way out, and a connection opened inside such a block would otherwise lose this one.
        connection.execute_wrappers.insert(0, _Watch(connection.alias))


def connect_signals():
    connection_created.connect(watch, dispatch_uid="liaison.pagecache.watch")
    pre_migrate.connect(_pause, dispatch_uid="liaison.pagecache.pause")
    post_migrate.connect(_resume, dispatch_uid="liaison.pagecache.resume")


def current_stamp(using: str = "default") -> int | None:
    """The token now; None when there is no stamp row or table (then nothing is cached: a
    database restored from an older backup, or code running ahead of `migrate`). One query.
    Called outside transactions (a page's view): inside one, PostgreSQL would abort it after
    the failed read of a missing table."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT token FROM {STAMP_TABLE} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("No data stamp table: nothing is cached until `migrate` runs")
        return None
    return row[0] if row else None


def cached_part(key: tuple, build):
    """`build()`'s result (a rendered part of a page), cached under `key` and the current
    stamp for PAGE_CACHE_SECONDS; built afresh when caching is off (0) or the stamp is
    missing. `key` must hold everything else the part depends on: the user, the day, the
    language."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return build()
    stamp = current_stamp()
    if stamp is None:
        return build()
    cache = caches[CACHE]
    full_key = ":".join(str(part) for part in (*key, stamp))
    part = cache.get(full_key)
    if part is None:
        part = build()
        cache.set(full_key, part, seconds)
    return part
