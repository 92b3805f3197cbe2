"""The working-day calendar on real dates: overrides, then the statutory calendar, then Mon–Fri."""

import datetime

import pytest

from records.calendar import (
    Source,
    WorkingCalendar,
    add_working_days,
    calendar_load_year,
    is_working_day,
    quarter_bounds,
    quarter_of,
    quarter_span,
    working_days_between,
)
from records.models import CalendarDay
from tests.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("date", "working"),
    [
        # Spring Festival 2025: 1-28 to 2-4 off; Sunday 1-26 and Saturday 2-8 are worked.
        (D(2025, 1, 26), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 4), False),
        (D(2025, 2, 8), True),
        # National Day 2025: 10-1 to 10-8 off; Sunday 9-28 and Saturday 10-11 are worked.
        (D(2025, 9, 28), True),
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),
        # Spring Festival 2026: 2-15 to 2-23 off; Saturdays 2-14 and 2-28 are worked.
        (D(2026, 2, 14), True),
        (D(2026, 2, 16), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),
        # National Day 2026: 10-1 to 10-7 off; Sunday 9-20 and Saturday 10-10 are worked.
        (D(2026, 9, 20), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
        # An ordinary week.
        (D(2026, 11, 24), True),
        (D(2026, 11, 28), False),
    ],
)
def test_statutory_holidays_and_adjusted_working_days(date, working):
    assert is_working_day(date) is working
    assert WorkingCalendar(date, date).lookup(date)[1] == Source.STATUTORY


def test_an_administrators_override_comes_first():
    CalendarDayFactory(date=D(2026, 11, 24), is_working_day=False, note="区里停电")
    assert WorkingCalendar(D(2026, 11, 24), D(2026, 11, 24)).lookup(D(2026, 11, 24)) == (
        False,
        Source.OVERRIDE,
    )


def test_a_year_the_library_does_not_know_falls_back_to_monday_to_friday():
    calendar = WorkingCalendar(D(2027, 1, 1), D(2027, 1, 10))
    assert calendar.lookup(D(2027, 1, 4)) == (True, Source.WEEKDAYS)
    assert calendar.lookup(D(2027, 1, 9)) == (False, Source.WEEKDAYS)
    assert calendar.estimated_years() == [2027]


def test_a_year_with_the_administrators_days_is_no_longer_an_estimate():
    CalendarDayFactory(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    calendar = WorkingCalendar(D(2027, 1, 1), D(2027, 1, 10))
    assert calendar.lookup(D(2027, 1, 1)) == (False, Source.OVERRIDE)
    assert calendar.estimated_years() == []


def test_a_covered_year_is_not_an_estimate():
    assert WorkingCalendar(D(2026, 1, 1), D(2026, 12, 31)).estimated_years() == []


def test_counting_working_days_over_national_day_2026():
    # 9-28 (Mon) to 10-11 (Sun): 9-28..9-30 (3) + 10-8, 10-9, 10-10 (3) = 6.
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 11)) == 6
    assert working_days_between(D(2026, 10, 11), D(2026, 9, 28)) == 0


def test_the_2026_year_has_its_statutory_number_of_working_days():
    # 261 weekdays, less 19 weekday holidays, plus 6 make-up weekend days
    # (1-4, 2-14, 2-28, 5-9, 9-20, 10-10).
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 261 - 19 + 6


def test_adding_working_days_skips_the_holiday():
    # 15 working days after Friday 2026-09-25 (Mid-autumn, a holiday itself).
    assert add_working_days(D(2026, 9, 25), 1) == D(2026, 9, 28)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_loading_a_year_copies_the_exceptions_once():
    created = calendar_load_year(year=2026)
    assert created == CalendarDay.objects.filter(date__year=2026).count()
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).is_working_day is True
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).is_working_day is False
    assert not CalendarDay.objects.filter(date=D(2026, 11, 24)).exists()
    assert calendar_load_year(year=2026) == 0


def test_loading_a_year_the_library_does_not_know_is_refused():
    with pytest.raises(ValueError):
        calendar_load_year(year=2027)


def test_the_administrator_loads_a_year_from_the_admin(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    url = reverse("admin:records_calendarday_load_year")
    page = client.get(url)
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["year"].choices] == [
        2024,
        2025,
        2026,
    ]
    response = client.post(url, {"year": 2026})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).is_working_day is True
    assert client.post(url, {"year": 2027}).status_code == 200  # not offered: a form error
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_cadre_cannot_load_a_year(client, alice):
    from django.urls import reverse

    client.force_login(alice.user)
    response = client.get(reverse("admin:records_calendarday_load_year"))
    assert response.status_code == 302  # to the admin login: not staff


def test_the_quarter_of_a_date():
    assert quarter_span(datetime.date(2026, 11, 24)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert quarter_span(datetime.date(2026, 2, 28)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert quarter_span(datetime.date(2026, 6, 30)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )


def test_quarter_bounds_and_the_quarter_of_a_date():
    assert quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_bounds(2026, 2) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert [quarter_of(datetime.date(2026, m, 15)) for m in range(1, 13)] == [
        1,
        1,
        1,
        2,
        2,
        2,
        3,
        3,
        3,
        4,
        4,
        4,
    ]
