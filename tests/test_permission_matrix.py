"""Who may open what: every page of the project × every role → the expected status.

The URL conf is walked (includes too), and every named page of the project's apps must have a
row in PAGES — a new page cannot be forgotten: its test fails until someone writes down who may
open it. Each row's URL is filled with alice's own objects (her record sheet, problem,
attachment, the opinion left on her union, her notification, her export …), so every other
role is "guessing another's id". The answer expected is the one the app gives for a refusal:
302 to the login page for an anonymous visitor, 403 for a page a role may not use, 404 for an
object the user may not see (as if the id did not exist), 405 for a wrong method.

An action (POST) is posted empty: who may act gets past the permission check (a form error
400, or a redirect when there is nothing to fill in); who may not is refused first.
Each request runs in a savepoint rolled back after it, so the roles all meet the same data.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.helpers import PAGES, ROLES, project_url_names, user_of


def test_every_page_of_the_project_has_a_row_in_the_matrix():
    names = project_url_names()
    assert names, "the walker found no page"
    assert sorted(names - PAGES.keys()) == [], "pages nobody said who may open"
    assert sorted(PAGES.keys() - names) == [], "rows for pages that no longer exist"


@pytest.mark.parametrize(
    "name", sorted(name for name, page in PAGES.items() if page.method == "POST")
)
def test_an_action_is_not_taken_by_a_get(name, world, client):
    client.force_login(world.olivia.user)
    response = client.get(reverse(name, kwargs=PAGES[name].kwargs(world)))
    assert response.status_code == 405


@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_open_the_page(name, world):
    page = PAGES[name]
    url = reverse(name, kwargs=page.kwargs(world))
    actual = {}
    for role in ROLES:
        client = Client()
        user = user_of(world, role)
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = getattr(client, page.method.lower())(url)
            transaction.set_rollback(True)
        status = response.status_code
        if role == "anonymous" and status == 302 and not page.open_to_anonymous:
            assert response["Location"].startswith(reverse("login")), response["Location"]
        actual[role] = status
    assert actual == dict(zip(ROLES, page.statuses, strict=True)), f"{tuple(actual.values())}"
