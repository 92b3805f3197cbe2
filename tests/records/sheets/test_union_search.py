"""The union search behind the record sheet's union picker: any active union, found by part of
its name, its street (in Chinese) or the start of its credit code; at most 20 at a time."""

import pytest
from django.urls import reverse

from tests.factories import GrassrootsUnionFactory, make_credit_code
from unions.models import Street

pytestmark = pytest.mark.django_db

SEARCH = reverse("records:union-search")


def found(client, q: str) -> list[str]:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [result["name"] for result in response.json()["results"]]


@pytest.fixture
def as_alice(login, alice):
    return login(alice)


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
