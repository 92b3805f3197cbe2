"""Find on the record list: the filters (cadre, department, street, period, status, words,
integrity exception, outside the assignment) only narrow each role's scope, the page's query
count does not grow with its rows, the export lists the page's rows, and the home's figures
open lists of as many sheets."""

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from records.models import ExportJob, VisitRecord
from tests.factories import CadreFactory, GrassrootsUnionFactory, VisitRecordFactory
from unions.models import Street

pytestmark = pytest.mark.django_db

LIST = reverse("records:record-list")
EXPORT = reverse("records:record-list-export")


def listed(client, **filters) -> set[VisitRecord]:
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return set(response.context["page"])


@pytest.fixture
def sheets(alice, bob, carol):
    return {
        "alice": VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 4, 8)),
        "alice_gift": VisitRecordFactory(
            cadre=alice,
            start_date=datetime.date(2026, 8, 3),
            gifts_accepted=True,
            integrity_explanation="工会会员证书",
            outside_assignment=True,
        ),
        "bob": VisitRecordFactory(
            cadre=bob, gifts_accepted=True, integrity_explanation="纪念品", outside_assignment=True
        ),
        "carol": VisitRecordFactory(cadre=carol, start_date=datetime.date(2025, 9, 1)),
    }


# A filter never widens the scope


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_filtering_by_a_cadre_out_of_scope_lists_nothing(request, login, persona, bob, sheets):
    response = login(request.getfixturevalue(persona)).get(LIST, {"cadre": bob.pk})

    assert list(response.context["page"]) == []
    assert response.context["filters"].has_error("cadre")


def test_a_cadre_is_offered_only_herself(login, alice, sheets):
    form = login(alice).get(LIST).context["filters"]

    assert list(form.fields["cadre"].queryset) == [alice]
    assert list(form.fields["department"].queryset) == [alice.department]


def test_a_head_is_offered_her_departments_cadres(login, carol, alice, sheets):
    form = login(carol).get(LIST).context["filters"]

    assert set(form.fields["cadre"].queryset) == {alice, carol}
    assert list(form.fields["department"].queryset) == [carol.department]


def test_a_head_filtering_by_another_department_gets_nothing(login, carol, bob, sheets):
    assert listed(login(carol), department=bob.department_id) == set()


def test_the_organization_department_filters_by_any_cadre_and_department(
    login, olivia, alice, bob, sheets
):
    client = login(olivia)

    assert listed(client, cadre=bob.pk) == {sheets["bob"]}
    assert listed(client, department=alice.department_id) == {
        sheets["alice"],
        sheets["alice_gift"],
        sheets["carol"],
    }


def test_a_cadre_filtering_her_own_sheets(login, alice, sheets):
    client = login(alice)

    assert listed(client, cadre=alice.pk) == {sheets["alice"], sheets["alice_gift"]}
    assert listed(client, integrity=1) == {sheets["alice_gift"]}
    assert listed(client, outside=1) == {sheets["alice_gift"]}


def test_anonymous_is_sent_to_log_in(client, sheets):
    response = client.get(LIST, {"cadre": sheets["bob"].cadre_id})

    assert response.status_code == 302
    assert "login" in response.url


# The filters


def test_the_integrity_and_outside_filters(login, olivia, sheets):
    client = login(olivia)

    assert listed(client, integrity=1) == {sheets["alice_gift"], sheets["bob"]}
    assert listed(client, outside=1, cadre=sheets["bob"].cadre_id) == {sheets["bob"]}


def test_the_dates_filter(login, olivia, sheets):
    client = login(olivia)

    assert listed(client, start="2026-04-01", end="2026-04-30") == {sheets["alice"]}
    assert listed(client, start="2025-01-01", end="2025-12-31") == {sheets["carol"]}
    response = client.get(LIST, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.context["filters"].has_error("end")
    assert list(response.context["page"]) == []


def test_the_street_status_and_words_filters(login, olivia, alice):
    union = GrassrootsUnionFactory(street=Street.choices[1][0])
    there = VisitRecordFactory(cadre=alice, union=union, needs_and_opinions="夜班职工反映食堂太远")
    elsewhere = GrassrootsUnionFactory(street=Street.choices[2][0])
    VisitRecordFactory(cadre=alice, union=elsewhere, needs_and_opinions="夜班职工反映食堂太远")
    VisitRecordFactory(cadre=alice, union=union, status=VisitRecord.Status.RETURNED)
    client = login(olivia)

    assert listed(client, street=union.street, status="filed") == {there}
    assert listed(client, street=union.street, q="食堂") == {there}
    assert len(listed(client, street=union.street, status="returned")) == 1


def test_the_filters_are_in_the_link_and_counted(login, olivia, sheets):
    response = login(olivia).get(LIST, {"integrity": 1, "year": 2026})

    assert "2 份" in response.text or "2 record sheets" in response.text
    assert "integrity=1" in response.context["query"]
    assert f'action="{EXPORT}?' in response.text


# Queries


def _queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, filters).status_code == 200
    return len(captured)


def test_the_filtered_list_costs_the_same_queries_for_1_sheet_and_for_n(login, olivia, alice):
    client = login(olivia)
    filters = {
        "year": 2026,
        "cadre": alice.pk,
        "department": alice.department_id,
        "status": "filed",
        "integrity": 1,
        "outside": 1,
        "start": "2026-01-01",
        "end": "2026-12-31",
    }
    VisitRecordFactory(cadre=alice, gifts_accepted=True, outside_assignment=True)
    one = _queries(client, **filters)
    VisitRecordFactory.create_batch(9, cadre=alice, gifts_accepted=True, outside_assignment=True)

    assert _queries(client, **filters) == one


# The export


def exported_ids(client, filters) -> list[int]:
    response = client.post(f"{EXPORT}?{filters}")
    assert response.status_code == 302, response.content
    job = client.get(response.url).context["job"]
    assert job.status == ExportJob.Status.DONE, job.error
    download = client.get(reverse("records:export-download", args=[job.pk]))
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).worksheets[0]
    return [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value is not None]


@pytest.mark.parametrize("filters", ["integrity=1", "year=2026&department=", "outside=1&year=2026"])
def test_the_export_lists_the_filtered_pages_rows(login, olivia, sheets, filters):
    client = login(olivia)
    page = client.get(f"{LIST}?{filters}").context["page"]

    assert sorted(exported_ids(client, filters)) == sorted(record.pk for record in page)


def test_a_heads_export_stays_in_her_department(login, carol, sheets):
    client = login(carol)

    assert sorted(exported_ids(client, "integrity=1")) == [sheets["alice_gift"].pk]


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_a_cadre_may_not_export_the_list(request, login, persona, sheets):
    response = login(request.getfixturevalue(persona)).post(EXPORT)

    assert response.status_code == 403


# The home's figures open their rows


def test_the_homes_figures_open_lists_of_as_many_sheets(login, olivia, alice, bob, sheets):
    CadreFactory(department=bob.department)  # a department row of 0 links too
    client = login(olivia)
    home = client.get(reverse("home")).text
    links = re.findall(r'href="(/records/\?[^"]+)"[^>]*>([^<]+)<', home)

    assert links, home
    for url, text in links:
        url = url.replace("&amp;", "&")
        count = client.get(url).context["page"].paginator.count
        assert count == int(re.search(r"\d+", text).group()), url
    integrity = re.search(r'href="([^"]+)"[^>]*data-testid="integrity-link"', home).group(1)
    assert "integrity=1" in integrity
