"""The analysis page and its workbook: the quarter chosen in the URL (this quarter by default),
figures scoped to the viewer (liaison.analysis.selectors)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.analysis import charts, workbook
from liaison.analysis.forms import QuarterForm
from liaison.analysis.selectors import analysis_figures
from records import excel
from records.counts import Quarter
from unions.permissions import require_permission


def _quarter(request):
    """The form and the quarter it names (this quarter when it names none or a wrong one)."""
    today = timezone.localdate()
    current = Quarter.of(today)
    form = QuarterForm(
        request.GET or {"year": current.year, "quarter": current.quarter},
        years=range(today.year, today.year - 5, -1),
    )
    if form.is_valid():
        return form, Quarter(form.cleaned_data["year"], form.cleaned_data["quarter"]), today
    return form, current, today


@require_permission("liaison.view_analysis")
@require_GET
def analysis(request):
    form, quarter, today = _quarter(request)
    figures = analysis_figures(request.user, quarter, today)
    context = {
        "form": form,
        "figures": figures,
        "heat_map": charts.heat_map(figures["heat"]),
        "trend_charts": charts.trend_lines(figures["trends"]),
        "trend": charts.TREND_GEOMETRY,
        "export_query": f"year={quarter.year}&quarter={quarter.quarter}",
        # 本季度职工关注热点: the hot-terms selector's rows, wired in where it is built (the
        # search feature); the section is left out while there are none.
        "hot_terms": [],
    }
    return render(request, "liaison/analysis/page.html", context)


@require_permission("liaison.view_analysis")
@require_GET
def analysis_export(request):
    _form, quarter, today = _quarter(request)
    figures = analysis_figures(request.user, quarter, today)
    book = workbook.analysis_workbook(figures)
    return excel.workbook_response(book, f"analysis-{quarter.year}-q{quarter.quarter}.xlsx")
