"""The year and quarter the counts group by, in each database's own SQL (records.counts): a date
on either side of each quarter's bounds, and an opinion's time in Beijing, not UTC."""

import datetime

import pytest
from django.db.models import F

from liaison.compliance.rules import LocalDate
from liaison.models import Opinion
from records.counts import by_quarter
from records.models import VisitRecord
from tests.factories import OpinionFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db

BOUNDS = [
    (datetime.date(2025, 12, 31), (2025, 4)),
    (datetime.date(2026, 1, 1), (2026, 1)),
    (datetime.date(2026, 3, 31), (2026, 1)),
    (datetime.date(2026, 4, 1), (2026, 2)),
    (datetime.date(2026, 6, 30), (2026, 2)),
    (datetime.date(2026, 7, 1), (2026, 3)),
    (datetime.date(2026, 9, 30), (2026, 3)),
    (datetime.date(2026, 10, 1), (2026, 4)),
]


def test_a_sheets_year_and_quarter_follow_its_date():
    for day, _quarter in BOUNDS:
        VisitRecordFactory(start_date=day, end_date=day)

    rows = by_quarter(VisitRecord.objects.all(), "start_date", "union__street").values_list(
        "start_date", "y", "q"
    )

    assert sorted((day, (y, q)) for day, y, q in rows) == BOUNDS


def test_an_opinions_quarter_is_that_of_its_day_in_beijing():
    # 2026-03-31 17:30 UTC is 2026-04-01 01:30 in Beijing: the second quarter.
    late = OpinionFactory()
    Opinion.objects.filter(pk=late.pk).update(
        created_at=datetime.datetime(2026, 3, 31, 17, 30, tzinfo=datetime.UTC)
    )

    rows = by_quarter(Opinion.objects.all(), LocalDate("created_at"), "union__street")

    assert list(rows.values_list("y", "q", F("union__street"))) == [(2026, 2, late.union.street)]
