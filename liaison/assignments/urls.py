"""The assignment desk and the organization import, under /assignments/ (namespace
"assignments")."""

from django.urls import path

from liaison.assignments import views

app_name = "assignments"

urlpatterns = [
    path("", views.desk_current, name="desk-current"),
    path("<int:year>/", views.desk, name="desk"),
    path("<int:year>/cadres/<int:pk>/", views.cadre, name="cadre"),
    path("<int:year>/cadres/<int:pk>/add/", views.assignment_add, name="assignment-add"),
    path("points/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("<int:year>/roll-over/", views.roll_over, name="roll-over"),
    path("<int:year>/coverage/", views.coverage, name="coverage"),
    path("<int:year>/coverage/uncovered/", views.uncovered, name="uncovered"),
    path(
        "<int:year>/coverage/uncovered/assign/",
        views.uncovered_assign,
        name="uncovered-assign",
    ),
    path("<int:year>/coverage/shared/", views.shared, name="shared"),
    path(
        "<int:year>/coverage/cadres-without-units/",
        views.cadres_without_units,
        name="cadres-without-units",
    ),
    path("import/", views.import_org, name="import"),
    path("import/template/", views.import_template, name="import-template"),
]
