"""The sheet's dates and days: counts start empty, a draft keeps its days empty, and the page
carries what the browser needs to propose the days (records.sheets.selectors.days_planner).

Today is Tuesday 2026-11-24."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import CalendarDay, VisitRecord
from records.sheets.selectors import days_planner
from tests.factories import VisitRecordFactory
from tests.helpers import D, filed, form_values, sheet

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 24)
# The new sheet's page: session, user (with the cadre and the roles: unions/backends.py), the
# cadre's units and their names, the days planner's two (calendar overrides, filed days), the
# bell's count, the problem form's departments and leaders, the cadre's last texts and the
# research topics to tag it with.
FORM_PAGE_QUERIES = 11


def test_a_new_sheet_starts_on_today_with_its_counts_empty(as_alice, unit):
    values = form_values(as_alice.get(reverse("records:record-create")))

    assert values["start_date"] == values["end_date"] == ["2026-11-24"]
    assert values["days"] == [""]
    assert values["workers_met"] == [""]


def test_a_draft_saved_without_days_keeps_them_empty(as_alice, alice, unit):
    as_alice.post(reverse("records:record-create"), sheet(unit, days="", action="draft"))

    record = VisitRecord.objects.get(cadre=alice)
    assert record.days is None
    values = form_values(as_alice.get(reverse("records:record-edit", args=[record.pk])))
    assert values["days"] == [""]
    assert "—" in as_alice.get(reverse("records:record-detail", args=[record.pk])).text


def test_a_sheet_is_not_filed_without_its_days(as_alice, unit):
    response = as_alice.post(reverse("records:record-create"), sheet(unit, days=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {"days": ["备案时必须填写。"]}


def test_a_draft_with_0_workers_met_shows_the_box_empty(as_alice, alice, unit):
    record = VisitRecordFactory(cadre=alice, union=unit, status=VisitRecord.Status.DRAFT)
    record.workers_met = 0
    record.save()

    values = form_values(as_alice.get(reverse("records:record-edit", args=[record.pk])))

    assert values["workers_met"] == [""]
    assert values["days"] == [str(record.days)]


def test_the_planner_lists_where_the_calendar_differs_from_monday_to_friday(alice):
    CalendarDay.objects.create(date=D(2026, 12, 31), is_working_day=False, note="示例")

    planner = days_planner(alice, today=TODAY)

    assert (planner["from"], planner["to"]) == ("2025-01-01", "2026-12-31")
    # Spring Festival 2026: a weekday off, and Saturday 02-14 a make-up working day.
    assert "2026-02-16" in planner["rest"]
    assert "2026-02-14" in planner["work"]
    assert "2026-10-01" in planner["rest"] and "2026-10-10" in planner["work"]
    assert "2026-12-31" in planner["rest"]  # the administrator's override
    assert "2026-11-24" not in planner["rest"]


def test_the_planner_spreads_each_filed_sheets_days_over_its_working_days(alice, bob, unit):
    # Friday 11-20 to Monday 11-23: two working days, 1.5 days, 0.75 each.
    filed(alice, unit, D(2026, 11, 20), end=D(2026, 11, 23), days="1.5")
    filed(alice, unit, D(2026, 11, 23), days="0.5")
    filed(bob, unit, D(2026, 11, 24), days="1")  # another cadre's
    VisitRecordFactory(
        cadre=alice, union=unit, start_date=TODAY, end_date=TODAY, status=VisitRecord.Status.DRAFT
    )  # a draft takes up nothing

    planner = days_planner(alice, today=TODAY)

    assert planner["filed"] == {"2026-11-20": 0.75, "2026-11-23": 1.25}


def test_the_planner_leaves_out_the_sheet_being_filed_again(alice, unit):
    returned = filed(alice, unit, D(2026, 11, 23), days="1")

    assert days_planner(alice, today=TODAY, record=returned)["filed"] == {}


def test_the_planner_counts_every_date_when_rest_days_count(alice, unit, settings):
    settings.RECORDS_COUNT_REST_DAYS = True
    filed(alice, unit, D(2026, 11, 21), end=D(2026, 11, 22), days="1")  # a weekend

    planner = days_planner(alice, today=TODAY)

    assert planner["all_days"] is True
    assert planner["filed"] == {"2026-11-21": 0.5, "2026-11-22": 0.5}


def test_the_form_page_costs_the_same_queries_for_1_filed_sheet_and_for_11(
    as_alice, alice, unit, django_assert_num_queries
):
    url = reverse("records:record-create")
    filed(alice, unit, D(2026, 11, 2))
    as_alice.get(url)  # the session is warm from here on
    with CaptureQueriesContext(connection) as one_sheet:
        as_alice.get(url)

    for day in range(3, 13):
        filed(alice, unit, D(2026, 11, day), days=Decimal("0.5"))
    with django_assert_num_queries(len(one_sheet)):
        response = as_alice.get(url)

    assert response.status_code == 200
    assert len(one_sheet) == FORM_PAGE_QUERIES
