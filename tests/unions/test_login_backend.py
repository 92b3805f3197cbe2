"""The login backend reads a request's user with their cadre profile, its department and their
roles (unions/backends.py): the header's name, every `cadre_of` and every `roles_of` cost no
query of their own."""

from unittest import mock

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from tests.factories import CadreFactory, UserFactory
from unions import backends
from unions.roles import Role, cadre_of, roles_of

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


@pytest.mark.parametrize(
    "held",
    [[], [Role.CADRE], [Role.CADRE, Role.DEPARTMENT_HEAD], [Role.CADRE, Role.ORGANIZATION]],
)
def test_the_user_comes_with_their_roles(client, department, held, django_assert_num_queries):
    cadre = CadreFactory(department=department, user__roles=held)
    client.force_login(cadre.user)
    request = request_of(client)

    with django_assert_num_queries(2):  # the session, then the user with their groups' names
        assert roles_of(get_user(request)) == frozenset(held)


def test_a_superuser_is_an_administrator_and_an_inactive_user_has_no_role(client):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)

    assert roles_of(get_user(request_of(client))) == {Role.ADMIN}
    assert roles_of(type(root)(is_active=False)) == frozenset()


def test_the_user_query_is_built_once_and_gives_each_user_their_own(client, department):
    """Resolving the query's joins and subquery was half of reading the user on every request."""
    users = [
        CadreFactory(department=department, user__roles=held).user
        for held in ([Role.CADRE], [Role.CADRE, Role.ORGANIZATION], [])
    ]
    with mock.patch(
        "unions.backends.group_names_subquery", wraps=backends.group_names_subquery
    ) as built:
        read = []
        for user in users:
            client.force_login(user)
            request = request_of(client)
            read.append(get_user(request))

    assert built.call_count <= 1
    assert [u.pk for u in read] == [u.pk for u in users]
    assert [roles_of(u) for u in read] == [
        {Role.CADRE},
        {Role.CADRE, Role.ORGANIZATION},
        set(),
    ]
    assert [cadre_of(u).user_id for u in read] == [u.pk for u in users]
