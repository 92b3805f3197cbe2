"""The compliance dashboard, the freeze of a quarter and the annual assessment, under
/compliance/ (namespace "compliance")."""

from django.urls import path

from liaison import compliance_views as views

app_name = "compliance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:year>/q<int:quarter>/freeze/", views.freeze, name="freeze"),
    path("assessment/", views.assessment, name="assessment"),
]
