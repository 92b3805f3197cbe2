"""The contact calendar under /plan/ (namespace "plan"): ?month=2026-11, ?week=2026-W48."""

from django.urls import path

from liaison.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.index, name="index"),
    path("cadre/<int:pk>/", views.cadre_month, name="cadre"),
    path("department/<int:pk>/", views.department_month, name="department"),
    path("week/", views.federation_week, name="week"),
]
