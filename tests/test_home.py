"""The home page: each role lands on its own view of the year; a visitor goes to the login."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    UserFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_the_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_cadre_logs_in_and_lands_on_home(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "Liaison-test-2026"})
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_a_wrong_password_says_so_in_chinese(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_a_cadre_sees_their_units_and_days(login, alice):
    union = GrassrootsUnionFactory(name="北京市西城区某某医院工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    VisitRecordFactory(
        cadre=alice,
        union=union,
        days=Decimal("1.5"),
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 11),
    )
    VisitRecordFactory(cadre=alice, union=union, days=Decimal("1.0"), status="draft")
    response = login(alice).get(HOME)
    assert response.status_code == 200
    mine = response.context["mine"]
    assert [a.union for a in mine["assignments"]] == [union]
    assert mine["days"] == Decimal("1.5")
    assert mine["drafts"] == 1
    assert "北京市西城区某某医院工会" in response.content.decode()
    assert "federation" not in response.context
    assert "department_rows" not in response.context


def test_a_cadre_does_not_see_another_cadres_records(login, alice, bob):
    VisitRecordFactory(cadre=bob, union__name="王博的联系单位")
    response = login(alice).get(HOME)
    assert "王博的联系单位" not in response.content.decode()


def test_a_department_head_sees_the_cadres_of_their_department(login, alice, bob, carol):
    VisitRecordFactory(cadre=alice, days=Decimal("2.0"))
    response = login(carol).get(HOME)
    assert response.status_code == 200
    rows = {cadre.name: cadre for cadre in response.context["department_rows"]}
    assert set(rows) == {"李爱丽", "陈卡罗"}
    assert rows["李爱丽"].days_filed == Decimal("2.0")
    assert "王博" not in response.content.decode()


def test_the_organization_department_sees_the_federation(login, olivia, alice, bob):
    VisitRecordFactory(cadre=alice, days=Decimal("1.0"))
    VisitRecordFactory(cadre=bob, days=Decimal("0.5"), transport_accepted=True)
    response = login(olivia).get(HOME)
    assert response.status_code == 200
    federation = response.context["federation"]
    assert federation["records"]["filed"] == 2
    assert federation["records"]["days"] == Decimal("1.5")
    assert federation["records"]["integrity"] == 1


def test_an_administrator_without_a_cadre_profile_gets_a_page(login, admin_user):
    response = login(admin_user).get(HOME)
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()


def test_a_user_without_a_role_is_told_to_ask_for_one(login):
    response = login(UserFactory()).get(HOME)
    assert response.status_code == 403
    assert "组织人事部" in response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["alice", "carol", "olivia"])
def test_the_home_query_count_does_not_grow_with_records(
    request, login, persona, django_assert_num_queries
):
    who = request.getfixturevalue(persona)
    colleague = CadreFactory(department=who.department)
    VisitRecordFactory(cadre=who)
    LiaisonAssignmentFactory(cadre=who)
    client = login(who)
    with_one_row = queries_for(client, HOME)

    for _ in range(20):
        VisitRecordFactory(cadre=who)
        VisitRecordFactory(cadre=colleague)
    LiaisonAssignmentFactory.create_batch(3, cadre=who)
    with django_assert_num_queries(with_one_row):
        assert client.get(HOME).status_code == 200


def test_logging_out_returns_to_the_login_page_with_a_message(login, alice):
    client = login(alice)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "您已退出登录" in response.content.decode()
    assert client.get(HOME).status_code == 302
