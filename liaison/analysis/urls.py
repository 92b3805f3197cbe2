"""职工诉求分析: the page and its workbook, under /analysis/ (namespace "analysis")."""

from django.urls import path

from liaison.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.analysis, name="page"),
    path("export/", views.analysis_export, name="export"),
]
