from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from liaison import views

admin.site.site_header = "西城区总工会 联系基层、服务职工"
admin.site.site_title = "联系基层、服务职工"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
