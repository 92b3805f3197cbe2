"""The assignment desk, coverage, the new-year rollover and the upload of the organization
workbook: who may open each page, and what each shows and does.

olivia is the organization department (every page); alice and bob are cadres, carol a
department head: all three get 403; an anonymous visitor is sent to log in."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    make_credit_code,
)
from tests.org_workbooks import build
from unions.models import Cadre, LiaisonAssignment, Street

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def leader(department):
    return CadreFactory(name="赵处长", department=department, rank=Cadre.Rank.DIVISION)


@pytest.fixture
def point(alice):
    return LiaisonAssignmentFactory(cadre=alice, year=YEAR)


def pages(cadre_pk, point_pk):
    """(method, url, data) of every page of the desk."""
    return [
        ("get", reverse("assignments:desk-current"), None),
        ("get", reverse("assignments:desk", args=[YEAR]), None),
        ("get", reverse("assignments:cadre", args=[YEAR, cadre_pk]), {"q": "工会"}),
        ("post", reverse("assignments:assignment-add", args=[YEAR, cadre_pk]), {"union": 1}),
        (
            "post",
            reverse("assignments:assignment-end", args=[point_pk]),
            {"ended_at": "2026-10-01", "end_reason": "调离"},
        ),
        ("post", reverse("assignments:roll-over", args=[YEAR]), {}),
        ("get", reverse("assignments:coverage", args=[YEAR]), None),
        ("get", reverse("assignments:uncovered", args=[YEAR]), {"street": "xinjiekou"}),
        ("get", reverse("assignments:shared", args=[YEAR]), None),
        ("get", reverse("assignments:cadres-without-units", args=[YEAR]), None),
        ("get", reverse("assignments:import"), None),
        ("post", reverse("assignments:import"), {"year": YEAR}),
        ("get", reverse("assignments:import-template"), None),
    ]


def every_page():
    return [pytest.param(i, id=f"page{i}") for i in range(13)]


# Who may open which page


@pytest.mark.parametrize("index", every_page())
def test_an_anonymous_visitor_is_sent_to_log_in(client, alice, point, index):
    method, url, data = pages(alice.pk, point.pk)[index]

    response = getattr(client, method)(url, data or {})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
@pytest.mark.parametrize("index", every_page())
def test_cadres_and_department_heads_are_refused(request, login, alice, point, persona, index):
    client = login(request.getfixturevalue(persona))
    method, url, data = pages(alice.pk, point.pk)[index]

    response = getattr(client, method)(url, data or {})

    assert response.status_code == 403
    point.refresh_from_db()
    assert point.ended_at is None


@pytest.mark.parametrize("index", [0, 1, 2, 6, 7, 8, 9, 10, 12])
def test_olivia_opens_every_page(login, olivia, alice, point, index):
    method, url, data = pages(alice.pk, point.pk)[index]

    response = getattr(login(olivia), method)(url, data or {})

    assert response.status_code == (302 if index == 0 else 200)


def test_the_desk_of_this_year_is_the_desks_front_door(login, olivia):
    response = login(olivia).get(reverse("assignments:desk-current"))

    assert response.url == reverse("assignments:desk", args=[YEAR])


def test_a_year_out_of_range_is_not_found(login, olivia):
    assert login(olivia).get(reverse("assignments:desk", args=[1999])).status_code == 404


def test_the_navigation_shows_the_desk_to_olivia_only(login, olivia, alice):
    link = reverse("assignments:desk-current")

    assert link in login(olivia).get(reverse("home")).content.decode()
    assert link not in login(alice).get(reverse("home")).content.decode()


# The desk


def test_the_desk_shows_each_cadre_against_their_quota_by_department(
    login, olivia, alice, leader, department
):
    for union in GrassrootsUnionFactory.create_batch(3):
        LiaisonAssignmentFactory(cadre=leader, union=union)
    LiaisonAssignmentFactory(cadre=alice)
    LiaisonAssignmentFactory(cadre=alice, ended_at=datetime.date(2026, 5, 1), end_reason="调整")

    response = login(olivia).get(reverse("assignments:desk", args=[YEAR]))

    blocks = {block["department"]: block for block in response.context["departments"]}
    rows = {
        cadre.name: (cadre.units, cadre.quota, cadre.gap) for cadre in blocks[department]["cadres"]
    }
    assert rows["赵处长"] == (3, 4, 1)
    assert rows[alice.name] == (1, 2, 1)  # the department's number; the ended unit not counted
    assert blocks[department]["gaps"] == 2
    html = response.content.decode()
    assert "3 / 4" in html and "1 / 2" in html
    # Leaders first within their department.
    assert [c.name for c in blocks[department]["cadres"]][0] == "赵处长"


def test_the_desk_leaves_out_cadres_no_longer_active(login, olivia, department):
    gone = CadreFactory(department=department, active=False)

    response = login(olivia).get(reverse("assignments:desk", args=[YEAR]))

    names = [c.name for block in response.context["departments"] for c in block["cadres"]]
    assert gone.name not in names


# A cadre's page: search, add, end


def test_the_search_finds_unions_by_name_street_or_credit_code(login, olivia, alice):
    by_name = GrassrootsUnionFactory(name="西单商场工会", street=Street.XICHANGANJIE)
    by_street = GrassrootsUnionFactory(name="某公司工会", street=Street.TIANQIAO)
    by_code = GrassrootsUnionFactory(
        name="另一公司工会", street=Street.NIUJIE, credit_code=make_credit_code(777777)
    )
    GrassrootsUnionFactory(name="关闭的西单工会", active=False)
    client = login(olivia)
    url = reverse("assignments:cadre", args=[YEAR, alice.pk])

    def found(term):
        return {u.pk for u in client.get(url, {"q": term}).context["page"]}

    assert found("西单") == {by_name.pk}
    assert by_street.pk in found(str(Street.TIANQIAO.label))
    assert found(by_code.credit_code[:12].lower()) == {by_code.pk}


def test_the_search_is_paginated(login, olivia, alice):
    GrassrootsUnionFactory.create_batch(25, name="分页测试工会")
    client = login(olivia)
    url = reverse("assignments:cadre", args=[YEAR, alice.pk])

    first = client.get(url, {"q": "分页测试"}).context["page"]
    second = client.get(url, {"q": "分页测试", "page": 2}).context["page"]

    assert (first.paginator.count, len(first), len(second)) == (25, 20, 5)


def test_the_cadre_page_without_a_search_lists_no_unions(login, olivia, alice):
    response = login(olivia).get(reverse("assignments:cadre", args=[YEAR, alice.pk]))

    assert response.context["page"] is None


def test_olivia_assigns_a_unit_and_returns_to_her_search(login, olivia, alice):
    union = GrassrootsUnionFactory()

    response = login(olivia).post(
        reverse("assignments:assignment-add", args=[YEAR, alice.pk]),
        {"union": union.pk, "q": "工会", "page": 2},
    )

    assert response.status_code == 302
    assert (
        response.url
        == reverse("assignments:cadre", args=[YEAR, alice.pk]) + "?q=%E5%B7%A5%E4%BC%9A&page=2"
    )
    point = LiaisonAssignment.objects.get(cadre=alice, union=union, year=YEAR)
    assert point.assigned_by == olivia.user


def test_a_fifth_unit_for_a_leader_is_refused_with_a_message(login, olivia, leader):
    for union in GrassrootsUnionFactory.create_batch(4):
        LiaisonAssignmentFactory(cadre=leader, union=union)
    client = login(olivia)

    response = client.post(
        reverse("assignments:assignment-add", args=[YEAR, leader.pk]),
        {"union": GrassrootsUnionFactory().pk},
        follow=True,
    )

    assert LiaisonAssignment.objects.filter(cadre=leader).count() == 4
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["full"] is True


def test_olivia_ends_a_unit_with_a_date_and_reason(login, olivia, alice, point):
    response = login(olivia).post(
        reverse("assignments:assignment-end", args=[point.pk]),
        {"ended_at": "2026-10-01", "end_reason": "干部调离"},
    )

    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.ended_at, point.end_reason) == (datetime.date(2026, 10, 1), "干部调离")


def test_an_end_in_the_future_is_shown_on_the_form(login, olivia, alice, point):
    response = login(olivia).post(
        reverse("assignments:assignment-end", args=[point.pk]),
        {"ended_at": "2026-12-31", "end_reason": "干部调离"},
    )

    assert response.status_code == 400
    forms = {p.pk: form for p, form in response.context["rows"]}
    assert "ended_at" in forms[point.pk].errors
    point.refresh_from_db()
    assert point.ended_at is None


def test_an_end_before_the_points_year_is_shown_on_the_form(login, olivia, alice, point):
    response = login(olivia).post(
        reverse("assignments:assignment-end", args=[point.pk]),
        {"ended_at": "2025-12-31", "end_reason": "干部调离"},
    )

    assert response.status_code == 400
    forms = {p.pk: form for p, form in response.context["rows"]}
    assert forms[point.pk].errors["ended_at"] == [
        "联系点从2026-01-01开始，结束日期不能早于这一天。"
    ]
    point.refresh_from_db()
    assert point.ended_at is None


def test_an_ended_unit_makes_its_union_uncovered(login, olivia, alice, point):
    client = login(olivia)
    client.post(
        reverse("assignments:assignment-end", args=[point.pk]),
        {"ended_at": "2026-10-01", "end_reason": "单位注销"},
    )

    response = client.get(reverse("assignments:uncovered", args=[YEAR]))

    assert point.union in list(response.context["page"])


# Coverage


def test_coverage_counts_uncovered_shared_and_idle_and_links_to_the_lists(
    login, olivia, alice, bob, department
):
    shared = GrassrootsUnionFactory(street=Street.DESHENG)
    LiaisonAssignmentFactory(cadre=alice, union=shared)
    LiaisonAssignmentFactory(cadre=bob, union=shared)
    uncovered = GrassrootsUnionFactory(street=Street.TIANQIAO)
    GrassrootsUnionFactory(street=Street.TIANQIAO, active=False)
    idle = CadreFactory(department=department)
    gone = CadreFactory(department=department, active=False)
    only_gone = GrassrootsUnionFactory(street=Street.TIANQIAO)
    LiaisonAssignmentFactory(cadre=gone, union=only_gone)
    client = login(olivia)

    response = client.get(reverse("assignments:coverage", args=[YEAR]))

    coverage = response.context["coverage"]
    assert coverage["unions"] == {"total": 3, "uncovered": 2, "shared": 1}
    streets = {row["street"]: (row["total"], row["uncovered"]) for row in coverage["streets"]}
    assert streets == {"desheng": (1, 0), "tianqiao": (2, 2)}
    assert coverage["cadres"]["without_units"] == 2  # idle and olivia
    html = response.content.decode()
    assert reverse("assignments:uncovered", args=[YEAR]) + "?street=tianqiao" in html
    assert reverse("assignments:shared", args=[YEAR]) in html
    assert reverse("assignments:cadres-without-units", args=[YEAR]) in html

    def listed(name, **query):
        return set(client.get(reverse(f"assignments:{name}", args=[YEAR]), query).context["page"])

    assert listed("uncovered", street="tianqiao") == {uncovered, only_gone}
    assert listed("uncovered", street="desheng") == set()
    assert listed("shared") == {shared}
    assert listed("cadres-without-units") == {idle, olivia}


def test_an_unknown_street_is_not_found(login, olivia):
    url = reverse("assignments:uncovered", args=[YEAR])

    assert login(olivia).get(url, {"street": "chaoyang"}).status_code == 404


def test_the_shared_list_names_each_unions_cadres(login, olivia, alice, bob):
    shared = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=shared)
    LiaisonAssignmentFactory(cadre=bob, union=shared)

    response = login(olivia).get(reverse("assignments:shared", args=[YEAR]))

    assert {p.cadre for p in response.context["page"][0].points} == {alice, bob}


# The new year from the last


def test_olivia_starts_the_year_from_last_year_and_sees_what_was_left_out(login, olivia, alice):
    kept = LiaisonAssignmentFactory(cadre=alice, year=2025)
    closed = LiaisonAssignmentFactory(cadre=alice, year=2025, union__active=False)

    response = login(olivia).post(reverse("assignments:roll-over", args=[YEAR]))

    assert response.status_code == 200
    result = response.context["result"]
    assert [p.union for p in result.created] == [kept.union]
    assert [item.assignment for item in result.left_out] == [closed]
    assert closed.union.name in response.content.decode()


def test_the_rollover_is_a_post(login, olivia):
    assert login(olivia).get(reverse("assignments:roll-over", args=[YEAR])).status_code == 405


# The upload


def test_olivia_downloads_the_template(login, olivia):
    response = login(olivia).get(reverse("assignments:import-template"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["部室", "机关干部", "基层工会", "联系点"]


def test_olivia_uploads_a_good_workbook(login, olivia):
    upload = build()
    upload.name = "org.xlsx"

    response = login(olivia).post(reverse("assignments:import"), {"file": upload, "year": YEAR})

    assert response.status_code == 200
    assert response.context["result"].ok
    assert LiaisonAssignment.objects.count() == 3


def test_a_check_only_upload_writes_nothing(login, olivia):
    upload = build()
    upload.name = "org.xlsx"

    response = login(olivia).post(
        reverse("assignments:import"), {"file": upload, "year": YEAR, "dry_run": "on"}
    )

    assert response.context["result"].ok
    assert LiaisonAssignment.objects.count() == 0


def test_a_bad_upload_lists_its_problems_and_writes_nothing(login, olivia):
    upload = io.BytesIO(b"this is not a workbook")
    upload.name = "org.xlsx"

    response = login(olivia).post(reverse("assignments:import"), {"file": upload, "year": YEAR})

    assert response.status_code == 400
    assert [i.code for i in response.context["result"].issues] == ["file"]
    assert 'data-testid="issue"' in response.content.decode()


# Queries do not grow with rows


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["desk", "coverage"])
def test_the_desk_and_coverage_cost_the_same_queries_for_1_row_and_for_many(
    login, olivia, department, other_department, django_assert_num_queries, name
):
    client = login(olivia)
    url = reverse(f"assignments:{name}", args=[YEAR])
    LiaisonAssignmentFactory(cadre=CadreFactory(department=department))
    client.get(url)  # the session and the caches are warm from here on
    with_one_row = queries_for(client, url)

    for dept in (department, other_department):
        for cadre in CadreFactory.create_batch(5, department=dept):
            LiaisonAssignmentFactory.create_batch(2, cadre=cadre)
    GrassrootsUnionFactory.create_batch(5, street=Street.NIUJIE)
    with django_assert_num_queries(with_one_row):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["uncovered", "shared", "cadres-without-units"])
def test_the_coverage_lists_cost_the_same_queries_for_1_row_and_for_many(
    login, olivia, alice, bob, department, django_assert_num_queries, name
):
    def one_more():
        union = GrassrootsUnionFactory()
        LiaisonAssignmentFactory(cadre=alice, union=union)
        LiaisonAssignmentFactory(cadre=bob, union=union)
        GrassrootsUnionFactory()
        CadreFactory(department=department)

    client = login(olivia)
    url = reverse(f"assignments:{name}", args=[YEAR])
    one_more()
    client.get(url)
    with_one_row = queries_for(client, url)

    for _ in range(8):
        one_more()
    with django_assert_num_queries(with_one_row):
        assert client.get(url).status_code == 200


def test_the_cadre_page_costs_the_same_queries_for_1_result_and_for_many(
    login, olivia, alice, django_assert_num_queries
):
    client = login(olivia)
    url = reverse("assignments:cadre", args=[YEAR, alice.pk]) + "?q=计数"
    LiaisonAssignmentFactory(cadre=alice, union__name="计数工会0")
    client.get(url)
    with_one_row = queries_for(client, url)

    for n in range(1, 10):
        LiaisonAssignmentFactory(cadre=alice, union__name=f"计数工会{n}")
    with django_assert_num_queries(with_one_row):
        assert client.get(url).status_code == 200
