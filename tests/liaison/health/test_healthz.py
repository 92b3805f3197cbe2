"""/healthz/: the database, the shared cache, MEDIA_ROOT and the task worker, for nginx and the
monitoring — without a login, never redirected, saying nothing about anyone.

Tasks run at once in the tests (ImmediateBackend): the worker is "alive". A stopped worker is
the DummyBackend, which keeps what is enqueued and never runs it."""

import datetime
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_tasks import task_backends
from health_check.exceptions import ServiceUnavailable

from liaison.health.checks import Worker, heartbeat_request
from liaison.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

HEALTHZ = "/healthz/"
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def worker_stopped(settings):
    """Heartbeats are enqueued and wait: nothing runs them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "exports"],
        }
    }
    return task_backends["default"]


def lines(response) -> dict[str, str]:
    text = response.content.decode()
    return dict(line.split(": ", 1) for line in text.splitlines())


def test_the_url_is_healthz():
    assert reverse("healthz") == HEALTHZ


def test_a_healthy_instance_answers_200_in_plain_text_without_a_login():
    response = Client().get(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines(response) == {
        "Database(alias='default')": "OK",
        "Cache(alias='database')": "OK",
        "Storage(alias='default')": "OK",
        "Worker(minutes=5)": "OK",
    }
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_the_same_answer_in_json():
    response = Client().get(HEALTHZ, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert set(json.loads(response.content).values()) == {"OK"}


def test_a_browser_gets_the_text_too_not_an_english_page():
    response = Client().get(HEALTHZ, HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_logged_in_user_learns_nothing_more(login, alice):
    assert login(alice).get(HEALTHZ).content == Client().get(HEALTHZ).content


def test_it_is_not_redirected_to_https_in_production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get(HEALTHZ).status_code == 200
    assert Client().get("/accounts/login/").status_code == 301  # everything else is


def test_the_worker_has_just_run_a_heartbeat():
    Client().get(HEALTHZ)

    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.beat_at == heartbeat.enqueued_at == NOW


def test_a_worker_that_never_reported_is_red_in_chinese(worker_stopped):
    response = Client().get(HEALTHZ)

    assert response.status_code == 500
    assert lines(response)["Worker(minutes=5)"] == (
        "Unavailable: 任务进程从未报告：请检查 liaison-worker 是否在运行。"
    )
    assert lines(response)["Database(alias='default')"] == "OK"


def test_a_worker_that_stopped_turns_red_after_the_limit(worker_stopped, settings):
    WorkerHeartbeat.objects.create(pk=1, enqueued_at=NOW, beat_at=NOW)  # ran at 10:00

    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert Client().get(HEALTHZ).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        response = Client().get(HEALTHZ)

    assert response.status_code == 500
    assert lines(response)["Worker(minutes=5)"] == (
        "Unavailable: 任务进程最近一次报告在 6 分钟前（2026-11-24 10:00），"
        "超过了 5 分钟的上限：请检查 liaison-worker 是否在运行。"
    )


def test_the_limit_comes_from_the_settings(worker_stopped, settings):
    settings.HEALTH_WORKER_MINUTES = 30
    WorkerHeartbeat.objects.create(pk=1, enqueued_at=NOW, beat_at=NOW)

    with time_machine.travel(NOW + datetime.timedelta(minutes=20), tick=False):
        response = Client().get(HEALTHZ)

    assert response.status_code == 200
    assert "Worker(minutes=30)" in lines(response)


def test_a_stale_heartbeat_is_red_when_the_check_is_called_directly():
    WorkerHeartbeat.objects.create(
        pk=1, enqueued_at=NOW, beat_at=NOW - datetime.timedelta(minutes=10)
    )

    # A heartbeat enqueued at 10:00 still waits (the worker is slow), so none is added.
    with pytest.raises(ServiceUnavailable, match="10 分钟前"):
        Worker(minutes=5).check()


def test_only_one_heartbeat_waits_however_often_it_is_asked(worker_stopped):
    for _ in range(3):
        Client().get(HEALTHZ)

    assert len(worker_stopped.results) == 1
    assert worker_stopped.results[0].task.name == "heartbeat"


def test_a_heartbeat_waiting_beyond_the_limit_is_taken_as_lost_and_sent_again(worker_stopped):
    limit = datetime.timedelta(minutes=5)
    assert heartbeat_request(NOW, limit=limit)
    assert not heartbeat_request(NOW + limit, limit=limit)

    assert heartbeat_request(NOW + limit + datetime.timedelta(seconds=1), limit=limit)
    assert len(worker_stopped.results) == 2


def test_media_root_not_writable_is_red(settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    settings.MEDIA_ROOT = blocked

    response = Client().get(HEALTHZ)

    assert response.status_code == 500
    assert lines(response)["Storage(alias='default')"] != "OK"


def test_a_red_answer_is_not_logged_as_a_refusal(worker_stopped, caplog):
    with caplog.at_level("INFO", logger="liaison.security"):
        Client().get(HEALTHZ)

    assert [r for r in caplog.records if r.name == "liaison.security"] == []
