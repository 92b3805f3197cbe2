from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from liaison.accounts import urls as accounts_urls
from liaison.compliance import urls as compliance_urls
from liaison.health import views as health_views
from liaison.home import views
from liaison.language import views as language_views

admin.site.site_header = _("Xicheng District Federation of Trade Unions · Contact the grassroots")
admin.site.site_title = _("Contact the grassroots, serve the workers")
admin.site.index_title = _("System administration")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's password change and reset, in the site's layout (templates/registration/).
    path("accounts/", include(accounts_urls.password_urlpatterns)),
    # A user's own settings; activation links for accounts created without a password.
    path("accounts/", include("liaison.accounts.urls")),
    # Django's set_language (django.conf.urls.i18n, same URL and name), remembering a logged-in
    # user's choice. No language prefix in the URLs: they stay as they are.
    path("i18n/setlang/", language_views.set_language, name="set_language"),
    path("records/", include("records.urls")),
    # The assignment desk (联系点分配), coverage, and the Excel import of the organization.
    path("assignments/", include("liaison.assignments.urls")),
    path("meetings/", include("liaison.meetings.urls")),
    # The contact calendar: a cadre's month, a department's month, the federation's week.
    path("plan/", include("liaison.plan.urls")),
    # Quarterly compliance, the freeze of a quarter, the annual assessment.
    path("compliance/", include("liaison.compliance.urls")),
    # 职工诉求分析: needs, problems and opinions by category, street and quarter.
    path("analysis/", include("liaison.analysis.urls")),
    # Their workbooks: the quarterly compliance report and the annual assessment.
    path("compliance/export/", include((compliance_urls.workbook_urlpatterns, "workbooks"))),
    # The summary reported upward to the city federation (quarter or year, Excel).
    path("reports/", include("liaison.reports.urls")),
    # Notice boards, workers' opinions, and the public page of each union (/u/<token>/).
    path("", include("liaison.boards.urls")),
    # One search box over sheets, problems and opinions; the quarter's hot terms (热点).
    path("search/", include("liaison.search.urls")),
    # The audit trail: every change, login and refused access (organization department, 纪检).
    path("audit/", include("liaison.audit.urls")),
    path("admin/", admin.site.urls),
    # For nginx, the monitoring and upgrades: no login, nothing about anyone.
    path("healthz/", health_views.healthz, name="healthz"),
]

# Error pages in Chinese, in the site's layout (the public /u/ pages in theirs).
handler400 = "liaison.errors.views.bad_request"
handler403 = "liaison.errors.views.permission_denied"
handler404 = "liaison.errors.views.page_not_found"
handler500 = "liaison.errors.views.server_error"
