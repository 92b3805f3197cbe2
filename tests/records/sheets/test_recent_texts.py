"""Texts a cadre writes again and again (the people met, the policies publicised) are offered
back from their own last sheets, one tap each.

Today is Tuesday 2026-11-24."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from records.models import VisitRecord
from records.sheets.selectors import recent_texts
from tests.factories import GrassrootsUnionFactory, VisitRecordFactory
from tests.helpers import sheet, tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory()


def written(cadre, union, *, day, **texts):
    with time_machine.travel(datetime.datetime(2026, 11, day, 9, tzinfo=datetime.UTC)):
        return VisitRecordFactory(cadre=cadre, union=union, **texts)


def test_the_last_distinct_entries_come_newest_first(alice, union, django_assert_num_queries):
    for day, people in enumerate(["工会主席", "职工代表", "工会主席", "人事经理"], start=1):
        written(alice, union, day=day, people_met=people, policies_publicised="")

    with django_assert_num_queries(1):
        texts = recent_texts(alice)

    assert texts == {"people_met": ["人事经理", "工会主席", "职工代表"], "policies_publicised": []}


def test_at_most_five_are_offered(alice, union):
    for day in range(1, 9):
        written(alice, union, day=day, people_met=f"第{day}次接触的人")

    assert recent_texts(alice)["people_met"] == [f"第{day}次接触的人" for day in (8, 7, 6, 5, 4)]


def test_another_cadres_texts_are_never_offered(alice, bob, union):
    written(bob, union, day=1, people_met="王博见过的人", policies_publicised="王博宣传的政策")
    written(alice, union, day=2, people_met="工会主席", policies_publicised="")

    assert recent_texts(alice) == {"people_met": ["工会主席"], "policies_publicised": []}


def test_the_sheet_being_edited_does_not_offer_its_own_text(alice, union):
    own = written(alice, union, day=1, people_met="工会主席", status=VisitRecord.Status.DRAFT)

    assert recent_texts(alice, exclude=own)["people_met"] == []


def test_the_form_offers_them_as_chips_under_their_box(login, alice, bob, union):
    written(
        alice,
        union,
        day=1,
        people_met="工会主席张明、一线职工代表",
        policies_publicised="职工互助保障",
    )
    written(bob, union, day=2, people_met="王博见过的人")

    response = login(alice).get(reverse("records:record-create"))

    chips = {
        attrs["data-for"]
        for _, attrs in tags(response)
        if "recent-texts" in attrs.get("class", "").split()
    }
    assert chips == {"id_people_met", "id_policies_publicised"}
    offered = [attrs["data-text"] for _, attrs in tags(response) if "data-text" in attrs]
    assert offered == ["工会主席张明、一线职工代表", "职工互助保障"]


def test_a_sheet_filed_at_once_reads_no_chips(as_alice, alice, unit, monkeypatch):
    """The last entries and the cadre's units are only what the page shows: a sheet that is
    saved at once never reads them; one sent back with an error shows them."""
    read = []
    none = {"people_met": [], "policies_publicised": []}
    monkeypatch.setattr(
        "records.sheets.selectors.recent_texts", lambda *a, **k: read.append("texts") or none
    )
    monkeypatch.setattr(
        "records.sheets.views.assigned_union_ids", lambda *a: read.append("units") or {unit.pk}
    )

    filed = as_alice.post(reverse("records:record-create"), sheet(unit))

    assert filed.status_code == 302 and read == []
    refused = as_alice.post(reverse("records:record-create"), sheet(unit, days="9"))
    assert refused.status_code == 400 and sorted(read) == ["texts", "units"]
