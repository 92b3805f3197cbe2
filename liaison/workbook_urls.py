"""The compliance workbooks, under /compliance/export/ (namespace "workbooks")."""

from django.urls import path

from liaison import workbook_views as views

app_name = "workbooks"

urlpatterns = [
    path("quarter/", views.compliance_export, name="compliance"),
    path("assessment/", views.assessment_export, name="assessment"),
]
