"""The record sheet's union picker: the cadre's own units as one-tap chips, and a search for
any active union, found by part of its name, its street (in Chinese) or the start of its
credit code; at most 20 at a time."""

import pytest
from django.urls import reverse

from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory, make_credit_code
from tests.helpers import sheet, tags
from unions.models import Street

pytestmark = pytest.mark.django_db

SEARCH = reverse("records:union-search")


def found(client, q: str) -> list[str]:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [result["name"] for result in response.json()["results"]]


def test_a_union_is_found_by_part_of_its_name(as_alice):
    GrassrootsUnionFactory(name="北京某某医院工会", street=Street.YUETAN)
    GrassrootsUnionFactory(name="北京某某商场工会", street=Street.YUETAN)

    assert found(as_alice, "医院") == ["北京某某医院工会"]


def test_a_result_carries_its_id_and_street_in_chinese(as_alice):
    union = GrassrootsUnionFactory(name="北京某某医院工会", street=Street.XINJIEKOU)

    response = as_alice.get(SEARCH, {"q": "医院"})

    assert response.json() == {
        "results": [{"id": union.pk, "name": "北京某某医院工会", "street": "新街口街道"}]
    }


def test_a_union_is_found_by_its_streets_chinese_name(as_alice):
    GrassrootsUnionFactory(name="甲公司工会", street=Street.XINJIEKOU)
    GrassrootsUnionFactory(name="乙公司工会", street=Street.YUETAN)

    assert found(as_alice, "新街口") == ["甲公司工会"]


def test_a_union_is_found_by_the_start_of_its_credit_code(as_alice):
    wanted = GrassrootsUnionFactory(name="甲公司工会", credit_code=make_credit_code(123456789))
    GrassrootsUnionFactory(name="乙公司工会", credit_code=make_credit_code(987654321))

    assert found(as_alice, wanted.credit_code[:12]) == ["甲公司工会"]
    assert found(as_alice, wanted.credit_code) == ["甲公司工会"]


def test_the_middle_of_a_credit_code_finds_nothing(as_alice):
    union = GrassrootsUnionFactory(name="甲公司工会", credit_code=make_credit_code(123456789))

    assert found(as_alice, union.credit_code[8:14]) == []


def test_an_inactive_union_is_not_offered(as_alice):
    GrassrootsUnionFactory(name="某某医院工会")
    GrassrootsUnionFactory(name="某某医院（已撤销）工会", active=False)

    assert found(as_alice, "医院") == ["某某医院工会"]


def test_at_most_20_unions_come_back_in_name_order(as_alice):
    for n in range(25):
        GrassrootsUnionFactory(name=f"某某公司{n:02d}工会")

    names = found(as_alice, "某某公司")

    assert names == [f"某某公司{n:02d}工会" for n in range(20)]


def test_an_empty_search_finds_nothing(as_alice):
    GrassrootsUnionFactory(name="某某医院工会")

    assert found(as_alice, "   ") == []
    assert as_alice.get(SEARCH).json() == {"results": []}


def test_the_search_answers_only_a_get(as_alice):
    assert as_alice.post(SEARCH, {"q": "医院"}).status_code == 405


# The union on the sheet: one tap for the cadre's own units


def union_chips(response) -> list[tuple[str, bool]]:
    return [
        (attrs["value"], "checked" in attrs)
        for tag, attrs in tags(response)
        if tag == "input" and attrs.get("name") == "union"
    ]


def test_the_cadres_units_are_one_tap_chips_and_no_one_elses(as_alice, alice, bob):
    mine = [GrassrootsUnionFactory(name=f"西城区第{n}工会") for n in range(1, 5)]
    for union in mine:
        LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    LiaisonAssignmentFactory(cadre=bob, year=2026)

    response = as_alice.get(reverse("records:record-create"))

    assert union_chips(response) == [(str(union.pk), False) for union in mine]


def test_a_union_found_by_the_search_stays_a_chosen_chip_on_a_refused_sheet(as_alice, alice):
    mine = GrassrootsUnionFactory(name="西城区甲工会")
    LiaisonAssignmentFactory(cadre=alice, union=mine, year=2026)
    found = GrassrootsUnionFactory(name="西城区乙工会")

    response = as_alice.post(reverse("records:record-create"), sheet(found, contact_form=""))

    assert response.status_code == 400
    assert union_chips(response) == [(str(mine.pk), False), (str(found.pk), True)]
