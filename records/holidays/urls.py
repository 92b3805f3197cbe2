"""A year's holidays: the form, its preview, the save (under /records/calendar/)."""

from django.urls import path

from records.holidays import views

urlpatterns = [
    path("calendar/", views.holidays_next, name="holidays-next"),
    path("calendar/<int:year>/", views.holidays, name="holidays"),
    path("calendar/<int:year>/preview/", views.holidays_preview, name="holidays-preview"),
    path("calendar/<int:year>/save/", views.holidays_save, name="holidays-save"),
]
