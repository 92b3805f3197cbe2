"""Real tasks workers (`manage.py db_worker`, separate processes) on a database of their own: an
export whose worker is killed in the middle is tried again by the next worker and finished
with its file, or — its last try spent — failed with a message in Chinese; never "done"
without a file. Slow (a data set of 30,000 sheets, four workers): about a minute."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

SETUP = """
import django
django.setup()
from liaison.bench.data import Builder, Scale
Builder(Scale("worker-test", cadres=30, unions=120, records=30_000, problems=0)).build()
"""
REQUEST = """
import django
django.setup()
from django.contrib.auth.models import User
from records import exports
from records.models import ExportJob
job = exports.request_export(
    user=User.objects.order_by("pk").first(),
    kind=ExportJob.Kind.REGISTER,
    params={"start": "2000-01-01", "end": "2099-12-31", "label": "all", "department": None},
    title="记录单备案登记表",
    filename="register.xlsx",
)
print(job.pk.hex)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated SQLite database with 30,000 filed sheets, and the environment of its workers."""
    folder = tmp_path_factory.mktemp("worker")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "TASKS_IMMEDIATE": "false",
        "EXPORT_STALE_SECONDS": "3",
        "LOG_LEVEL": "WARNING",
    }
    run = {"cwd": django_settings.BASE_DIR, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], timeout=300, **run)
    subprocess.run([sys.executable, "-c", textwrap.dedent(SETUP)], timeout=300, **run)
    return folder, env


def request_export(env) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(REQUEST)],
        cwd=django_settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


def worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "default,exports",
            "--interval",
            "0.2",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def job_row(folder: Path, job_id: str) -> dict:
    with sqlite3.connect(folder / "db.sqlite3", timeout=30) as db:
        db.row_factory = sqlite3.Row
        row = db.execute(
            "SELECT status, rows_done, attempts, file, error FROM records_exportjob WHERE id = ?",
            [job_id],
        ).fetchone()
    return dict(row)


def wait_for(folder, job_id, condition, seconds=120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = job_row(folder, job_id)
        if condition(row):
            return row
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting; the job is {row}")


def kill_mid_export(folder, env, job_id) -> None:
    first = worker(env)
    try:
        wait_for(folder, job_id, lambda row: row["rows_done"] > 0)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    row = job_row(folder, job_id)
    assert (row["status"], row["file"]) == ("running", "")


def finish_with_a_new_worker(folder, env, job_id) -> dict:
    second = worker(env)
    try:
        return wait_for(folder, job_id, lambda row: row["status"] in ("done", "failed"))
    finally:
        second.terminate()
        second.wait(timeout=30)


def test_a_worker_killed_mid_export_leaves_a_job_the_next_worker_finishes(site):
    folder, env = site
    job_id = request_export(env)

    kill_mid_export(folder, env, job_id)
    row = finish_with_a_new_worker(folder, env, job_id)

    assert (row["status"], row["attempts"]) == ("done", 2)
    workbook = folder / "media" / row["file"]
    with zipfile.ZipFile(workbook) as archive:  # a whole workbook, not a torn file
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    # The killed try's half-written file was never stored under the job's name.
    assert [path.name for path in (folder / "media" / "exports").iterdir()] == [workbook.name]


def test_a_worker_killed_on_the_last_try_leaves_a_failed_job_that_says_so(site):
    folder, env = site
    env = {**env, "EXPORT_ATTEMPTS": "1"}
    job_id = request_export(env)

    kill_mid_export(folder, env, job_id)
    row = finish_with_a_new_worker(folder, env, job_id)

    assert (row["status"], row["attempts"], row["file"]) == ("failed", 1, "")
    assert "请重新申请" in row["error"]


def test_two_exports_asked_at_once_build_one_at_a_time_with_one_worker(site):
    """The concurrency is the number of workers on the exports queue: with one, never two
    builds at once, and both are built."""
    folder, env = site
    first, second = request_export(env), request_export(env)
    running_together = 0
    one = worker(env)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            rows = [job_row(folder, first), job_row(folder, second)]
            statuses = [row["status"] for row in rows]
            running_together += statuses.count("running") > 1
            if statuses == ["done", "done"]:
                break
            time.sleep(0.1)
    finally:
        one.terminate()
        one.wait(timeout=30)
    assert statuses == ["done", "done"]
    assert running_together == 0
