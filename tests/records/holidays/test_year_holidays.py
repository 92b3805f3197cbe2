"""The organization department enters next year's holidays as the State Council's notice
writes them, sees what they change against Monday–Friday, and saves them in one go. Today is
Tuesday 2026-11-24; the chinesecalendar package knows the years up to 2026."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from records import calendar
from records.calendar import working_days_between
from records.holidays.forms import parse_day
from records.models import CalendarDay
from tests.factories import CalendarDayFactory
from tests.helpers import form_values

pytestmark = pytest.mark.django_db
D = datetime.date
FORM = reverse("records:holidays", kwargs={"year": 2027})
PREVIEW = reverse("records:holidays-preview", kwargs={"year": 2027})
SAVE = reverse("records:holidays-save", kwargs={"year": 2027})

# 2027: 1 January is a Friday, 1 October a Friday; 26 September a Sunday, 9 October a Saturday.
NOTICE = [
    ("元旦", "1月1日", "", ""),
    ("国庆节", "10月1日", "7日", "9月26日（星期日）、10月9日（星期六）"),
]


def rows(*entries) -> dict:
    """The form's POST for these rows (name, rest from, rest until, make-up days)."""
    data = {
        "holiday-TOTAL_FORMS": str(len(entries)),
        "holiday-INITIAL_FORMS": "0",
        "holiday-MIN_NUM_FORMS": "0",
        "holiday-MAX_NUM_FORMS": "30",
    }
    for index, (name, start, end, makeup) in enumerate(entries):
        data |= {
            f"holiday-{index}-name": name,
            f"holiday-{index}-rest_start": start,
            f"holiday-{index}-rest_end": end,
            f"holiday-{index}-makeup": makeup,
        }
    return data


def sent_back(response) -> dict:
    """What the browser sends back from the page, one value per name."""
    return {name: values[0] for name, values in form_values(response).items()}


def previewed(client, entries=NOTICE) -> dict:
    response = client.post(PREVIEW, rows(*entries))
    assert response.status_code == 200
    return sent_back(response)


def test_the_form_opens_with_the_notices_holidays_and_says_what_the_package_knows(login, olivia):
    response = login(olivia).get(FORM)
    assert response.status_code == 200
    names = [v for k, v in sent_back(response).items() if k.endswith("-name")]
    assert names[:7] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    library = response.content.decode()
    assert "chinesecalendar" in library and "2026" in library
    assert 'data-testid="from-library"' not in library  # it does not know 2027


def test_the_preview_shows_what_changes_against_monday_to_friday(login, olivia):
    response = login(olivia).post(PREVIEW, rows(*NOTICE))
    preview = response.context["preview"]
    assert (preview.weekdays_count, preview.current_count, preview.after_count) == (261, 261, 257)
    assert [o.date for o in preview.weekdays_resting] == [
        D(2027, 1, 1),
        D(2027, 10, 1),
        D(2027, 10, 4),
        D(2027, 10, 5),
        D(2027, 10, 6),
        D(2027, 10, 7),
    ]
    assert [o.date for o in preview.weekends_working] == [D(2027, 9, 26), D(2027, 10, 9)]
    page = response.content.decode()
    assert "10月4日（星期一）" in page and "9月26日（星期日）" in page
    assert 'data-testid="save"' in page
    assert not CalendarDay.objects.exists()  # a preview saves nothing


def test_saving_writes_the_years_overrides_and_the_form_reopens_with_them(login, olivia):
    client = login(olivia)
    response = client.post(SAVE, previewed(client))
    assert response.status_code == 302
    assert CalendarDay.objects.count() == 1 + 7 + 2
    assert working_days_between(D(2027, 1, 1), D(2027, 12, 31)) == 257
    saturday = CalendarDay.objects.get(date=D(2027, 10, 9))
    assert (saturday.is_working_day, saturday.note) == (True, "国庆节 调休上班")
    assert saturday.history.get().history_user == olivia.user
    values = sent_back(client.get(FORM))
    national_day = next(k for k, v in values.items() if v == "国庆节").removesuffix("name")
    assert [values[national_day + f] for f in ("rest_start", "rest_end", "makeup")] == [
        "10月1日",
        "10月7日",
        "9月26日、10月9日",
    ]


def test_saving_replaces_the_years_other_overrides_and_leaves_other_years(login, olivia):
    CalendarDayFactory(date=D(2027, 3, 1), is_working_day=False, note="旧的")
    CalendarDayFactory(date=D(2026, 12, 31), is_working_day=False, note="今年的")
    client = login(olivia)
    data = previewed(client)
    assert client.post(PREVIEW, data).context["preview"].removed == 1
    client.post(SAVE, data)
    assert not CalendarDay.objects.filter(date=D(2027, 3, 1)).exists()
    assert CalendarDay.objects.filter(date=D(2026, 12, 31)).exists()


def test_a_save_of_what_was_not_previewed_shows_the_preview_first(login, olivia):
    client = login(olivia)
    data = previewed(client)
    data["holiday-1-rest_end"] = "10月8日"  # changed after the preview
    response = client.post(SAVE, data)
    assert response.status_code == 409
    assert response.context["preview"].after_count == 256
    assert not CalendarDay.objects.exists()
    assert client.post(SAVE, sent_back(response)).status_code == 302  # the new preview saves


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            ("国庆节", "10月7日", "10月1日", ""),
            "rest_end",
            "放假结束日（10月1日）早于开始日（10月7日）",
        ),
        (("国庆节", "2026-10-01", "", ""), "rest_start", "10月1日不在2027年内"),
        (("国庆节", "10月1日", "7日", "9月29日"), "makeup", "9月29日是星期三，不是周末"),
        (("国庆节", "十月一日", "", ""), "rest_start", "“十月一日”不是日期"),
        (("", "10月1日", "", ""), "name", "请写明节日名称"),
    ],
)
def test_a_mistake_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    login, olivia, row, field, message
):
    data = rows(("元旦", "1月1日", "", ""), row)
    response = login(olivia).post(PREVIEW, data)
    assert response.status_code == 400
    errors = response.context["formset"].forms[1].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode()
    back = sent_back(response)
    assert {k: back.get(k, "") for k in data if k.startswith("holiday-1")} == {
        k: v for k, v in data.items() if k.startswith("holiday-1")
    }
    assert not CalendarDay.objects.exists()


def test_overlapping_rest_days_are_refused_on_the_later_row(login, olivia):
    response = login(olivia).post(
        PREVIEW, rows(("中秋节", "9月15日", "9月17日", ""), ("国庆节", "9月17日", "10月7日", ""))
    )
    assert response.status_code == 400
    errors = response.context["formset"].forms[1].errors
    assert "与“中秋节”的放假日期重叠" in errors["rest_start"][0]


def test_a_failure_half_way_saves_nothing(login, olivia):
    CalendarDayFactory(date=D(2027, 3, 1), is_working_day=False, note="旧的")
    client = login(olivia)
    data = previewed(client)
    real_save, calls = CalendarDay.save, []

    def save(day, *args, **kwargs):
        calls.append(day.date)
        if len(calls) == 5:
            raise DatabaseError("the disk gave up")
        return real_save(day, *args, **kwargs)

    with mock.patch.object(CalendarDay, "save", save), pytest.raises(DatabaseError):
        client.post(SAVE, data)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 3, 1)]
    assert CalendarDay.history.count() == 1  # the factory's row alone


def test_a_year_the_package_knows_fills_the_form_from_it(login, olivia):
    client = login(olivia)
    url = reverse("records:holidays", kwargs={"year": 2026})
    response = client.get(url + "?from=library")
    values = sent_back(response)
    national_day = next(k for k, v in values.items() if v == "国庆节").removesuffix("name")
    assert values[national_day + "rest_start"] == "10月1日"
    assert values[national_day + "makeup"] == "9月20日、10月10日"
    statutory = working_days_between(D(2026, 1, 1), D(2026, 12, 31))
    preview = client.post(reverse("records:holidays-preview", kwargs={"year": 2026}), values)
    assert preview.context["preview"].after_count == statutory
    saved = client.post(reverse("records:holidays-save", kwargs={"year": 2026}), sent_back(preview))
    assert saved.status_code == 302
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == statutory
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).is_working_day  # a make-up Saturday


def test_only_the_organization_department_and_administrators_enter_the_calendar(
    client, login, alice, carol, olivia, admin_user
):
    assert client.get(FORM).url.startswith(reverse("login"))
    assert client.post(SAVE, rows(*NOTICE)).url.startswith(reverse("login"))
    for who in (alice, carol):
        login(who)
        assert client.get(FORM).status_code == 403
        assert client.post(PREVIEW, rows(*NOTICE)).status_code == 403
        assert client.post(SAVE, rows(*NOTICE)).status_code == 403
    assert not CalendarDay.objects.exists()
    assert login(admin_user).get(FORM).status_code == 200
    assert login(olivia).get(reverse("records:holidays-next")).url == FORM


def test_a_year_far_away_is_not_a_page(login, olivia):
    assert login(olivia).get(reverse("records:holidays", kwargs={"year": 2031})).status_code == 404


def test_dates_are_read_as_the_notice_writes_them():
    assert parse_day("9月28日（星期日）", year=2027) == D(2027, 9, 28)
    assert parse_day("8日", year=2027, month=10) == D(2027, 10, 8)
    assert parse_day("2027-02-06", year=2027) == D(2027, 2, 6)


def test_the_admin_saves_and_deletes_through_the_calendars_service(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("records.admin.calendar_days_set", wraps=calendar.calendar_days_set) as service:
        response = client.post(
            reverse("admin:records_calendarday_add"),
            {"date": "2027-02-06", "is_working_day": "on", "note": "春节 调休上班"},
        )
        assert response.status_code == 302
        day = CalendarDay.objects.get(date=D(2027, 2, 6))
        client.post(reverse("admin:records_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert service.call_count == 2
    listing = client.get(reverse("admin:records_calendarday_changelist")).content.decode()
    assert reverse("records:holidays-next") in listing  # the year's form, from the admin
    assert not CalendarDay.objects.exists()
    assert [h.history_type for h in CalendarDay.history.order_by("history_id")] == ["+", "-"]
    assert CalendarDay.history.filter(history_user=admin_user).count() == 2
