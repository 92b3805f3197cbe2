"""Security headers, and the Content-Security-Policy every page keeps to: scripts and styles
from our own static files only — no inline <script>, no style="…" attribute, no <style>
element, no onclick=… handler, no javascript: link anywhere in the HTML.

Every page of the permission matrix (tests/test_permission_matrix.py) that a role opens with
200 is fetched as that role and checked, so a new page is checked as soon as it has its row.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import PAGES, ROLES, user_of

INLINE = {
    # A <script> without src= (a JSON data block, never executed, would be allowed).
    "inline script": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
    ),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def inline_code(html: str) -> dict[str, list[str]]:
    return {
        what: [m.group(0)[:120] for m in pattern.finditer(html)]
        for what, pattern in INLINE.items()
        if pattern.search(html)
    }


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_policy_allows_only_our_own_files(client):
    response = client.get(reverse("login"))
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


def test_the_other_security_headers(client):
    response = client.get(reverse("login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("login"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_file_download_and_an_error_page_carry_the_policy_too(login, alice, client):
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers
    assert "Content-Security-Policy" in login(alice).get(reverse("records:union-search")).headers


def test_the_checker_finds_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><div style="width: 5%"></div><style>p{}</style>'
        '<button onclick="go()"></button><a href="javascript:go()"></a>'
        '<script src="/static/js/app.js"></script>'
    )
    assert set(inline_code(html)) == set(INLINE)
    assert inline_code('<script src="/static/js/app.js"></script><p class="x">') == {}


# django_db said outright: `world` is asked for at run time, which pytest-django cannot see
# when it puts the database tests before the transactional ones.
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_opens_has_the_policy_and_no_inline_code(role, request):
    objects = request.getfixturevalue("world")
    client = Client()
    user = user_of(objects, role)
    if user is not None:
        client.force_login(user)
    checked = []
    for name, page in PAGES.items():
        if page.method != "GET" or page.statuses[ROLES.index(role)] != 200:
            continue
        response = client.get(reverse(name, kwargs=page.kwargs(objects)))
        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response.headers, name
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == {}, name
            checked.append(name)
    assert checked


def test_the_login_page_with_an_error_and_the_lockout_page_have_no_inline_code(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert inline_code(response.content.decode()) == {}
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "Content-Security-Policy" in response.headers
    assert inline_code(response.content.decode()) == {}


def test_the_record_sheet_with_its_errors_has_no_inline_code(login, alice):
    response = login(alice).post(reverse("records:record-create"), {"action": "file"})
    assert response.status_code == 400
    assert inline_code(response.content.decode()) == {}


def test_the_admin_index_has_no_inline_code(login, admin_user):
    response = login(admin_user).get(reverse("admin:index"))
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == {}
