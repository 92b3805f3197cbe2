"""Assigning a union of the uncovered list to a cadre, from the list itself: through the
assignment service, so the rule of 4 units per leader refuses there too, next to the cadre's
field, with the union and the cadre chosen still chosen.

olivia is the organization department; alice and bob are cadres, carol a department head."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CadreFactory, GrassrootsUnionFactory, LiaisonAssignmentFactory
from unions.models import Cadre, LiaisonAssignment, Street

pytestmark = pytest.mark.django_db
YEAR = 2026
LIST = reverse("assignments:uncovered", args=[YEAR])
ASSIGN = reverse("assignments:uncovered-assign", args=[YEAR])


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(name="北京天桥百货商场工会", street=Street.TIANQIAO)


@pytest.fixture
def leader(department):
    return CadreFactory(name="赵处长", department=department, rank=Cadre.Rank.DIVISION)


def test_an_anonymous_visitor_is_sent_to_log_in(client, union, alice):
    response = client.post(ASSIGN, {"union": union.pk, "cadre": alice.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not LiaisonAssignment.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_cadres_and_department_heads_may_not_assign(request, login, union, alice, persona):
    """alice would be assigning to herself, bob to someone else, carol (a head) to her own
    department's cadre: all refused."""
    client = login(request.getfixturevalue(persona))

    assert client.post(ASSIGN, {"union": union.pk, "cadre": alice.pk}).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not LiaisonAssignment.objects.exists()


def test_the_list_offers_each_union_and_every_active_cadre(login, olivia, alice, union):
    CadreFactory(name="已离职", department=alice.department, active=False)
    LiaisonAssignmentFactory(cadre=alice, year=YEAR)

    response = login(olivia).get(LIST)

    html = response.content.decode()
    assert f'value="{union.pk}" id="union-{union.pk}"' in html
    assert "李爱丽 · 宣传教育部 (1/2)" in html
    assert "已离职" not in html
    assert f'action="{ASSIGN}"' in html


def test_olivia_assigns_a_union_from_the_list_and_returns_to_it(login, olivia, alice, union):
    client = login(olivia)

    response = client.post(f"{ASSIGN}?street=tianqiao", {"union": union.pk, "cadre": alice.pk})

    assert response.status_code == 302
    assert response.url == f"{LIST}?street=tianqiao"
    point = LiaisonAssignment.objects.get()
    assert (point.cadre, point.union, point.year, point.assigned_by) == (
        alice,
        union,
        YEAR,
        olivia.user,
    )
    page = client.get(response.url)
    assert union not in page.context["page"]
    assert "北京天桥百货商场工会 已确定为 李爱丽 2026 年的基层联系单位。" in page.content.decode()


def test_a_fifth_unit_for_a_leader_is_refused_next_to_the_cadre_with_the_choice_kept(
    login, olivia, leader, union
):
    for other in GrassrootsUnionFactory.create_batch(4):
        LiaisonAssignmentFactory(cadre=leader, union=other, year=YEAR)

    response = login(olivia).post(
        f"{ASSIGN}?street=tianqiao", {"union": union.pk, "cadre": leader.pk}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["cadre"] == [
        "赵处长 为处级及以上领导干部，2026 年已有 4 家基层联系单位；请先终止其中一家。"
    ]
    html = response.content.decode()
    assert 'data-testid="cadre-error"' in html
    assert f'value="{union.pk}" id="union-{union.pk}" checked' in html
    assert f'<option value="{leader.pk}" selected>' in html
    assert response.context["street_label"] == "天桥街道"
    assert LiaisonAssignment.objects.filter(union=union).count() == 0


def test_nothing_chosen_says_what_is_missing(login, olivia, union):
    response = login(olivia).post(ASSIGN, {})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "union": ["请在列表中选择一个基层工会。"],
        "cadre": ["请选择一名干部。"],
    }


def test_an_inactive_cadre_cannot_be_chosen(login, olivia, union, department):
    gone = CadreFactory(department=department, active=False)

    response = login(olivia).post(ASSIGN, {"union": union.pk, "cadre": gone.pk})

    assert response.status_code == 400
    assert "cadre" in response.context["form"].errors
    assert not LiaisonAssignment.objects.exists()


def test_the_list_costs_the_same_queries_for_1_and_for_many_cadres(
    login, olivia, alice, department, union
):
    client = login(olivia)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(10):
        LiaisonAssignmentFactory(cadre=CadreFactory(department=department), year=YEAR)
        GrassrootsUnionFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)

    assert len(many) == len(one)
