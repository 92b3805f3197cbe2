"""The year's holidays form: open it (the year's overrides, the statutory calendar's, or the
notice's seven names), preview what it changes against Monday–Friday, save it as the year's
overrides through records.calendar.calendar_days_set."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from records.calendar import calendar_days_set, library_covers
from records.holidays import selectors
from records.holidays.forms import HolidayFormSet
from unions.permissions import require_permission

PREFIX = "holiday"


def _year_or_404(year: int) -> int:
    """Last year to two years ahead: the notice comes in November for the next year."""
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 2:
        raise Http404
    return year


def _page(request, year: int, formset, *, preview=None, status: int = 200, source: str = ""):
    version, last_known = selectors.library_reach()
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "formset": formset,
        "preview": preview,
        "groups_resting": preview and selectors.by_holiday(preview.weekdays_resting),
        "groups_working": preview and selectors.by_holiday(preview.weekends_working),
        "library_version": version,
        "library_last_year": last_known,
        "library_knows": library_covers(year),
        "source": source,
        "years": range(this_year - 1, this_year + 3),
    }
    return render(request, "records/holidays.html", context, status=status)


@require_permission("records.set_calendar")
def holidays_next(request):
    """The year to enter: next year from October (the notice's season), this year before."""
    today = timezone.localdate()
    return redirect("records:holidays", year=today.year + (1 if today.month >= 10 else 0))


@require_permission("records.set_calendar")
def holidays(request, year: int):
    year = _year_or_404(year)
    if request.GET.get("from") == "library" and library_covers(year):
        rows, source = selectors.library_rows(year), "library"
    else:
        rows = selectors.stored_rows(year)
        source = "stored" if rows else ""
        rows = rows or selectors.blank_rows()
    formset = HolidayFormSet(initial=rows, prefix=PREFIX, form_kwargs={"year": year})
    return _page(request, year, formset, source=source)


def _bound(request, year: int):
    return HolidayFormSet(request.POST, prefix=PREFIX, form_kwargs={"year": year})


@require_POST
@require_permission("records.set_calendar")
def holidays_preview(request, year: int):
    year = _year_or_404(year)
    formset = _bound(request, year)
    if not formset.is_valid():
        return _page(request, year, formset, status=400)
    return _page(
        request, year, formset, preview=selectors.holiday_preview(year, formset.overrides())
    )


@require_POST
@require_permission("records.set_calendar")
def holidays_save(request, year: int):
    year = _year_or_404(year)
    formset = _bound(request, year)
    if not formset.is_valid():
        return _page(request, year, formset, status=400)
    overrides = formset.overrides()
    preview = selectors.holiday_preview(year, overrides)
    if request.POST.get("previewed") != preview.digest:
        # Changed since the preview (or never previewed): show what it will do first.
        messages.warning(request, _("The form changed since the preview: check it and save again."))
        return _page(request, year, formset, preview=preview, status=409)
    calendar_days_set(overrides=overrides, replace_year=year, user=request.user)
    messages.success(
        request,
        _("The calendar of %(year)s is saved: %(days)s working days.")
        % {"year": year, "days": preview.after_count},
    )
    return redirect("records:holidays", year=year)
