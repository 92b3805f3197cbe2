"""The summary reported upward, under /reports/ (namespace "reports")."""

from django.urls import path

from liaison.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("download/", views.download, name="download"),
]
