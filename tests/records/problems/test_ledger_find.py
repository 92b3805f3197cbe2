"""Find on the ledger: the cadre and date filters only narrow each role's share, the filtered
page's queries do not grow with its rows, and the export lists the filtered page's rows."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from records.models import Problem
from tests.factories import ProblemFactory, VisitRecordFactory
from unions.models import Cadre

pytestmark = pytest.mark.django_db

LEDGER = reverse("records:ledger")
EXPORT = reverse("records:ledger-export")


def transferred(cadre, department, on=datetime.date(2026, 6, 2), **fields):
    return ProblemFactory(
        record=VisitRecordFactory(cadre=cadre, start_date=on),
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
        deadline=datetime.date(2026, 12, 1),
        **fields,
    )


@pytest.fixture
def problems(alice, bob, carol, department, other_department):
    return {
        "alice": transferred(alice, department),
        "alice_spring": transferred(alice, department, on=datetime.date(2026, 3, 2)),
        "bob": transferred(bob, other_department),  # not carol's department's either way
        "carol": transferred(carol, department),
    }


def listed(client, **filters) -> set[Problem]:
    response = client.get(LEDGER, filters)
    assert response.status_code == 200
    return set(response.context["page"].object_list)


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_filtering_by_a_cadre_out_of_the_share_lists_nothing(
    request, login, persona, bob, problems
):
    response = login(request.getfixturevalue(persona)).get(LEDGER, {"cadre": bob.pk})

    assert list(response.context["page"].object_list) == []
    assert response.context["filters"].has_error("cadre")


def test_each_role_is_offered_the_cadres_of_its_share(login, alice, bob, carol, olivia, problems):
    offered = {
        who: set(login(who).get(LEDGER).context["filters"].fields["cadre"].queryset)
        for who in (alice, carol, olivia)
    }

    assert offered[alice] == {alice}
    assert offered[carol] == {alice, carol}
    # The organization department sees every problem: every cadre is offered (asking which
    # raised one would read them all), olivia of the organization department among them.
    assert offered[olivia] == set(Cadre.objects.all())
    assert olivia in offered[olivia]


def test_the_cadre_and_dates_filters(login, alice, bob, olivia, carol, problems):
    assert listed(login(olivia), cadre=bob.pk) == {problems["bob"]}
    assert listed(login(carol), cadre=alice.pk, start="2026-05-01", end="2026-06-30") == {
        problems["alice"]
    }
    assert listed(login(alice), start="2026-03-01", end="2026-03-31") == {problems["alice_spring"]}


def test_anonymous_is_sent_to_log_in(client, problems):
    assert client.get(LEDGER, {"cadre": problems["bob"].record.cadre_id}).status_code == 302


def _queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LEDGER, filters).status_code == 200
    return len(captured)


def test_the_filtered_ledger_costs_the_same_queries_for_1_problem_and_for_n(
    login, olivia, alice, department
):
    client = login(olivia)
    filters = {
        "cadre": alice.pk,
        "start": "2026-01-01",
        "end": "2026-12-31",
        "status": "transferred",
    }
    transferred(alice, department)
    one = _queries(client, **filters)
    for _n in range(9):
        transferred(alice, department)

    assert _queries(client, **filters) == one


@pytest.mark.parametrize("persona", ["olivia", "carol", "alice"])
def test_the_export_lists_the_filtered_pages_rows(request, login, persona, alice, problems):
    client = login(request.getfixturevalue(persona))
    filters = {"cadre": alice.pk, "start": "2026-05-01"}
    page = client.get(LEDGER, filters).context["page"].object_list
    response = client.get(EXPORT, filters)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    exported = [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value is not None]

    assert sorted(exported) == sorted(problem.pk for problem in page) == [problems["alice"].pk]
