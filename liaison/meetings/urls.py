from django.urls import path

from liaison.meetings import views as meeting_views

app_name = "meetings"

urlpatterns = [
    path("", meeting_views.meeting_list, name="list"),
    path("<int:pk>/", meeting_views.meeting_detail, name="detail"),
    path("<int:pk>/record/", meeting_views.meeting_record, name="record"),
    path("<int:pk>/decide/<int:problem_pk>/", meeting_views.meeting_decide, name="decide"),
    path("<int:pk>/topic/", meeting_views.meeting_pick_topic, name="pick-topic"),
    path("<int:pk>/print/", meeting_views.meeting_print, name="print"),
    path("<int:pk>/export/", meeting_views.meeting_export, name="export"),
]
