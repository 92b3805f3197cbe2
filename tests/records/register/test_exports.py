"""Exports built off the request (records.exports): the register's page queues a job, a task
builds it (in tests: at once, by the immediate backend), the job's page shows its progress and
then the file — only to the person who asked. olivia is the organization department, carol a
department head, alice and bob cadres. Today is Tuesday 2026-11-24."""

import datetime
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from records import exports
from records.models import ExportJob
from tests.factories import VisitRecordFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("records:register-export")


def detail(job):
    return reverse("records:export-detail", args=[job.pk])


def download(job):
    return reverse("records:export-download", args=[job.pk])


def job_of(user, **fields):
    values = {
        "kind": ExportJob.Kind.REGISTER,
        "params": {
            "start": "2026-01-01",
            "end": "2026-12-31",
            "label": "2026年",
            "department": None,
        },
        "title": "记录单备案登记表",
        "filename": "record-register-2026.xlsx",
        "requested_by": getattr(user, "user", user),  # a persona is a cadre
    }
    return ExportJob.objects.create(**(values | fields))


@pytest.fixture
def done_job(olivia):
    job = job_of(olivia, status=ExportJob.Status.DONE, rows_done=3, rows_total=3)
    job.file.save(f"{job.pk}.xlsx", ContentFile(b"PK-workbook"))
    return job


# --- Asking for an export ---------------------------------------------------------------------


def test_asking_queues_a_job_builds_it_and_sends_the_user_to_its_page(login, olivia, alice):
    VisitRecordFactory.create_batch(3, cadre=alice, start_date=datetime.date(2026, 11, 2))
    client = login(olivia)

    response = client.post(EXPORT, {"year": 2026, "quarter": 4})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == detail(job)
    assert job.requested_by == olivia.user
    assert job.status == ExportJob.Status.DONE
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.params == {
        "start": "2026-10-01",
        "end": "2026-12-31",
        "label": "2026年第4季度",
        "department": None,
    }
    assert job.filename == "record-register-2026-q4.xlsx"
    assert Path(job.file.path).name == f"{job.pk}-1.xlsx"  # not the name anyone could guess
    page = client.get(detail(job)).content.decode()
    assert "工作簿已生成：3 行" in page
    assert download(job) in page
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for


def test_the_register_is_asked_for_by_post_only(login, olivia):
    assert login(olivia).get(EXPORT, {"year": 2026}).status_code == 405


def test_the_register_page_lists_my_recent_exports_only(login, olivia, carol, department):
    mine = job_of(olivia, title="我的登记表")
    job_of(carol, title="卡罗的登记表")

    page = login(olivia).get(reverse("records:register")).content.decode()

    assert "我的登记表" in page and detail(mine) in page
    assert "卡罗的登记表" not in page


def test_a_waiting_job_shows_its_progress_and_refreshes_itself(login, olivia):
    job = job_of(olivia, status=ExportJob.Status.RUNNING, rows_done=40_000, rows_total=100_000)

    page = login(olivia).get(detail(job)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress class="w-100" max="100" value="40">' in page
    assert "已写入 40000 / 100000 行" in page
    assert download(job) not in page


def test_a_job_not_ready_cannot_be_downloaded(login, olivia):
    job = job_of(olivia, status=ExportJob.Status.RUNNING)

    assert login(olivia).get(download(job)).status_code == 404


def test_the_file_goes_out_as_an_attachment_under_its_readable_name(login, olivia, done_job):
    response = login(olivia).get(download(done_job))

    assert response.status_code == 200
    assert response["Content-Disposition"] == ('attachment; filename="record-register-2026.xlsx"')
    assert b"".join(response.streaming_content) == b"PK-workbook"


# --- Only the person who asked ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "admin_user"])
def test_nobody_else_sees_or_downloads_an_export(request, login, persona, done_job):
    person = request.getfixturevalue(persona)
    client = login(person)

    assert client.get(detail(done_job)).status_code == 404
    assert client.get(download(done_job)).status_code == 404


def test_another_organization_cadre_does_not_see_my_export_either(login, lead_department, done_job):
    from tests.factories import CadreFactory
    from unions.roles import Role

    colleague = CadreFactory(department=lead_department, user__roles=[Role.ORGANIZATION])

    assert login(colleague).get(download(done_job)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, done_job):
    for url in (detail(done_job), download(done_job)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_guessed_id_finds_nothing(login, olivia):
    client = login(olivia)

    assert client.get(reverse("records:export-detail", args=[uuid.uuid4()])).status_code == 404


# --- The task that builds them -------------------------------------------------------------


def test_a_failing_build_says_so_and_keeps_no_file(login, olivia):
    with mock.patch(
        "records.register.workbook.register_workbook", side_effect=RuntimeError("disk full")
    ):
        response = login(olivia).post(EXPORT, {"year": 2026})

    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert not job.file
    page = login(olivia).get(response.url).content.decode()
    assert "工作簿未能生成" in page


def test_the_request_only_enqueues_inside_the_transaction_that_creates_the_job(olivia):
    with mock.patch("records.exports.build_export") as task:
        job = exports.request_export(
            user=olivia.user, kind=ExportJob.Kind.REGISTER, params={}, title="t", filename="f"
        )
    task.enqueue.assert_called_once_with(str(job.pk))
    assert ExportJob.objects.get().status == ExportJob.Status.QUEUED


def test_no_job_is_left_without_its_task_when_enqueueing_fails(olivia):
    with (
        mock.patch("records.exports.build_export") as task,
        pytest.raises(RuntimeError),
    ):
        task.enqueue.side_effect = RuntimeError("the task could not be stored")
        exports.request_export(
            user=olivia.user, kind=ExportJob.Kind.REGISTER, params={}, title="t", filename="f"
        )
    assert not ExportJob.objects.exists()


def test_a_task_run_twice_builds_the_job_once(olivia):
    job = job_of(olivia)
    assert exports.build_export.call(str(job.pk)) == "done"
    assert exports.build_export.call(str(job.pk)) == "not waiting"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 1)
    assert job.file.name == f"exports/{job.pk}-1.xlsx"


def test_a_try_that_lost_its_job_never_marks_it_done_and_keeps_no_file(olivia, settings):
    job = job_of(olivia)
    real = exports.BUILDERS[ExportJob.Kind.REGISTER]

    def build(job, progress):
        # Meanwhile the watchdog gave the job up (this worker looked dead) and failed it.
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
        return real(job, progress)

    with mock.patch.dict(exports.BUILDERS, {ExportJob.Kind.REGISTER: build}):
        assert exports.build_export.call(str(job.pk)) == "lost"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert not job.file
    assert not list(Path(settings.MEDIA_ROOT, "exports").glob(f"{job.pk}-*"))


def running_job(olivia, *, attempts: int, quiet_for: int):
    return job_of(
        olivia,
        status=ExportJob.Status.RUNNING,
        attempts=attempts,
        started_at=timezone.now() - datetime.timedelta(seconds=quiet_for),
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=quiet_for),
    )


def test_a_try_gone_quiet_is_tried_again_and_built(settings, olivia):
    settings.EXPORT_STALE_SECONDS, settings.EXPORT_ATTEMPTS = 60, 2
    job = running_job(olivia, attempts=1, quiet_for=61)

    assert exports.watch_export.call(str(job.pk), 1) == "retried"

    job.refresh_from_db()  # the immediate backend of the tests built the new try at once
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 2)
    assert job.file


def test_the_last_try_gone_quiet_fails_in_chinese(settings, olivia):
    settings.EXPORT_STALE_SECONDS, settings.EXPORT_ATTEMPTS = 60, 2
    job = running_job(olivia, attempts=2, quiet_for=61)

    assert exports.watch_export.call(str(job.pk), 2) == "failed"

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "请重新申请" in job.error
    assert not job.file


def test_a_try_still_alive_or_already_replaced_is_left_alone(settings, olivia):
    settings.EXPORT_STALE_SECONDS = 60
    alive = running_job(olivia, attempts=1, quiet_for=10)
    replaced = running_job(olivia, attempts=2, quiet_for=600)

    with mock.patch.object(exports, "_watch") as watch_again:
        assert exports.watch_export.call(str(alive.pk), 1) == "alive"
        assert exports.watch_export.call(str(replaced.pk), 1) == "finished"
    watch_again.assert_called_once()
    alive.refresh_from_db()
    replaced.refresh_from_db()
    assert alive.status == replaced.status == ExportJob.Status.RUNNING


def test_exports_are_deleted_with_their_files_after_a_day(settings, olivia, done_job):
    settings.EXPORT_KEEP_HOURS = 24
    path = Path(done_job.file.path)
    ExportJob.objects.filter(pk=done_job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    fresh = job_of(olivia, status=ExportJob.Status.DONE)

    assert exports.delete_expired() == 1

    assert not path.exists()
    assert list(ExportJob.objects.all()) == [fresh]


def test_progress_is_reported_every_few_thousand_rows_and_at_the_end():
    seen = []

    rows = list(exports.counting(range(4500), seen.append))

    assert len(rows) == 4500
    assert seen == [2000, 4000, 4500]
