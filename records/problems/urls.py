"""The problem loop: my problems, the department inbox, the ledger, a problem, one URL per
step."""

from django.urls import path

from records.problems import views

urlpatterns = [
    path("problems/", views.my_problems, name="my-problems"),
    path("problems/inbox/", views.inbox, name="inbox"),
    path("problems/ledger/", views.ledger, name="ledger"),
    path("problems/ledger/export/", views.ledger_export, name="ledger-export"),
    path("problems/ledger/bulk/", views.ledger_bulk_preview, name="ledger-bulk-preview"),
    path("problems/ledger/bulk/apply/", views.ledger_bulk_apply, name="ledger-bulk-apply"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path(
        "problems/<int:pk>/transfer/",
        views.problem_act,
        {"action": "transfer"},
        name="problem-transfer",
    ),
    path(
        "problems/<int:pk>/accept/",
        views.problem_act,
        {"action": "accept"},
        name="problem-accept",
    ),
    path(
        "problems/<int:pk>/answer/",
        views.problem_act,
        {"action": "answer"},
        name="problem-answer",
    ),
    path(
        "problems/<int:pk>/hand-back/",
        views.problem_act,
        {"action": "hand_back"},
        name="problem-hand-back",
    ),
    path(
        "problems/<int:pk>/feedback/",
        views.problem_act,
        {"action": "feedback"},
        name="problem-feedback",
    ),
    path(
        "problems/<int:pk>/urge/",
        views.problem_act,
        {"action": "urge"},
        name="problem-urge",
    ),
    path(
        "problems/<int:pk>/retransfer/",
        views.problem_act,
        {"action": "retransfer"},
        name="problem-retransfer",
    ),
    path(
        "problems/<int:pk>/deadline/",
        views.problem_act,
        {"action": "set_deadline"},
        name="problem-set-deadline",
    ),
    path(
        "problems/<int:pk>/close/",
        views.problem_act,
        {"action": "close"},
        name="problem-close",
    ),
]
