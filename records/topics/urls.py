"""Research topics (调研课题): list and new, a topic's page, its brief and its workbook."""

from django.urls import path

from records.topics import views

urlpatterns = [
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<int:pk>/", views.topic_detail, name="topic-detail"),
    path("topics/<int:pk>/print/", views.topic_print, name="topic-print"),
    path("topics/<int:pk>/export/", views.topic_export, name="topic-export"),
]
