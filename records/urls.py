from django.urls import path

from records import problem_views, register_views, views

app_name = "records"

urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("new/", views.record_create, name="record-create"),
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/edit/", views.record_edit, name="record-edit"),
    path("<int:pk>/return/", views.record_return, name="record-return"),
    path("<int:pk>/print/", views.record_print, name="record-print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("unions/search/", views.union_search, name="union-search"),
    path("register/", register_views.register, name="register"),
    path("register/export/", register_views.register_export, name="register-export"),
    path("exports/<uuid:pk>/", register_views.export_detail, name="export-detail"),
    path("exports/<uuid:pk>/download/", register_views.export_download, name="export-download"),
    path("problems/", problem_views.my_problems, name="my-problems"),
    path("problems/inbox/", problem_views.inbox, name="inbox"),
    path("problems/ledger/", problem_views.ledger, name="ledger"),
    path("problems/ledger/export/", problem_views.ledger_export, name="ledger-export"),
    path("problems/<int:pk>/", problem_views.problem_detail, name="problem-detail"),
    path(
        "problems/<int:pk>/transfer/",
        problem_views.problem_act,
        {"action": "transfer"},
        name="problem-transfer",
    ),
    path(
        "problems/<int:pk>/accept/",
        problem_views.problem_act,
        {"action": "accept"},
        name="problem-accept",
    ),
    path(
        "problems/<int:pk>/answer/",
        problem_views.problem_act,
        {"action": "answer"},
        name="problem-answer",
    ),
    path(
        "problems/<int:pk>/hand-back/",
        problem_views.problem_act,
        {"action": "hand_back"},
        name="problem-hand-back",
    ),
    path(
        "problems/<int:pk>/feedback/",
        problem_views.problem_act,
        {"action": "feedback"},
        name="problem-feedback",
    ),
    path(
        "problems/<int:pk>/urge/",
        problem_views.problem_act,
        {"action": "urge"},
        name="problem-urge",
    ),
    path(
        "problems/<int:pk>/retransfer/",
        problem_views.problem_act,
        {"action": "retransfer"},
        name="problem-retransfer",
    ),
    path(
        "problems/<int:pk>/deadline/",
        problem_views.problem_act,
        {"action": "set_deadline"},
        name="problem-set-deadline",
    ),
    path(
        "problems/<int:pk>/close/",
        problem_views.problem_act,
        {"action": "close"},
        name="problem-close",
    ),
    path("notifications/", problem_views.notifications, name="notifications"),
    path("notifications/read/", problem_views.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", problem_views.notification_open, name="notification-open"),
]
