"""The login backend: Django's ModelBackend, reading a request's user with their cadre profile,
its department and the names of their groups (the roles) in the same query. Every page shows
the cadre in its header and asks for the roles (`unions.roles`): two queries of their own on
every request, a third of a cached home's (BENCHMARKS.md)."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from unions.roles import GROUP_SEPARATOR


class JoinedNames(Aggregate):
    """The group's values joined by GROUP_SEPARATOR, in each database's own aggregate (Django
    5.2 has one for PostgreSQL only)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(GROUP_SEPARATOR), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def group_names_subquery():
    """The names of the user's groups joined by GROUP_SEPARATOR ('' for none)."""
    names = (
        Group.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(names=JoinedNames("name"))
        .values("names")
    )
    return Coalesce(Subquery(names, output_field=CharField()), Value(""))


@functools.cache
def users_with_profile():
    """Every request's user query, built once per process: resolving the joins and the groups'
    subquery cost more than half of reading the user (~0.7 of 1.3 ms). Each request filters a
    copy of it; this one is never evaluated."""
    return (
        get_user_model()
        ._default_manager.select_related("cadre__department")
        .annotate(liaison_group_names=group_names_subquery())
    )


class CadreModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = users_with_profile()
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
