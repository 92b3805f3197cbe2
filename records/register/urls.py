"""The register of record sheets (备案登记) and its Excel export, built off the request."""

from django.urls import path

from records.register import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/export/", views.register_export, name="register-export"),
    path("exports/<uuid:pk>/", views.export_detail, name="export-detail"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export-download"),
]
