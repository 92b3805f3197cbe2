from django.urls import path

from liaison.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit, name="audit"),
    path("export/", views.audit_export, name="export"),
]
