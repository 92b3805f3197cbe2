"""The bell: notifications, marking them read, opening one."""

from django.urls import path

from records.notifications import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
]
