"""Exports built off the request (records.exports): the register's page queues a job, a process
of its own builds it (in tests: inline), the job's page shows its progress and then the file —
only to the person who asked. olivia is the organization department, carol a department head,
alice and bob cadres. Today is Tuesday 2026-11-24."""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
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
    assert Path(job.file.path).name == f"{job.pk}.xlsx"  # not the name anyone could guess
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


# --- The process that builds them -------------------------------------------------------------


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


def test_in_production_the_request_starts_a_process_and_does_not_build(settings, olivia):
    settings.EXPORT_RUNNER = "process"
    with mock.patch("records.exports.subprocess.Popen") as popen:
        exports.launch()

    (command,), options = popen.call_args
    assert command[0] == sys.executable
    assert command[-2:] == [str(Path(settings.BASE_DIR) / "manage.py"), "run_exports"]
    assert options["start_new_session"] is True


def test_no_more_processes_than_export_workers(settings, olivia):
    settings.EXPORT_RUNNER = "process"
    settings.EXPORT_WORKERS = 1
    job_of(olivia, status=ExportJob.Status.RUNNING, started_at=timezone.now())
    job_of(olivia)

    with mock.patch("records.exports.subprocess.Popen") as popen:
        exports.launch()

    popen.assert_not_called()  # the running process takes the waiting job next


def test_run_exports_builds_the_waiting_jobs_oldest_first_and_leaves_running_ones(olivia):
    running = job_of(olivia, status=ExportJob.Status.RUNNING, started_at=timezone.now())
    first, second = job_of(olivia), job_of(olivia)
    order = []
    real = exports.BUILDERS[ExportJob.Kind.REGISTER]

    def build(job, progress):
        order.append(job.pk)
        return real(job, progress)

    with mock.patch.dict(exports.BUILDERS, {ExportJob.Kind.REGISTER: build}):
        call_command("run_exports", stdout=mock.Mock())

    assert order == [first.pk, second.pk]
    running.refresh_from_db()
    assert running.status == ExportJob.Status.RUNNING


def test_a_job_running_for_too_long_lost_its_process(settings, olivia):
    settings.EXPORT_STALE_MINUTES = 30
    stale = job_of(
        olivia,
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=31),
    )
    recent = job_of(
        olivia,
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=29),
    )

    exports.fail_stale()

    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == ExportJob.Status.FAILED
    assert "请重新" in stale.error
    assert recent.status == ExportJob.Status.RUNNING


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


def test_a_job_whose_process_is_gone_has_failed_at_once(olivia):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lost = job_of(
        olivia, status=ExportJob.Status.RUNNING, started_at=timezone.now(), worker_pid=gone.pid
    )
    alive = job_of(
        olivia, status=ExportJob.Status.RUNNING, started_at=timezone.now(), worker_pid=os.getpid()
    )

    exports.fail_stale()

    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == ExportJob.Status.FAILED
    assert alive.status == ExportJob.Status.RUNNING


def test_the_process_that_builds_a_job_is_recorded(olivia):
    job = job_of(olivia)

    exports.run_waiting()

    job.refresh_from_db()
    assert job.worker_pid == os.getpid()
    assert job.status == ExportJob.Status.DONE
