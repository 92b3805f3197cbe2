"""A session ends after SESSION_IDLE_MINUTES (30) without a request, and when the browser
closes; every request moves the end forward, so someone at work is never logged out."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

HOME = reverse("home")


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_a_session_idle_for_31_minutes_is_sent_to_the_login_page(login, alice):
    client = login(alice)
    assert client.get(HOME).status_code == 200
    with later(31):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_used_every_20_minutes_stays(login, alice):
    client = login(alice)
    assert client.get(HOME).status_code == 200
    for step in (20, 40, 60, 80):
        with later(step):
            assert client.get(HOME).status_code == 200, f"{step} minutes on"


def test_the_cookie_lives_as_long_as_the_browser(login, alice):
    client = login(alice)
    with later(2):  # the session is written (and its cookie sent) at most once a minute
        response = client.get(HOME)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


def test_the_idle_time_is_a_setting(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def session_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_the_session_is_written_at_most_once_a_minute(login, alice):
    client = login(alice)
    client.get(HOME)

    with CaptureQueriesContext(connection) as within_a_minute, later(0.5):
        client.get(HOME)
    with CaptureQueriesContext(connection) as a_minute_on, later(1.5):
        client.get(HOME)

    assert session_writes(within_a_minute.captured_queries) == 0
    assert session_writes(a_minute_on.captured_queries) == 1


def test_a_session_idle_for_29_minutes_after_a_request_without_a_write_stays(login, alice):
    client = login(alice)
    client.get(HOME)  # written now: ends at 30 minutes
    with later(0.5):
        client.get(HOME)  # not written: the end stays at 30 minutes from the first
    with later(29.5):
        assert client.get(HOME).status_code == 200
