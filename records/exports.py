"""Workbooks built off the request (ExportJob): the page that asks for one answers at once, a
task run by the tasks worker (`manage.py db_worker`) writes the file and its progress, and the
page offers it when it is ready. Why: docs/decisions/0004-exports-off-the-request.md.

Honest states: a try claims its job by number (`attempts`); progress, success and failure are
written only while that try still owns the job, so a worker that lost it (killed, then retried)
never marks it done, and never without its file. A watchdog task follows each try: when the
try's heartbeat is older than EXPORT_STALE_SECONDS, the job is tried again, up to
EXPORT_ATTEMPTS tries, then failed with a message that says so."""

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from records.models import ExportJob, export_path

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000  # rows between two progress updates (one UPDATE each)
QUEUE = "exports"  # its own queue: `db_worker --queue-name exports` processes are the concurrency

Status = ExportJob.Status

# kind -> build(job, progress) returning (workbook, row count). Registered by the modules that
# know how to build each kind (records.register), so this module imports none of them.
BUILDERS: dict[str, Callable] = {}


class LostJob(Exception):
    """The try building a job no longer owns it (retried elsewhere, or failed meanwhile)."""


def builder(kind: str):
    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def request_export(*, user, kind: str, params: dict, title: str, filename: str) -> ExportJob:
    """Queue an export for `user`. The one entry point: views (and anything else) ask here.
    The job's row and its task are written in one transaction: both or neither."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind, params=params, title=title, filename=filename, requested_by=user
        )
        build_export.enqueue(str(job.pk))
    return job


@task(queue_name=QUEUE)
def build_export(job_id: str) -> str:
    """Build the job if it is still waiting (a task run twice builds it once)."""
    delete_expired()
    claimed = ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return "not waiting"
    job = ExportJob.objects.get(pk=job_id)
    _watch(job)
    return _build(job)


@task()
def watch_export(job_id: str, attempt: int) -> str:
    """The watchdog of one try: still running with a fresh heartbeat, look again later; gone
    quiet, try again or give up. Runs on any worker, so also on the one started after a crash."""
    job = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING, attempts=attempt).first()
    if job is None:
        return "finished"
    if job.heartbeat_at and job.heartbeat_at > timezone.now() - _stale():
        _watch(job)
        return "alive"
    return recover(job)


def recover(job: ExportJob) -> str:
    """A try that went quiet: the job waits for a new try, or has failed after the last."""
    owned = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)
    with transaction.atomic():
        if job.attempts < settings.EXPORT_ATTEMPTS:
            if owned.update(status=Status.QUEUED, rows_done=0, heartbeat_at=None):
                logger.warning("export %s: try %s went quiet, trying again", job.pk, job.attempts)
                build_export.enqueue(str(job.pk))
                return "retried"
        elif owned.update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=_(
                "The workbook was not finished: the process building it stopped. "
                "Please ask for it again."
            ),
        ):
            logger.error("export %s: try %s went quiet, failed", job.pk, job.attempts)
            return "failed"
    return "moved on"


def _stale() -> timedelta:
    return timedelta(seconds=settings.EXPORT_STALE_SECONDS)


def _watch(job: ExportJob) -> None:
    """Look at this try again once it could have gone quiet (backends that can defer a task;
    the immediate one of the tests builds within the request and needs no watchdog)."""
    if watch_export.get_backend().supports_defer:
        watch_export.using(run_after=timezone.now() + _stale()).enqueue(str(job.pk), job.attempts)


def _build(job: ExportJob) -> str:
    owned = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)

    def progress(done: int, total: int | None = None) -> None:
        fields = {"rows_done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["rows_total"] = total
        if not owned.update(**fields):
            raise LostJob

    name = ""
    try:
        workbook = BUILDERS[job.kind](job, progress)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)
            handle.seek(0)
            name = default_storage.save(export_path(job, job.filename), File(handle))
        if owned.update(status=Status.DONE, file=name, finished_at=timezone.now()):
            return "done"
        raise LostJob
    except LostJob:
        logger.warning("export %s: try %s lost the job, its work is dropped", job.pk, job.attempts)
        if name:
            default_storage.delete(name)
        return "lost"
    except Exception:
        logger.exception("export %s (%s) failed", job.pk, job.kind)
        if name:
            default_storage.delete(name)
        owned.update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=_(
                "The workbook could not be built. Please try again, or tell the administrator."
            ),
        )
        return "failed"


def counting(rows: Iterable, progress: Callable[[int], None]) -> Iterator:
    """`rows`, reporting how many have gone by every PROGRESS_EVERY rows and at the end."""
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007
        if done % PROGRESS_EVERY == 0:
            progress(done)
        yield row
    progress(done)


def delete_expired() -> int:
    """Exports older than EXPORT_KEEP_HOURS, with their files. Workers' details do not stay on
    disk longer than it takes to download them."""
    limit = timezone.now() - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    pending = [Status.QUEUED, Status.RUNNING]
    expired = list(ExportJob.objects.filter(created_at__lt=limit).exclude(status__in=pending))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
