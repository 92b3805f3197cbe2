"""The login backend reads a request's user with their cadre profile and its department
(unions/backends.py): the header's name and every `cadre_of` cost no query of their own."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from tests.factories import CadreFactory, UserFactory
from unions.roles import cadre_of

pytestmark = pytest.mark.django_db


def request_of(client):
    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_the_user_comes_with_their_cadre_and_department(
    client, department, django_assert_num_queries
):
    cadre = CadreFactory(department=department)
    client.force_login(cadre.user)
    request = request_of(client)

    with django_assert_num_queries(2):  # the session, then the user with the cadre
        user = get_user(request)
        assert cadre_of(user) == cadre
        assert cadre_of(user).department.name == department.name


def test_a_user_without_a_cadre_profile_has_none_without_a_query(client, django_assert_num_queries):
    client.force_login(UserFactory())
    request = request_of(client)

    with django_assert_num_queries(2):
        assert cadre_of(get_user(request)) is None


def test_a_user_read_elsewhere_still_finds_their_cadre(department, django_assert_num_queries):
    cadre = CadreFactory(department=department)
    user = type(cadre.user).objects.get(pk=cadre.user.pk)

    with django_assert_num_queries(1):
        assert cadre_of(user) == cadre
