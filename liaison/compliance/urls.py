"""The compliance dashboard, the freeze of a quarter and the annual assessment, under
/compliance/ (namespace "compliance"), and their workbooks under /compliance/export/
(namespace "workbooks")."""

from django.urls import path

from liaison.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:year>/q<int:quarter>/freeze/", views.freeze, name="freeze"),
    path("assessment/", views.assessment, name="assessment"),
]

workbook_urlpatterns = [
    path("quarter/", views.compliance_export, name="compliance"),
    path("assessment/", views.assessment_export, name="assessment"),
]
