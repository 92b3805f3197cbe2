"""The list of work record sheets: whose sheets each role sees, the filters, the pages, and a
query count that does not grow with the number of sheets (on the list and on one sheet)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records import paging
from records.models import ContactForm, Problem, VisitRecord
from tests.factories import (
    AttachmentFactory,
    CadreFactory,
    ProblemFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("records:record-list")


def listed(client, **filters) -> list[VisitRecord]:
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return list(response.context["page"])


@pytest.fixture
def sheets(alice, bob, carol):
    return {
        "alice": VisitRecordFactory(cadre=alice),
        "bob": VisitRecordFactory(cadre=bob),
        "carol": VisitRecordFactory(cadre=carol),
    }


# Whose sheets


def test_alice_sees_only_her_own_sheets(login, alice, sheets):
    response = login(alice).get(LIST)

    assert list(response.context["page"]) == [sheets["alice"]]
    assert response.context["only_mine"] is True


def test_carol_sees_her_departments_sheets(login, carol, sheets):
    assert set(listed(login(carol))) == {sheets["alice"], sheets["carol"]}


def test_olivia_sees_every_sheet_with_its_cadre(login, olivia, sheets):
    response = login(olivia).get(LIST)

    assert set(response.context["page"]) == set(sheets.values())
    assert response.context["only_mine"] is False
    assert "王博" in response.content.decode()


def test_alice_sees_her_drafts_too(login, alice):
    draft = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT)

    assert listed(login(alice)) == [draft]


# Filters


def test_the_year_filter(login, alice):
    last_year = VisitRecordFactory(cadre=alice, start_date=datetime.date(2025, 6, 3))
    this_year = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 6, 3))
    client = login(alice)

    assert listed(client, year=2025) == [last_year]
    assert listed(client, year=2026) == [this_year]


def test_the_quarter_filter(login, alice):
    march = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 3, 31))
    april = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 4, 1))
    november = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 11, 2))
    client = login(alice)

    assert listed(client, quarter=1) == [march]
    assert listed(client, quarter=2) == [april]
    assert listed(client, quarter=4) == [november]
    assert listed(client, year=2026, quarter=3) == []


def test_the_union_filter_takes_part_of_a_name(login, alice):
    hospital = VisitRecordFactory(cadre=alice, union__name="西城区某某医院工会")
    VisitRecordFactory(cadre=alice, union__name="西城区某某商场工会")

    assert listed(login(alice), union="医院") == [hospital]


def test_the_status_filter(login, alice):
    draft = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT)
    returned = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.RETURNED)
    filed = VisitRecordFactory(cadre=alice, status=VisitRecord.Status.FILED)
    client = login(alice)

    assert listed(client, status="draft") == [draft]
    assert listed(client, status="returned") == [returned]
    assert listed(client, status="filed") == [filed]


def test_the_form_of_contact_filter(login, alice):
    phone = VisitRecordFactory(cadre=alice, contact_form=ContactForm.REMOTE, days=Decimal("0"))
    VisitRecordFactory(cadre=alice, contact_form=ContactForm.ON_SITE)

    assert listed(login(alice), contact_form="remote") == [phone]


def test_the_filters_combine(login, alice):
    wanted = VisitRecordFactory(
        cadre=alice, union__name="某某医院工会", start_date=datetime.date(2026, 5, 6)
    )
    VisitRecordFactory(
        cadre=alice, union__name="某某医院工会", start_date=datetime.date(2025, 5, 6)
    )
    VisitRecordFactory(
        cadre=alice, union__name="某某商场工会", start_date=datetime.date(2026, 5, 7)
    )

    assert listed(login(alice), year=2026, quarter=2, union="医院", status="filed") == [wanted]


def test_a_filter_never_widens_the_scope(login, bob, sheets):
    assert listed(login(bob), union=sheets["alice"].union.name) == []


# Pages and order


def test_25_sheets_make_2_pages(login, alice):
    for day in range(1, 26):
        VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 10, day))
    client = login(alice)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert set(first.context["page"]).isdisjoint(second.context["page"])
    assert "page=2" in first.content.decode()


def test_the_next_page_keeps_the_filters(login, alice):
    for day in range(1, 26):
        VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 10, day))

    response = login(alice).get(LIST, {"year": 2026, "status": "filed"})

    assert "?year=2026&status=filed&page=2" in html.unescape(response.content.decode())


def test_the_newest_sheet_comes_first(login, alice):
    middle = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 6, 1))
    newest = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 11, 20))
    oldest = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 1, 5))
    same_day_later = VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 6, 1))

    assert listed(login(alice)) == [newest, same_day_later, middle, oldest]


# Query counts: 1 row vs many


def sheets_of_many_cadres(n: int, department) -> list[VisitRecord]:
    return [
        VisitRecordFactory(
            cadre=CadreFactory(department=department),
            start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(n)
    ]


def test_the_list_costs_the_same_queries_for_1_sheet_and_for_30(
    login, olivia, department, django_assert_num_queries
):
    client = login(olivia)
    sheets_of_many_cadres(1, department)
    client.get(LIST)  # the session and the caches are warm from here on
    with CaptureQueriesContext(connection) as one_sheet:
        client.get(LIST)

    sheets_of_many_cadres(29, department)
    with django_assert_num_queries(len(one_sheet)):
        response = client.get(LIST)

    assert response.context["page"].paginator.count == 30


def test_the_count_stops_at_the_limit_so_a_long_list_costs_what_a_short_one_does(
    login, olivia, department, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 5)
    client = login(olivia)
    sheets_of_many_cadres(1, department)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one_sheet:
        client.get(LIST)

    sheets_of_many_cadres(11, department)
    with django_assert_num_queries(len(one_sheet)) as twelve_sheets:
        response = client.get(LIST)

    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 1)
    # The count reads one row past the limit, never the whole table.
    (count,) = [
        q["sql"]
        for q in twelve_sheets.captured_queries
        if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT") and "visitrecord" in q["sql"]
    ]
    assert "LIMIT 6" in count
    assert "超过 5 份记录单，请用筛选条件缩小范围" in response.content.decode()


def test_under_the_limit_the_list_says_how_many_sheets_there_are(login, olivia, department):
    sheets_of_many_cadres(3, department)

    response = login(olivia).get(LIST)

    assert response.context["page"].paginator.capped is False
    assert "共 3 份记录单" in response.content.decode()


def a_sheet_with(n: int, alice, olivia, carol, other_department) -> VisitRecord:
    """A sheet with n problems (every other one transferred to a leader), n attachments and
    n history entries (by alice and olivia in turn)."""
    record = VisitRecordFactory(cadre=alice)
    for i in range(n):
        if i % 2:
            ProblemFactory(
                record=record,
                resolution=Problem.Resolution.TRANSFER,
                status=Problem.Status.TRANSFERRED,
                department=other_department,
                leader=carol,
            )
        else:
            ProblemFactory(record=record, action_on_spot="当场解释")
        AttachmentFactory(record=record)
    for i in range(n - 1):
        record.people_met = f"职工代表{i}"
        record._history_user = (alice if i % 2 else olivia).user
        record.save()
    assert record.history.count() == n
    return record


@pytest.mark.parametrize("page", ["records:record-detail", "records:record-print"])
def test_a_sheet_costs_the_same_queries_with_1_problem_and_with_10(
    login, alice, olivia, carol, other_department, django_assert_num_queries, page
):
    small = a_sheet_with(1, alice, olivia, carol, other_department)
    large = a_sheet_with(10, alice, olivia, carol, other_department)
    client = login(olivia)
    client.get(reverse(page, args=[small.pk]))
    with CaptureQueriesContext(connection) as one_problem:
        client.get(reverse(page, args=[small.pk]))

    with django_assert_num_queries(len(one_problem)):
        response = client.get(reverse(page, args=[large.pk]))

    assert len(response.context["problems"]) == 10
    assert len(response.context["history"]) == 10


def test_a_draft_without_dates_comes_first_on_every_database(login, alice):
    from records.models import VisitRecord
    from tests.factories import VisitRecordFactory

    VisitRecordFactory(cadre=alice)
    undated = VisitRecordFactory(
        cadre=alice, start_date=None, end_date=None, status=VisitRecord.Status.DRAFT
    )
    response = login(alice).get("/records/")
    assert list(response.context["page"])[0] == undated


@pytest.mark.parametrize("page", ["records:record-list", "records:ledger"])
def test_a_filter_with_a_wrong_value_says_so_next_to_it_and_keeps_the_others(login, olivia, page):
    response = login(olivia).get(reverse(page), {"status": "zzz", "quarter": "2"})
    assert response.status_code == 200
    content = response.content.decode()
    select = content[content.index('<select name="status"') :]
    select = select[: select.index(">")]
    assert 'class="form-select"' in select
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_status_error"' in select
    error = '<div class="invalid-feedback d-block" id="id_status_error">选择一个有效的选项'
    assert error in content
    assert '<option value="2" selected>' in content  # the quarter chosen stays chosen
