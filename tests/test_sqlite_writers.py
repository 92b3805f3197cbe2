"""Two writers on one SQLite file, as gunicorn's two workers are: a transaction that reads
before it writes (record_save) waits for the other writer instead of failing with "database is
locked" (liaison/settings.py: transaction_mode IMMEDIATE)."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings

SCRIPT = """
import threading
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (n integer)")
connection.close()
a_read, b_wrote = threading.Event(), threading.Event()
errors = []

def a():  # reads, then writes after the other writer had its chance
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            a_read.set()
            b_wrote.wait(timeout=1)
            cursor.execute("INSERT INTO t VALUES (1)")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

def b():
    a_read.wait()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
    except Exception as error:
        errors.append(repr(error))
    finally:
        b_wrote.set()
        connection.close()

threads = [threading.Thread(target=a), threading.Thread(target=b)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM t")
    print(errors or cursor.fetchone()[0])
"""


def test_a_writer_that_read_first_waits_for_the_other_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "2"
