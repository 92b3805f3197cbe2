"""A cadre plans the 21 days on a calendar of their contacts; a department head sees the
department's month, the organization department the federation's week. Today is Tuesday
2026-11-24 (ISO week 2026-W48)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import VisitRecord
from tests.factories import CadreFactory, GrassrootsUnionFactory, VisitRecordFactory
from tests.helpers import filed, tags
from unions.roles import Role

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def union(db):
    return GrassrootsUnionFactory(name="西城区人民医院工会")


@pytest.fixture
def contacts(alice, union):
    """Alice's November: a filed visit over two days, a draft, and a filed visit in October."""
    return {
        "visit": filed(alice, union, D(2026, 11, 19), end=D(2026, 11, 20), days="2.0"),
        "draft": VisitRecordFactory(
            cadre=alice,
            union=GrassrootsUnionFactory(name="金融街街道总工会"),
            start_date=D(2026, 11, 26),
            status=VisitRecord.Status.DRAFT,
        ),
        "october": filed(alice, GrassrootsUnionFactory(name="月坛工会"), D(2026, 10, 9)),
    }


def cadre_url(cadre, month=""):
    url = reverse("plan:cadre", kwargs={"pk": cadre.pk})
    return f"{url}?month={month}" if month else url


def day(response, date: str) -> str:
    """The HTML of one day of the grid."""
    page = response.content.decode()
    at = page.index(f'data-date="{date}"')
    start = page.rindex('<li class="plan-day', 0, at)
    following = page.find('<li class="plan-day', at)
    return page[start : following if following != -1 else page.index("</ol>", at)]


def entries(response) -> list[str]:
    return [
        attrs["href"]
        for tag, attrs in tags(response)
        if tag == "a" and "/records/" in attrs.get("href", "")
    ]


class TestACadresMonth:
    def test_shows_the_contacts_on_their_days_with_the_year_left_and_the_pace(
        self, login, alice, contacts
    ):
        response = login(alice).get(cadre_url(alice))
        assert response.status_code == 200
        assert "西城区人民医院工会" in day(response, "2026-11-19")
        assert "西城区人民医院工会" in day(response, "2026-11-20")  # both days of the visit
        assert "2 天" in day(response, "2026-11-19")  # its days once, on its first day
        assert "（续）" in day(response, "2026-11-20") and "2 天" not in day(response, "2026-11-20")
        assert "金融街街道总工会" in day(response, "2026-11-26")
        assert "草稿" in day(response, "2026-11-26")
        assert "月坛工会" not in response.content.decode()  # October's is another month
        standing = response.context["standing"]
        progress = standing.progress
        # 2 days filed in November and 1 in October against the pace of 24 November.
        assert progress.filed == Decimal("3.0")
        assert (
            standing.working_days_left
            == progress.working_days_in_year - progress.working_days_elapsed
        )
        assert standing.working_days_left == 27  # 25 Nov – 31 Dec 2026, the calendar's count
        assert response.context["filed_days"] == Decimal("2.0")
        page = response.content.decode()
        assert progress.words in page
        assert "2026年还剩 27 个工作日" in page
        assert 'aria-current="date"' in day(response, "2026-11-24")

    def test_the_month_is_in_the_url_with_previous_and_next(self, login, alice, contacts):
        response = login(alice).get(cadre_url(alice, "2026-10"))
        assert "月坛工会" in day(response, "2026-10-09")
        links = {
            attrs.get("data-testid"): attrs["href"]
            for tag, attrs in tags(response)
            if tag == "a" and attrs.get("rel") in ("prev", "next")
        }
        assert links == {"previous": "?month=2026-09", "next": "?month=2026-11"}
        december = login(alice).get(cadre_url(alice, "2026-12"))
        nav = [
            attrs["href"]
            for tag, attrs in tags(december)
            if tag == "a" and attrs.get("rel") == "next"
        ]
        assert nav == ["?month=2027-01"]

    def test_marks_the_holidays_and_make_up_days_of_the_calendar(self, login, alice):
        response = login(alice).get(cadre_url(alice, "2026-10"))
        assert "rest" in day(response, "2026-10-01").split('"')[1].split()  # a holiday: a rest day
        assert ">休<" in day(response, "2026-10-01")
        assert ">班<" in day(response, "2026-10-10")  # Saturday, a make-up working day
        assert "rest" in day(response, "2026-10-11").split('"')[1].split()  # an ordinary Sunday

    def test_a_month_that_is_not_one_is_this_month(self, login, alice):
        response = login(alice).get(cadre_url(alice, "2026-13"))
        assert response.context["nav"]["first"] == D(2026, 11, 1)

    def test_another_cadre_guessing_the_id_gets_404(self, login, alice, bob, contacts):
        assert login(bob).get(cadre_url(alice)).status_code == 404

    def test_the_head_of_the_department_sees_the_filed_contacts_not_the_drafts(
        self, login, alice, carol, contacts
    ):
        response = login(carol).get(cadre_url(alice))
        assert response.status_code == 200
        assert "西城区人民医院工会" in day(response, "2026-11-19")
        assert "金融街街道总工会" not in response.content.decode()

    def test_the_head_of_another_department_gets_404(self, login, alice, dave, contacts):
        assert login(dave).get(cadre_url(alice)).status_code == 404

    def test_the_organization_department_sees_every_cadre(self, login, alice, olivia, contacts):
        response = login(olivia).get(cadre_url(alice))
        assert response.status_code == 200
        assert "西城区人民医院工会" in day(response, "2026-11-20")

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, alice):
        response = client.get(cadre_url(alice))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_costs_the_same_queries_for_one_contact_or_many(
        self, login, alice, union, django_assert_num_queries
    ):
        client = login(alice)
        filed(alice, union, D(2026, 11, 2))
        with CaptureQueriesContext(connection) as one:
            assert len(client.get(cadre_url(alice)).context["records"]) == 1
        for n in range(3, 23):
            filed(alice, GrassrootsUnionFactory(), D(2026, 11, n), days="0.5")
        with django_assert_num_queries(len(one)):
            assert len(client.get(cadre_url(alice)).context["records"]) == 21


@pytest.fixture
def dave(other_department):
    return CadreFactory(
        name="丁大伟",
        department=other_department,
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


class TestADepartmentsMonth:
    def url(self, department, month=""):
        url = reverse("plan:department", kwargs={"pk": department.pk})
        return f"{url}?month={month}" if month else url

    def test_its_head_sees_every_cadres_filed_contacts_and_standing(
        self, login, alice, carol, department, contacts
    ):
        response = login(carol).get(self.url(department))
        assert response.status_code == 200
        assert "李爱丽 · 西城区人民医院工会" in day(response, "2026-11-19")
        assert "金融街街道总工会" not in response.content.decode()  # alice's draft is hers
        standings = {row.cadre.name: row for row in response.context["standings"]}
        assert set(standings) == {"李爱丽", "陈卡罗"}
        assert standings["李爱丽"].filed == Decimal("3.0")
        # The pace of 24 November, as the home and the dashboard count it.
        assert standings["李爱丽"].pace == Decimal("18.5")
        assert standings["李爱丽"].gap == Decimal("-15.5")
        assert reverse("plan:cadre", kwargs={"pk": alice.pk}) in response.content.decode()

    def test_a_cadre_may_not_open_it(self, login, alice, department):
        assert login(alice).get(self.url(department)).status_code == 403

    def test_the_head_of_another_department_gets_404(self, login, dave, department):
        assert login(dave).get(self.url(department)).status_code == 404

    def test_the_organization_department_opens_any(self, login, olivia, department, contacts):
        response = login(olivia).get(self.url(department, "2026-11"))
        assert response.status_code == 200
        assert "西城区人民医院工会" in day(response, "2026-11-20")

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, department):
        assert client.get(self.url(department)).url.startswith(reverse("login"))

    def test_costs_the_same_queries_for_one_cadre_or_many(
        self, login, carol, department, union, django_assert_num_queries
    ):
        client = login(carol)
        filed(carol, union, D(2026, 11, 2))
        with CaptureQueriesContext(connection) as one:
            client.get(self.url(department))
        for n in range(3, 13):
            filed(CadreFactory(department=department), union, D(2026, 11, n), days="1.5")
        with django_assert_num_queries(len(one)):
            response = client.get(self.url(department))
        assert len(response.context["records"]) == 11
        assert len(response.context["standings"]) == 11


WEEK = reverse("plan:week")


class TestTheFederationsWeek:
    def test_the_organization_department_sees_every_contact_of_the_week(
        self, login, olivia, bob, contacts
    ):
        filed(bob, GrassrootsUnionFactory(name="德胜街道工会"), D(2026, 11, 17))
        response = login(olivia).get(WEEK + "?week=2026-W47")
        assert response.status_code == 200
        assert "李爱丽 · 西城区人民医院工会" in day(response, "2026-11-19")
        assert "王博 · 德胜街道工会" in day(response, "2026-11-17")
        assert "金融街街道总工会" not in response.content.decode()  # a draft, W48 anyway
        rows = {row.department.name: row for row in response.context["departments"]}
        assert (rows["宣传教育部"].contacts, rows["宣传教育部"].days) == (1, Decimal("2.0"))
        assert rows["法律工作部"].contacts == 1
        links = [attrs["href"] for tag, attrs in tags(response) if tag == "a" and attrs.get("rel")]
        assert links == ["?week=2026-W46", "?week=2026-W48"]

    def test_without_a_week_it_is_this_week_and_the_year_turns(self, login, olivia):
        assert login(olivia).get(WEEK).context["week"] == "2026-W48"
        last = login(olivia).get(WEEK + "?week=2026-W53")
        links = [attrs["href"] for tag, attrs in tags(last) if tag == "a" and attrs.get("rel")]
        assert links == ["?week=2026-W52", "?week=2027-W01"]

    @pytest.mark.parametrize("who", ["alice", "bob", "carol"])
    def test_cadres_and_department_heads_may_not_open_it(self, login, who, request):
        assert login(request.getfixturevalue(who)).get(WEEK).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        assert client.get(WEEK).url.startswith(reverse("login"))

    def test_costs_the_same_queries_for_one_contact_or_many(
        self, login, olivia, department, union, django_assert_num_queries
    ):
        client = login(olivia)
        filed(CadreFactory(department=department), union, D(2026, 11, 23))
        with CaptureQueriesContext(connection) as one:
            client.get(WEEK)
        for n in range(12):
            filed(CadreFactory(), GrassrootsUnionFactory(), D(2026, 11, 23 + n % 7))
        with django_assert_num_queries(len(one)):
            assert len(client.get(WEEK).context["records"]) == 13


class TestTheWayIn:
    @pytest.mark.parametrize(
        ("who", "where"),
        [("alice", "cadre"), ("carol", "department"), ("olivia", "week")],
    )
    def test_each_role_lands_on_its_calendar_from_the_menu(self, login, who, where, request):
        person = request.getfixturevalue(who)
        client = login(person)
        home = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("plan:index")}"' in home
        target = client.get(reverse("plan:index")).url
        expected = {
            "cadre": reverse("plan:cadre", kwargs={"pk": person.pk}),
            "department": reverse("plan:department", kwargs={"pk": person.department_id}),
            "week": WEEK,
        }[where]
        assert target == expected

    def test_a_cadres_home_links_the_year_progress_to_the_calendar(self, login, alice):
        home = login(alice).get(reverse("home"))
        links = [a["href"] for t, a in tags(home) if a.get("data-testid") == "plan-link"]
        assert links == [reverse("plan:index")]

    def test_the_page_prints_and_turns_into_a_list_on_a_phone(self, login, alice):
        response = login(alice).get(cadre_url(alice))
        stylesheets = [a["href"] for t, a in tags(response) if t == "link"]
        assert "/static/css/plan.css" in stylesheets
        css = (finders_path("css/plan.css")).read_text()
        assert "@media (max-width: 575.98px)" in css and "@media print" in css


def finders_path(name):
    from pathlib import Path

    return Path(finders.find(name))
