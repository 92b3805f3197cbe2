"""The security log (logger "liaison.security"): every login attempt, success or failure, with
the username, the address and the time; every refused request with who, what and when."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, OpinionFactory, VisitRecordFactory

OFFICE = "203.0.113.7"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="liaison.security")

    def lines():
        return [r for r in caplog.records if r.name == "liaison.security"]

    return lines


def test_a_successful_login_is_logged_with_user_address_and_time(client, alice, security_log):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    [line] = security_log()
    assert line.levelno == logging.INFO
    message = line.getMessage()
    assert f"user {alice.user.pk} (alice)" in message
    assert OFFICE in message
    assert "2026-11-24T10:00:00+08:00" in message
    assert line.event == "login"


def test_a_failed_login_is_logged_with_the_username_but_not_the_password(
    client, alice, security_log
):
    client.post(
        reverse("login"), {"username": "alice", "password": "s3cret-guess"}, REMOTE_ADDR=OFFICE
    )
    [line] = security_log()
    assert line.levelno == logging.WARNING
    message = line.getMessage()
    assert "login failed" in message and "'alice'" in message and OFFICE in message
    assert "2026-11-24T10:00:00+08:00" in message
    assert "s3cret-guess" not in message
    assert line.username == "alice"


def test_an_unknown_username_is_logged_too(client, db, security_log):
    client.post(reverse("login"), {"username": "mallory", "password": "x"}, REMOTE_ADDR=OFFICE)
    assert "'mallory'" in security_log()[0].getMessage()


def test_a_locked_out_attempt_is_logged_as_refused(client, alice, security_log):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "x"}, REMOTE_ADDR=OFFICE)
    refused = [line for line in security_log() if line.event == "refused"]
    assert [line.status for line in refused] == [429]
    assert "POST /accounts/login/" in refused[0].getMessage()


def test_a_refused_page_is_logged_with_who_what_and_when(login, alice, security_log):
    record = VisitRecordFactory(cadre=alice)
    client = login(alice)
    before = len(security_log())
    response = client.post(reverse("records:record-return", args=[record.pk]), REMOTE_ADDR=OFFICE)
    assert response.status_code == 403
    [line] = security_log()[before:]
    message = line.getMessage()
    assert line.levelno == logging.WARNING and line.status == 403
    assert f"POST /records/{record.pk}/return/" in message
    assert "-> 403" in message
    assert f"user {alice.user.pk} (alice)" in message
    assert OFFICE in message and "2026-11-24T10:00:00+08:00" in message


def test_guessing_anothers_id_is_logged(login, alice, bob, security_log):
    record = VisitRecordFactory(cadre=alice)
    response = login(bob).get(reverse("records:record-detail", args=[record.pk]))
    assert response.status_code == 404
    [line] = [line for line in security_log() if line.event == "refused"]
    assert f"GET /records/{record.pk}/ (records:record-detail) -> 404" in line.getMessage()
    assert "(bob)" in line.getMessage()


def test_an_anonymous_refusal_is_logged_as_anonymous(db, security_log):
    opinion = OpinionFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("boards:public", args=[opinion.union.public_token]))
    assert response.status_code == 403
    [line] = security_log()
    assert "anonymous" in line.getMessage() and "-> 403" in line.getMessage()


def test_a_path_no_page_matches_is_not_logged(login, alice, security_log):
    client = login(alice)
    before = len(security_log())
    assert client.get("/wp-login.php").status_code == 404
    assert security_log()[before:] == []


def test_a_page_that_opens_is_not_logged(login, alice, security_log):
    client = login(alice)
    before = len(security_log())
    assert client.get(reverse("home")).status_code == 200
    assert security_log()[before:] == []
