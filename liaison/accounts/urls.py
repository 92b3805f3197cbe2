"""Accounts: the settings page, activation, the accounts to activate (namespace "accounts"), and
Django's own password views under their own names (Django's views reverse those names)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("activation/", views.activation_list, name="activation-list"),
    path("activation/sheet/", views.activation_sheet, name="activation-sheet"),
    path("activation/send/", views.activation_send, name="activation-send"),
]

password_urlpatterns = [
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", views.ResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
