"""Workbooks built off the request (ExportJob): the page that asks for one answers at once, a
separate process (`manage.py run_exports`) writes the file and its progress, and the page offers
it when it is ready. Why: docs/decisions/0004-exports-off-the-request.md."""

import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.models import ExportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000  # rows between two progress updates (one UPDATE each)

# kind -> build(job, progress) returning (workbook, row count). Registered by the modules that
# know how to build each kind (records.register), so this module imports none of them.
BUILDERS: dict[str, Callable] = {}


def builder(kind: str):
    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def request_export(*, user, kind: str, params: dict, title: str, filename: str) -> ExportJob:
    """Queue an export for `user` and make sure a process will build it. The one entry point:
    views (and anything else) ask here."""
    job = ExportJob.objects.create(
        kind=kind, params=params, title=title, filename=filename, requested_by=user
    )
    if settings.EXPORT_RUNNER == "inline":
        launch()
    else:
        # The process must find the job: start it once the job's row is committed.
        transaction.on_commit(launch)
    return job


def launch() -> None:
    """Start a builder process unless EXPORT_WORKERS are already running. In tests (and with
    EXPORT_RUNNER=inline) the waiting jobs are built here and now instead."""
    fail_stale()
    if settings.EXPORT_RUNNER == "inline":
        run_waiting()
        return
    running = ExportJob.objects.filter(status=ExportJob.Status.RUNNING).count()
    if running >= settings.EXPORT_WORKERS:
        return  # a running process takes the waiting job when it is done with its own
    subprocess.Popen(  # noqa: S603 — our own interpreter and manage.py, no user input
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "run_exports"],
        cwd=settings.BASE_DIR,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # not the web worker's child: it outlives the request
    )


def run_waiting() -> int:
    """Build waiting jobs, oldest first, until there are none; returns how many were built."""
    delete_expired()
    built = 0
    while job := _claim_next():
        _build(job)
        built += 1
    return built


def _claim_next() -> ExportJob | None:
    """The oldest waiting job, now marked running by this process (another process that tried
    the same job at the same time finds it taken and tries the next)."""
    while True:
        job = (
            ExportJob.objects.filter(status=ExportJob.Status.QUEUED).order_by("created_at").first()
        )
        if job is None:
            return None
        claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING, started_at=timezone.now(), worker_pid=os.getpid()
        )
        if claimed:
            job.refresh_from_db()
            return job


def _build(job: ExportJob) -> None:
    def progress(done: int, total: int | None = None) -> None:
        fields = {"rows_done": done} | ({"rows_total": total} if total is not None else {})
        ExportJob.objects.filter(pk=job.pk).update(**fields)

    try:
        workbook = BUILDERS[job.kind](job, progress)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)
            handle.seek(0)
            job.file.save(f"{job.pk}.xlsx", File(handle), save=False)
    except Exception:
        logger.exception("export %s (%s) failed", job.pk, job.kind)
        if not connection.in_atomic_block:
            # Whatever the failure left of the connection (a read still open, a broken
            # transaction), the job's failure is written on a fresh one.
            connection.close()
        job.status = ExportJob.Status.FAILED
        job.error = _(
            "The workbook could not be built. Please try again, or tell the administrator."
        )
    else:
        job.status = ExportJob.Status.DONE
        job.refresh_from_db(fields=["rows_done", "rows_total"])
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "error", "finished_at"])


def counting(rows: Iterable, progress: Callable[[int], None]) -> Iterator:
    """`rows`, reporting how many have gone by every PROGRESS_EVERY rows and at the end."""
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007
        if done % PROGRESS_EVERY == 0:
            progress(done)
        yield row
    progress(done)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True  # not known: only the time limit can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user: it exists
    return True


def fail_stale() -> None:
    """A job still "running" whose process is gone (killed, machine restarted), or that began
    longer ago than EXPORT_STALE_MINUTES, has failed: say so instead of showing a progress bar
    forever, and free its place for the jobs waiting."""
    limit = timezone.now() - timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    running = ExportJob.objects.filter(status=ExportJob.Status.RUNNING)
    lost = [job.pk for job in running.only("pk", "worker_pid") if not _alive(job.worker_pid)]
    (running.filter(started_at__lt=limit) | running.filter(pk__in=lost)).update(
        status=ExportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_("The workbook was not finished. Please ask for it again."),
    )


def delete_expired() -> int:
    """Exports older than EXPORT_KEEP_HOURS, with their files. Workers' details do not stay on
    disk longer than it takes to download them."""
    limit = timezone.now() - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    pending = [ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    expired = list(ExportJob.objects.filter(created_at__lt=limit).exclude(status__in=pending))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
