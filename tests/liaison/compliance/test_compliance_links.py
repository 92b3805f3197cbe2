"""A number is a link: the dashboard's sheets filed and integrity exceptions (per cadre and per
department) open the record list filtered to as many sheets, for each role that reads it."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import VisitRecordFactory

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
