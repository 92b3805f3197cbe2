"""Find on the contact point list (the organization department's): the filters, the count,
constant queries, the export equal to the filtered page, and no one else's."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory
from unions.models import Street

pytestmark = pytest.mark.django_db

LIST = reverse("assignments:points", args=[2026])
EXPORT = reverse("assignments:points-export", args=[2026])


@pytest.fixture
def points(alice, bob):
    street, other = Street.choices[1][0], Street.choices[2][0]
    return {
        "alice": LiaisonAssignmentFactory(
            cadre=alice, union=GrassrootsUnionFactory(name="食品厂工会", street=street)
        ),
        "alice_ended": LiaisonAssignmentFactory(
            cadre=alice,
            union=GrassrootsUnionFactory(street=other),
            ended_at=datetime.date(2026, 6, 1),
            end_reason="单位注销",
        ),
        "bob": LiaisonAssignmentFactory(cadre=bob, union=GrassrootsUnionFactory(street=street)),
        "last_year": LiaisonAssignmentFactory(cadre=bob, year=2025),
    }


def listed(client, **filters) -> set:
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return set(response.context["page"])


def test_the_filters(login, olivia, alice, bob, points):
    client = login(olivia)

    assert listed(client) == {points["alice"], points["alice_ended"], points["bob"]}
    assert listed(client, cadre=alice.pk) == {points["alice"], points["alice_ended"]}
    assert listed(client, department=bob.department_id) == {points["bob"]}
    assert listed(client, street=Street.choices[1][0]) == {points["alice"], points["bob"]}
    assert listed(client, status="ended") == {points["alice_ended"]}
    assert listed(client, status="current", q="食品") == {points["alice"]}
    assert listed(client, cadre=999999) == set()
    assert 'data-testid="count"' in client.get(LIST, {"cadre": alice.pk}).text


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_the_list_and_its_export_are_the_organization_departments(request, login, persona, points):
    client = login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_is_sent_to_log_in(client, points):
    assert client.get(LIST).status_code == 302


def _queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, filters).status_code == 200
    return len(captured)


def test_the_filtered_list_costs_the_same_queries_for_1_point_and_for_n(login, olivia, alice):
    client = login(olivia)
    filters = {"cadre": alice.pk, "department": alice.department_id, "status": "current"}
    LiaisonAssignmentFactory(cadre=alice)
    one = _queries(client, **filters)
    LiaisonAssignmentFactory.create_batch(9, cadre=alice)

    assert _queries(client, **filters) == one


@pytest.mark.parametrize("filters", [{}, {"status": "current"}, {"street": Street.choices[1][0]}])
def test_the_export_lists_the_filtered_pages_rows(login, olivia, points, filters):
    client = login(olivia)
    page = client.get(LIST, filters).context["page"]
    response = client.get(EXPORT, filters)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    exported = [(row[1].value, row[2].value) for row in sheet.iter_rows(min_row=4) if row[2].value]

    assert sorted(exported) == sorted((p.cadre.name, p.union.name) for p in page)
