"""The login lockout (django-axes): five wrong passwords for one username from one address lock
that pair — not the account for everyone, not the address for everyone — for a cool-off time,
and a correct password during the lock does not get in. The address is read by the project's
one rule (TRUSTED_PROXY_COUNT), so a forged X-Forwarded-For does not dodge the lock."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LOGIN = reverse("login")
HOME = reverse("home")
OFFICE = "203.0.113.7"


def attempt(client, username, password, address=OFFICE, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, times, username="alice", address=OFFICE, **headers):
    return [attempt(client, username, "wrong", address, **headers) for _ in range(times)]


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == HOME


def test_four_wrong_passwords_still_let_the_right_one_in(client, alice):
    assert [r.status_code for r in fail(client, 4)] == [200] * 4
    assert logged_in(attempt(client, "alice", PASSWORD))


def test_the_fifth_wrong_password_locks_the_username_from_that_address(client, alice):
    *_, fifth = fail(client, 5)
    assert fifth.status_code == 429
    content = fifth.content.decode()
    assert 'data-testid="error-429"' in content
    assert "15" in content  # for how many minutes


def test_the_lockout_page_is_in_chinese(client, alice):
    *_, fifth = fail(client, 5)
    assert "锁定" in fifth.content.decode()


def test_a_correct_password_during_the_lock_does_not_get_in(client, alice):
    fail(client, 5)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302  # still sent to log in


def test_another_username_from_the_same_address_still_logs_in(client, alice, bob):
    fail(client, 5)
    assert logged_in(attempt(client, "bob", PASSWORD))


def test_the_same_username_from_another_address_still_logs_in(client, alice):
    fail(client, 5)
    assert logged_in(attempt(client, "alice", PASSWORD, address="198.51.100.20"))


def test_the_lock_ends_after_the_cool_off(client, alice):
    fail(client, 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "alice", PASSWORD).status_code == 429
    # Trying during the lock started the cool-off again (AXES_RESET_COOL_OFF_ON_FAILURE…).
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30), tick=False):
        assert logged_in(attempt(client, "alice", PASSWORD))


def test_the_lock_ends_after_the_cool_off_when_nobody_tries_meanwhile(client, alice):
    fail(client, 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        assert logged_in(attempt(client, "alice", PASSWORD))


def test_the_limit_and_the_cool_off_are_settings(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    assert fail(client, 2)[-1].status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert logged_in(attempt(client, "alice", PASSWORD))


def test_a_forged_forwarded_header_does_not_dodge_the_lock(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        attempt(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = attempt(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lock_is_per_client_not_per_proxy(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "192.0.2.1"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    locked = attempt(client, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert locked.status_code == 429
    # Another phone behind the same proxy; a client adding its own entry changes nothing.
    other = attempt(
        client, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2"
    )
    assert logged_in(other)


@pytest.mark.parametrize("path", ["/admin/login/"])
def test_the_admin_login_is_locked_too(client, admin_user, path):
    for _ in range(5):
        client.post(path, {"username": "root", "password": "wrong"}, REMOTE_ADDR=OFFICE)
    response = client.post(
        path, {"username": "root", "password": PASSWORD, "next": "/admin/"}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429
