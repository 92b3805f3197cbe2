"""The project's URLs plus pages that fail as they would when the database goes away during a
request (PostgreSQL restarting), for the 503 page's tests."""

from django.db import InterfaceError, OperationalError
from django.urls import path

from liaison.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def database_restarting(request, token=None):
    raise OperationalError("terminating connection due to administrator command")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def programming_mistake(request):
    raise ValueError("a bug, not the database")


urlpatterns = [
    path("failing/operational/", database_restarting),
    path("failing/interface/", connection_closed),
    path("failing/bug/", programming_mistake),
    path("u/<str:token>/failing/", database_restarting),
    *urlpatterns,
]
