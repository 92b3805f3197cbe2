"""Reads for the record sheet's form: what it needs to propose the days, and the cadre's own
texts to pick again."""

import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from records.calendar import WorkingCalendar, days_in
from records.counts import with_needs
from records.models import REPEATED_TEXTS, CalendarDay, ResearchTopic, VisitRecord
from records.sheets.forms import RecordFilterForm
from records.terms.search import matching
from unions.models import Cadre, Department
from unions.permissions import sees_everything

YEARS_OFFERED = 5


def days_planner(cadre: Cadre, *, today: datetime.date, record: VisitRecord | None = None):
    """What the sheet needs to propose its days in the browser (record_form.js) for a contact
    from the start of last year to the end of this one, in two queries:

    - the working-day calendar, as the dates where it differs from Monday to Friday
      (`rest`: weekdays off, `work`: working weekends) — or `all_days` when rest days count;
    - `filed`: the days the cadre has already filed on each date, spread over each sheet's
      working days as the filing rule spreads them (records.sheets.services).

    Filing checks the days again: this only spares the cadre the arithmetic."""
    first, last = datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31)
    calendar = WorkingCalendar.with_overrides(
        first,
        last,
        dict(
            CalendarDay.objects.filter(date__range=(first, last)).values_list(
                "date", "is_working_day"
            )
        ),
    )
    rest, work = [], []
    for date in days_in(first, last):
        working = calendar.is_working_day(date)
        if working != (date.weekday() < 5):
            (work if working else rest).append(date.isoformat())
    sheets = (
        VisitRecord.objects.filed()
        .filter(cadre=cadre, start_date__gte=first, end_date__lte=last, days__gt=0)
        .values_list("start_date", "end_date", "days")
    )
    if record is not None and record.pk:
        sheets = sheets.exclude(pk=record.pk)  # a returned sheet filed again
    filed: dict[str, float] = {}
    for start, end, days in sheets:
        dates = [
            date
            for date in days_in(start, end)
            if settings.RECORDS_COUNT_REST_DAYS or calendar.is_working_day(date)
        ]
        for date in dates:  # none: a sheet on rest days counts 0, it is not in the query
            key = date.isoformat()
            filed[key] = filed.get(key, 0) + float(days) / len(dates)
    return {
        "all_days": settings.RECORDS_COUNT_REST_DAYS,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rest": rest,
        "work": work,
        "filed": filed,
    }


RECENT_TEXTS = 5
RECENT_SHEETS = 30  # read to find them: enough for 5 distinct texts of a cadre's usual


def recent_texts(cadre: Cadre, *, exclude: VisitRecord | None = None) -> dict[str, list[str]]:
    """The cadre's last distinct entries of each repeated text, newest first, from their own
    sheets only (drafts too: what they typed is theirs), in one query."""
    sheets = VisitRecord.objects.filter(cadre=cadre).order_by("-updated_at", "-pk")
    if exclude is not None and exclude.pk:
        sheets = sheets.exclude(pk=exclude.pk)
    found: dict[str, list[str]] = {name: [] for name in REPEATED_TEXTS}
    for row in sheets.values_list(*REPEATED_TEXTS)[:RECENT_SHEETS]:
        for name, text in zip(REPEATED_TEXTS, row, strict=True):
            text = text.strip()
            if text and text not in found[name] and len(found[name]) < RECENT_TEXTS:
                found[name].append(text)
    return found


def topics_to_tag(user, record: VisitRecord):
    """The research topics a sheet may be tagged with: those open today that the cadre may see,
    and the one it already has (a topic that has since ended stays chosen)."""
    today = timezone.localdate()
    visible = ResearchTopic.objects.visible_to(user)
    current = Q(pk=record.topic_id) if record.topic_id else Q(pk__in=[])
    return ResearchTopic.objects.filter(
        current | Q(pk__in=visible.open_on(today).values("pk"))
    ).order_by("-starts_on", "pk")


def filtered_records(user, data) -> tuple[RecordFilterForm, QuerySet]:
    """The record list's filter form for `user` and the sheets it selects, newest first: the
    one filter that the list, its export and every figure linking to it use.

    The filters only narrow what `user` may read (VisitRecord.visible_to): the cadre and the
    department offered are those of the sheets in that scope, another's id is a form error,
    and a form with an error selects nothing rather than everything."""
    today = timezone.localdate()
    records = VisitRecord.objects.visible_to(user)
    if sees_everything(user):
        # Every cadre and department: asking which ones wrote a sheet read every sheet (~15 ms
        # of the page on the bench data, PostgreSQL).
        cadres, departments = Cadre.objects.all(), Department.objects.all()
    else:
        cadres = Cadre.objects.filter(pk__in=records.values("cadre"))
        departments = Department.objects.filter(pk__in=cadres.values("department"))
    form = RecordFilterForm(
        data or None,
        years=range(today.year, today.year - YEARS_OFFERED, -1),
        cadres=cadres.order_by("name", "pk"),
        departments=departments.order_by("name"),
    )
    records = records.select_related("cadre", "union").order_by(
        # A draft without dates yet is work to finish: first, on every database.
        F("start_date").desc(nulls_first=True),
        "-pk",
    )
    if not data:
        return form, records
    if not form.is_valid():
        return form, records.none()
    return form, _narrowed(records, form.cleaned_data)


def _narrowed(records, data: dict):
    exact = {
        "start_date__year": data["year"],
        "start_date__quarter": data["quarter"],
        "start_date__gte": data["start"],
        "start_date__lte": data["end"],
        "union__name__icontains": data["union"],
        "status": data["status"],
        "contact_form": data["contact_form"],
        "union__street": data["street"],
        "topic": data["topic"],
        "cadre": data["cadre"],
        "cadre__department": data["department"],
    }
    records = records.filter(**{name: value for name, value in exact.items() if value})
    if data["integrity"]:
        records = records.integrity_exceptions()
    if data["outside"]:
        records = records.filter(outside_assignment=True)
    if data["needs"]:
        records = with_needs(records)
    if data["q"]:
        records = matching(records, data["q"])
    return records
