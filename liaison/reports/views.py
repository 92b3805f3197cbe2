"""The summary reported upward to the city federation: a page to choose the period and its
workbook, under /reports/ (namespace "reports"). The organization department's alone."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.reports.forms import ReportForm
from liaison.reports.selectors import upward_report
from liaison.reports.workbooks import report_workbook
from records import excel
from unions.permissions import require_permission


@require_permission("liaison.report_upward")
@require_GET
def report(request):
    form = ReportForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "liaison/upward_report.html", context, status=400)
    if form.is_bound:
        data = form.cleaned_data
        context["report"] = upward_report(
            year=data["year"], quarter=data["quarter"], today=timezone.localdate()
        )
        context["query"] = request.GET.urlencode()
    return render(request, "liaison/upward_report.html", context)


@require_permission("liaison.report_upward")
@require_GET
def download(request):
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "liaison/upward_report.html", {"form": form}, status=400)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    report = upward_report(year=year, quarter=quarter, today=timezone.localdate())
    period = f"{year}-q{quarter}" if quarter else f"{year}"
    return excel.workbook_response(report_workbook(report), f"report-{period}.xlsx")
