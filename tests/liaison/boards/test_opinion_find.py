"""Find on the opinion list: the contact cadre, department and dates filters only narrow each
role's scope, the filtered page's queries do not grow with its rows, and the export lists the
filtered page's rows."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import LiaisonAssignmentFactory, OpinionFactory

pytestmark = pytest.mark.django_db

LIST = reverse("boards:opinion-list")
EXPORT = reverse("boards:opinion-export")


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def opinions(alice, bob):
    alices = LiaisonAssignmentFactory(cadre=alice).union
    bobs = LiaisonAssignmentFactory(cadre=bob).union
    return {
        "alice": OpinionFactory(union=alices, created_at=at(datetime.date(2026, 5, 4))),
        "alice_autumn": OpinionFactory(union=alices, created_at=at(datetime.date(2026, 10, 8))),
        "bob": OpinionFactory(union=bobs, created_at=at(datetime.date(2026, 5, 4))),
    }


def listed(client, **filters) -> set:
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return set(response.context["page"])


def test_a_cadre_filtering_by_another_cadre_gets_nothing(login, alice, bob, opinions):
    response = login(alice).get(LIST, {"cadre": bob.pk})

    assert list(response.context["page"]) == []
    assert response.context["filters"].has_error("cadre")
    assert list(response.context["filters"].fields["cadre"].queryset) == [alice]


def test_a_cadre_filters_her_own(login, alice, opinions):
    client = login(alice)

    assert listed(client, cadre=alice.pk) == {opinions["alice"], opinions["alice_autumn"]}
    assert listed(client, start="2026-10-01", end="2026-10-31") == {opinions["alice_autumn"]}
    assert listed(client, department=alice.department_id, end="2026-06-30") == {opinions["alice"]}


def test_a_head_without_units_sees_none_whatever_the_filter(login, carol, alice, opinions):
    assert listed(login(carol), department=alice.department_id) == set()


def test_the_organization_department_filters_by_cadre_and_department(
    login, olivia, alice, bob, opinions
):
    client = login(olivia)

    assert listed(client, cadre=bob.pk) == {opinions["bob"]}
    assert listed(client, department=bob.department_id) == {opinions["bob"]}
    assert listed(client, department=alice.department_id, start="2026-05-04", end="2026-05-04") == {
        opinions["alice"]
    }


def test_anonymous_is_sent_to_log_in(client, opinions):
    assert client.get(EXPORT).status_code == 302


def _queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, filters).status_code == 200
    return len(captured)


def test_the_filtered_list_costs_the_same_queries_for_1_opinion_and_for_n(login, olivia, alice):
    union = LiaisonAssignmentFactory(cadre=alice).union
    client = login(olivia)
    filters = {"cadre": alice.pk, "department": alice.department_id, "start": "2026-01-01"}
    OpinionFactory(union=union)
    one = _queries(client, **filters)
    OpinionFactory.create_batch(9, union=union)

    assert _queries(client, **filters) == one


@pytest.mark.parametrize("persona", ["olivia", "alice", "bob"])
def test_the_export_lists_the_filtered_pages_rows(request, login, persona, opinions):
    client = login(request.getfixturevalue(persona))
    filters = {"start": "2026-05-01", "end": "2026-05-31"}
    page = client.get(LIST, filters).context["page"]
    response = client.get(EXPORT, filters)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    exported = [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value is not None]

    assert sorted(exported) == sorted(opinion.pk for opinion in page)
    assert len(exported) == (2 if persona == "olivia" else 1)
