"""The work record sheets: list, new, detail, edit, return, print, attachments, union search."""

from django.urls import path

from records.sheets import views

urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("export/", views.record_list_export, name="record-list-export"),
    path("new/", views.record_create, name="record-create"),
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/edit/", views.record_edit, name="record-edit"),
    path("<int:pk>/return/", views.record_return, name="record-return"),
    path("<int:pk>/print/", views.record_print, name="record-print"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("unions/search/", views.union_search, name="union-search"),
]
