"""A number is a link: the dashboard's sheets filed and integrity exceptions (per cadre and per
department) open the record list filtered to as many sheets, for each role that reads it."""

import datetime
import re

import pytest
from django.urls import reverse

from records.models import Problem, VisitRecord
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("compliance:dashboard")
ASSESSMENT = reverse("compliance:assessment")
LINK = re.compile(r'href="(/records/\?[^"]+)" data-testid="([a-z-]+)"[^>]*>(\d+)<')


@pytest.fixture
def sheets(alice, bob, carol):
    autumn = datetime.date(2026, 10, 14)
    VisitRecordFactory(cadre=alice, start_date=autumn)
    VisitRecordFactory(cadre=alice, start_date=autumn, banquet_accepted=True)
    VisitRecordFactory(cadre=bob, start_date=autumn, gifts_accepted=True)
    VisitRecordFactory(cadre=carol, start_date=autumn)
    VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 5, 6))  # another quarter


@pytest.mark.parametrize("persona", ["olivia", "carol", "alice"])
def test_every_sheet_count_opens_the_list_of_as_many_sheets(request, login, persona, sheets):
    client = login(request.getfixturevalue(persona))
    page = client.get(DASHBOARD, {"year": 2026, "quarter": 4})
    assert page.status_code == 200
    links = LINK.findall(page.text)

    assert {kind for _url, kind, _n in links} == {"records-link", "integrity-link"}
    assert sum(int(n) for _u, kind, n in links if kind == "integrity-link") == (
        2 if persona == "olivia" else 1
    )  # bob's is the organization department's alone; alice's own is hers and carol's
    for url, _kind, number in links:
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(number), url
    if persona != "alice":  # the summary's total, inside its sentence
        summary = page.text.split('data-testid="summary"')[1].split('id="cadres-heading"')[0]
        assert [n for _u, _k, n in LINK.findall(summary)] == ["4" if persona == "olivia" else "3"]
        assert 'title="在记录单列表中查看备案的记录单"' in summary


@pytest.mark.parametrize("persona", ["olivia", "carol"])
def test_the_assessments_sheet_counts_open_the_list_of_as_many(request, login, persona, sheets):
    client = login(request.getfixturevalue(persona))
    page = client.get(ASSESSMENT, {"year": 2026})
    assert page.status_code == 200
    links = LINK.findall(page.text)

    assert sum(int(n) for _u, _k, n in links) == (5 if persona == "olivia" else 4)
    for url, _kind, number in links:
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(number), url


PROBLEM_LINK = re.compile(
    r'href="(/records/problems/ledger/\?[^"]+)" data-testid="problems-link"'
    r' title="([^"]+)"[^>]*>(\d+)<'
)


@pytest.fixture
def problems(alice, bob, carol):
    autumn = datetime.date(2026, 10, 14)
    transferred = {"resolution": Problem.Resolution.TRANSFER, "department": bob.department}
    sheet = VisitRecordFactory(cadre=alice, start_date=autumn)
    ProblemFactory(record=sheet)  # solved on the spot
    ProblemFactory(  # overdue: with a department past its deadline
        record=sheet,
        status=Problem.Status.TRANSFERRED,
        deadline=datetime.date(2026, 11, 1),
        **transferred,
    )
    ProblemFactory(
        record=sheet,
        status=Problem.Status.FED_BACK,
        feedback_on=datetime.date(2026, 11, 2),
        satisfaction=Problem.Satisfaction.SATISFIED,
        **transferred,
    )
    ProblemFactory(record=VisitRecordFactory(cadre=bob, start_date=autumn), **transferred)
    ProblemFactory(record=VisitRecordFactory(cadre=carol, start_date=autumn))
    # Not the quarter's figures: a draft's problem, a sheet's returned for revision, and one
    # of another quarter.
    draft = VisitRecordFactory(cadre=alice, start_date=autumn, status=VisitRecord.Status.DRAFT)
    ProblemFactory(record=draft)
    returned = VisitRecordFactory(
        cadre=alice, start_date=autumn, status=VisitRecord.Status.RETURNED
    )
    ProblemFactory(
        record=returned,
        status=Problem.Status.FED_BACK,
        feedback_on=datetime.date(2026, 11, 2),
        **transferred,
    )
    ProblemFactory(record=VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 5, 6)))


@pytest.mark.parametrize("persona", ["olivia", "carol", "alice"])
def test_every_problem_count_opens_the_ledger_of_as_many(request, login, persona, problems):
    client = login(request.getfixturevalue(persona))
    page = client.get(DASHBOARD, {"year": 2026, "quarter": 4})
    assert page.status_code == 200
    links = PROBLEM_LINK.findall(page.text)

    # Four per cadre shown (the organization department sees olivia, alice, carol and bob),
    # and the overdue ones of each department shown (three, one, none for a cadre).
    assert len(links) == {"olivia": 4 * 4 + 3, "carol": 4 * 2 + 1, "alice": 4}[persona]
    assert sum(int(n) for _u, _t, n in links) == {"olivia": 11, "carol": 9, "alice": 7}[persona]
    for url, _title, number in links:
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(number), url


@pytest.mark.parametrize("persona", ["olivia", "carol", "alice"])
def test_the_assessments_feedback_counts_open_the_ledger_of_as_many(
    request, login, persona, problems
):
    client = login(request.getfixturevalue(persona))
    page = client.get(ASSESSMENT, {"year": 2026})
    assert page.status_code == 200
    links = PROBLEM_LINK.findall(page.text)
    unions = [(url, n) for url, _t, n in links if "union=" in url]

    # Alice's fed-back problem of the year; each other cadre has none answered (no link).
    assert [int(n) for url, _t, n in links if "union=" not in url] == [1]
    if persona == "olivia":  # the unions' table, the organization department's
        assert sum(int(n) for url, n in unions if "resolution=all" in url) == 6
        assert sum(int(n) for url, n in unions if "=satisfied" in url) == 1
    else:
        assert unions == []
    for url, _title, number in links:
        listed = client.get(url.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(number), url
