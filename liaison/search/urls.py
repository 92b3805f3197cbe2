"""One search box over record sheets, problems and opinions; the hot terms of a quarter."""

from django.urls import path

from liaison.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
]
