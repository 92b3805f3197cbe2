"""The language: Chinese for everyone who has not chosen, whatever the browser asks for; a
switch in every layout chooses English (a cookie), and a logged-in user's choice is remembered
for their next login."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import Problem
from tests.factories import PASSWORD, GrassrootsUnionFactory
from unions.models import Cadre, Department, GrassrootsUnion, UserPreference

pytestmark = pytest.mark.django_db
HOME = reverse("home")
LOGIN = reverse("login")
SET_LANGUAGE = reverse("set_language")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")


def choose(client, language, next_url=HOME):
    return client.post(SET_LANGUAGE, {"language": language, "next": next_url})


def log_in(user) -> Client:
    """A new browser, logged in through the login form."""
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def language_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_url_is_djangos_own():
    assert SET_LANGUAGE == "/i18n/setlang/"


def test_chinese_is_the_default_even_when_the_browser_asks_for_english(client, login, alice):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert language_of(page) == "zh-hans"
    assert "登录" in page.content.decode()

    home = login(alice).get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert language_of(home) == "zh-hans"
    assert "退出登录" in home.content.decode()


def test_a_cadre_who_chooses_english_sees_english_pages(login, alice):
    client = login(alice)
    response = choose(client, "en", next_url=reverse("records:record-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("records:record-list")

    page = client.get(HOME)
    assert language_of(page) == "en"
    assert "Log out" in page.content.decode()
    assert "退出登录" not in page.content.decode()
    assert UserPreference.objects.get(user=alice.user).language == "en"


def test_choosing_chinese_again_goes_back(login, alice):
    client = login(alice)
    choose(client, "en")
    choose(client, "zh-hans")
    assert language_of(client.get(HOME)) == "zh-hans"
    assert UserPreference.objects.get(user=alice.user).language == "zh-hans"


def test_the_choice_survives_logging_out_and_in_on_another_browser(alice):
    first = log_in(alice.user)
    choose(first, "en")
    first.post(reverse("logout"))

    second = log_in(alice.user)  # no language cookie in this one
    assert "django_language" not in second.cookies
    page = second.get(HOME)
    assert language_of(page) == "en"
    assert "Log out" in page.content.decode()


def test_another_user_is_unaffected(alice, bob):
    choose(log_in(alice.user), "en")
    assert language_of(log_in(bob.user).get(HOME)) == "zh-hans"


def test_the_remembered_choice_wins_over_the_browsers_cookie(alice):
    choose(log_in(alice.user), "en")
    shared = Client()
    choose(shared, "zh-hans", next_url=LOGIN)  # someone chose Chinese on the login page
    shared.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert language_of(shared.get(HOME)) == "en"


def test_without_a_remembered_choice_the_cookie_stays_after_logging_in(client, alice):
    choose(client, "en", next_url=LOGIN)
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert language_of(client.get(HOME)) == "en"
    assert not UserPreference.objects.exists()


def test_an_anonymous_visitor_chooses_english_on_the_login_page(client):
    response = choose(client, "en", next_url=LOGIN)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get(LOGIN)
    assert language_of(page) == "en"
    assert "Log in" in page.content.decode()
    assert not UserPreference.objects.exists()


def test_a_worker_reads_the_public_page_in_english(client):
    union = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    url = reverse("boards:public", args=[union.public_token])
    assert language_of(client.get(url, HTTP_ACCEPT_LANGUAGE="en")) == "zh-hans"

    choose(client, "en", next_url=url)
    page = client.get(url)
    assert language_of(page) == "en"
    assert "Send" in page.content.decode()


@pytest.mark.parametrize("language", ["fr", "xx", "", "en" * 300])
def test_an_unknown_language_is_ignored(login, alice, language):
    client = login(alice)
    response = choose(client, language)
    assert response.status_code == 302
    assert language_of(client.get(HOME)) == "zh-hans"
    assert not UserPreference.objects.exists()


def test_a_get_changes_nothing(login, alice):
    client = login(alice)
    response = client.get(SET_LANGUAGE, {"language": "en", "next": HOME})
    assert response.status_code == 405
    assert language_of(client.get(HOME)) == "zh-hans"
    assert not UserPreference.objects.exists()


def test_the_choice_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    assert choose(client, "en").status_code == 403
    assert not UserPreference.objects.exists()


def switch_in(page) -> str:
    match = re.search(r'<form[^>]*action="/i18n/setlang/".*?</form>', page, re.S)
    assert match, "no language switch on the page"
    return match.group(0)


@pytest.mark.parametrize("where", ["home", "login", "public", "not_found"])
def test_every_layout_has_the_language_switch(client, login, alice, where):
    if where == "home":
        page = login(alice).get(HOME)
    elif where == "login":
        page = client.get(f"{LOGIN}?next=/records/")
    elif where == "public":
        page = client.get(reverse("boards:public", args=[GrassrootsUnionFactory().public_token]))
    else:
        page = client.get("/no-such-page/")
    switch = switch_in(page.content.decode())
    assert 'name="csrfmiddlewaretoken"' in switch
    assert re.search(r'aria-label="[^"]+"', switch)  # the form is named for screen readers
    assert re.search(r'<button[^>]*name="language"[^>]*value="zh-hans"[^>]*>\s*简体中文', switch)
    assert re.search(r'<button[^>]*name="language"[^>]*value="en"[^>]*>\s*English', switch)
    assert 'aria-pressed="true"' in switch
    # Back to the page it was chosen on.
    assert f'name="next" value="{page.wsgi_request.get_full_path()}"' in switch


@pytest.mark.parametrize("persona", ["alice", "carol", "olivia"])
def test_the_english_home_has_no_chinese_but_the_data(request, world, persona):
    client = log_in(getattr(world, persona).user)
    choose(client, "en")
    page = client.get(HOME).content.decode()
    data = [
        *Cadre.objects.values_list("name", "title"),
        *Department.objects.values_list("name", flat=True),
        *GrassrootsUnion.objects.values_list("name", flat=True),
        *Problem.objects.values_list("description", flat=True),
        "简体中文",  # the switch names each language in itself
    ]
    for text in sorted(flatten(data), key=len, reverse=True):
        page = page.replace(text, "")
    assert CJK.findall(page) == []


def flatten(items):
    for item in items:
        yield from (item if isinstance(item, tuple) else (item,))


def test_the_language_costs_no_query_on_a_page(settings, alice):
    """The remembered choice is read once, at login; a page reads it from the session, which
    the page loads anyway."""
    chosen = log_in(alice.user)
    choose(chosen, "en")

    def queries(client) -> int:
        client.get(HOME)  # the first request may write the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    with_language = queries(chosen)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "language" not in m.lower()]
    without = queries(log_in(alice.user))
    assert with_language == without
