"""The home page: each role lands on its own view of the year; a visitor goes to the login."""

import datetime
import re
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from liaison.compliance.pace import YearProgress, format_days, round_to_half_day, year_progress
from records.models import Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    CalendarDayFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    UserFactory,
    VisitRecordFactory,
)
from unions.assignments.selectors import assigned_union_ids

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
    assert [unit.union for unit in mine["units"]] == [union]
    assert mine["progress"].filed == Decimal("1.5")
    assert mine["draft_count"] == 1
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


def test_the_open_problem_figures_open_the_ledger_of_as_many(login, olivia, alice, bob):
    transferred = {"resolution": Problem.Resolution.TRANSFER, "department": bob.department}
    ProblemFactory(record=VisitRecordFactory(cadre=alice), status="transferred", **transferred)
    ProblemFactory(record=VisitRecordFactory(cadre=alice), status="accepted", **transferred)
    ProblemFactory(record=VisitRecordFactory(cadre=bob), status="answered", **transferred)
    ProblemFactory(record=VisitRecordFactory(cadre=bob))  # solved on the spot: closed
    ProblemFactory(  # on a sheet returned for revision: still open
        record=VisitRecordFactory(cadre=alice, status=VisitRecord.Status.RETURNED),
        status="raised",
    )
    ProblemFactory(  # last year's, still open
        record=VisitRecordFactory(cadre=bob, start_date=datetime.date(2025, 12, 1)),
        status="fed_back",
        **transferred,
    )
    ProblemFactory(  # on a draft: not raised yet
        record=VisitRecordFactory(cadre=alice, status=VisitRecord.Status.DRAFT), status="raised"
    )
    client = login(olivia)
    home = client.get(HOME).text
    url, title, number = re.search(
        r'href="([^"]+)" data-testid="open-problems-link" title="([^"]+)"[^>]*>(\d+)<', home
    ).groups()

    assert (int(number), title) == (5, "在问题台账中查看未办结的问题")
    assert client.get(url.replace("&amp;", "&")).context["page"].paginator.count == 5
    url, title, number = re.search(
        r'href="([^"]+)" data-testid="waiting-problems-link" title="([^"]+)"[^>]*>(\d+)<', home
    ).groups()
    assert (int(number), title) == (2, "在问题台账中查看部室办理中的问题")
    assert client.get(url.replace("&amp;", "&")).context["page"].paginator.count == 2


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


# The cadre's part of the home page (我的联系点) ---------------------------------------------

CREATE = reverse("records:record-create")


def record(cadre, union, day: str, **kwargs):
    start = datetime.date.fromisoformat(day)
    return VisitRecordFactory(cadre=cadre, union=union, start_date=start, end_date=start, **kwargs)


@pytest.fixture
def carols_units(carol, bob):
    """carol, a division-level leader (4 units), with one unit ended mid-year."""
    units = {
        name: GrassrootsUnionFactory(name=name)
        for name in ("A 医院工会", "B 商场工会", "C 学校工会", "D 银行工会")
    }
    for name in ("A 医院工会", "B 商场工会", "C 学校工会"):
        LiaisonAssignmentFactory(cadre=carol, union=units[name], year=2026)
    LiaisonAssignmentFactory(
        cadre=carol,
        union=units["D 银行工会"],
        year=2026,
        ended_at=datetime.date(2026, 6, 30),
        end_reason="单位合并",
    )
    a, b, d = units["A 医院工会"], units["B 商场工会"], units["D 银行工会"]
    record(carol, a, "2026-05-20")  # Q2
    record(carol, a, "2026-09-30")  # Q3: this year, not this quarter
    record(carol, a, "2026-10-01")  # the first day of Q4
    record(carol, a, "2026-11-10")  # Q4, the last contact
    record(carol, a, "2026-11-20", status=VisitRecord.Status.DRAFT)  # a draft never counts
    record(carol, b, "2025-12-15")  # last year: the last contact, but not this year
    record(carol, b, "2026-11-01", status=VisitRecord.Status.RETURNED, return_reason="缺签到表")
    record(carol, d, "2026-03-10")
    record(bob, a, "2026-11-23")  # another cadre at the same union counts for nobody here
    return units


def test_a_leader_sees_each_unit_with_its_last_contact_and_this_years_counts(
    login, carol, carols_units
):
    response = login(carol).get(HOME)
    assert response.status_code == 200
    mine = response.context["mine"]
    figures = {
        unit.union.name: (unit.last_contact, unit.records_this_year, unit.records_this_quarter)
        for unit in mine["units"]
    }
    assert figures == {
        "A 医院工会": (datetime.date(2026, 11, 10), 4, 2),
        "B 商场工会": (datetime.date(2025, 12, 15), 0, 0),
        "C 学校工会": (None, 0, 0),
        "D 银行工会": (datetime.date(2026, 3, 10), 1, 0),
    }
    # Current units first, by name; the unit ended mid-year last.
    assert list(figures) == ["A 医院工会", "B 商场工会", "C 学校工会", "D 银行工会"]
    assert (mine["current_units"], mine["quota"]) == (3, 4)
    page = response.content.decode()
    assert 'data-testid="unit-quota"' in page
    assert ">3 / 4</span>" in page
    assert "2026-06-30 结束" in page


def test_each_current_unit_has_a_button_to_fill_in_a_record_sheet_for_it(
    login, carol, carols_units
):
    page = login(carol).get(HOME).content.decode()
    for name in ("A 医院工会", "B 商场工会", "C 学校工会"):
        assert f'href="{CREATE}?union={carols_units[name].pk}"' in page
    assert f"?union={carols_units['D 银行工会'].pk}" not in page


def test_a_cadre_without_units_this_year_is_told_so(login, alice):
    LiaisonAssignmentFactory(cadre=alice, year=2025)
    response = login(alice).get(HOME)
    assert response.context["mine"]["units"] == []
    assert "今年尚未为您分配联系点。" in response.content.decode()


def test_assigned_union_ids_are_the_cadres_current_units_of_that_year(alice, bob):
    kept = LiaisonAssignmentFactory(cadre=alice, year=2026)
    LiaisonAssignmentFactory(
        cadre=alice, year=2026, ended_at=datetime.date(2026, 5, 1), end_reason="调整"
    )
    LiaisonAssignmentFactory(cadre=alice, year=2025)
    LiaisonAssignmentFactory(cadre=bob, year=2026)
    assert assigned_union_ids(alice, 2026) == {kept.union_id}


def test_rounding_to_the_half_day_goes_half_up():
    assert round_to_half_day(Fraction(52, 10)) == Decimal("5")
    assert round_to_half_day(Fraction(525, 100)) == Decimal("5.5")
    assert round_to_half_day(Fraction(574, 100)) == Decimal("5.5")
    assert round_to_half_day(Fraction(575, 100)) == Decimal("6")
    assert round_to_half_day(Fraction(0)) == Decimal("0")


def test_days_are_written_without_a_trailing_zero():
    assert format_days(Decimal("12.0")) == "12"
    assert format_days(Decimal("14.5")) == "14.5"
    assert format_days(Decimal("20")) == "20"
    assert format_days(Decimal("0.0")) == "0"


# 2026 has 248 working days (chinese_calendar). The pace is 21 × elapsed / 248, rounded half up
# to half days: 21 × 124 / 248 = 10.5 exactly; 21 × 62 / 248 = 5.25 → 5.5;
# 21 × 186 / 248 = 15.75 → 16; 21 × 221 / 248 = 18.71… → 18.5.
@pytest.mark.parametrize(
    ("day", "elapsed", "pace"),
    [
        ("2026-01-01", 0, "0"),  # New Year's Day, a holiday
        ("2026-04-03", 62, "5.5"),
        ("2026-07-06", 124, "10.5"),
        ("2026-09-30", 186, "16"),
        ("2026-11-24", 221, "18.5"),
        ("2026-12-31", 248, "21"),
    ],
)
def test_the_pace_for_today_follows_the_2026_working_day_calendar(alice, day, elapsed, pace):
    with time_machine.travel(f"{day} 10:00 +0800", tick=False):
        progress = year_progress(alice, timezone.localdate())
    assert progress.working_days_in_year == 248
    assert progress.working_days_elapsed == elapsed
    assert progress.pace == Decimal(pace)
    assert progress.target == Decimal("21")
    assert not progress.estimated


def test_an_administrators_calendar_day_changes_the_pace(alice):
    # A Monday made a holiday: 123 of 247 working days on 2026-07-06.
    CalendarDayFactory(date=datetime.date(2026, 7, 6), is_working_day=False)
    progress = year_progress(alice, datetime.date(2026, 7, 6))
    assert (progress.working_days_elapsed, progress.working_days_in_year) == (123, 247)
    assert progress.pace == Decimal("10.5")  # 21 × 123 / 247 = 10.46 → 10.5


def test_only_filed_days_of_this_year_count_toward_progress(alice):
    VisitRecordFactory(cadre=alice, days=Decimal("10.0"))
    VisitRecordFactory(cadre=alice, days=Decimal("2.0"), start_date=datetime.date(2026, 11, 2))
    VisitRecordFactory(cadre=alice, days=Decimal("3.0"), status=VisitRecord.Status.DRAFT)
    VisitRecordFactory(cadre=alice, days=Decimal("3.0"), status=VisitRecord.Status.RETURNED)
    VisitRecordFactory(cadre=alice, days=Decimal("4.0"), start_date=datetime.date(2025, 12, 1))
    VisitRecordFactory(days=Decimal("5.0"))  # someone else's
    progress = year_progress(alice, datetime.date(2026, 11, 24))
    assert progress.filed == Decimal("12")
    assert progress.gap == Decimal("-6.5")
    assert (progress.filed_percent, progress.pace_percent) == (57, 88)


def progress_of(filed: str, pace: str) -> YearProgress:
    return YearProgress(
        year=2026,
        target=Decimal("21"),
        filed=Decimal(filed),
        pace=Decimal(pace),
        working_days_elapsed=200,
        working_days_in_year=248,
    )


@pytest.mark.parametrize(
    ("filed", "pace", "standing", "words"),
    [
        (
            "12.0",
            "14.5",
            "behind",
            "12 days filed; the pace for today is 14.5 days; 2.5 days behind",
        ),
        ("15.5", "14.5", "ahead", "15.5 days filed; the pace for today is 14.5 days; 1 days ahead"),
        ("14.5", "14.5", "even", "14.5 days filed; the pace for today is 14.5 days; on pace"),
        ("0.0", "0", "even", "0 days filed; the pace for today is 0 days; on pace"),
    ],
)
def test_progress_says_how_far_behind_or_ahead_of_the_pace(filed, pace, standing, words):
    progress = progress_of(filed, pace)
    assert progress.standing == standing
    with translation.override("en"):
        assert progress.words == words


def test_progress_is_said_in_the_words_of_the_issue():
    with translation.override("zh-hans"):
        assert progress_of("12.0", "14.5").words == "已累计 12 天，按进度应达 14.5 天，落后 2.5 天"
        assert progress_of("15.5", "14.5").words == "已累计 15.5 天，按进度应达 14.5 天，超前 1 天"
        assert progress_of("14.5", "14.5").words == "已累计 14.5 天，按进度应达 14.5 天，与进度持平"


def test_the_home_page_shows_the_progress_in_words_and_as_a_bar(login, alice):
    VisitRecordFactory(cadre=alice, days=Decimal("10.0"))
    VisitRecordFactory(cadre=alice, days=Decimal("2.0"))
    response = login(alice).get(HOME)
    page = response.content.decode()
    assert "已累计 12 天，按进度应达 18.5 天，落后 6.5 天" in page
    assert 'class="progress-bar bg-danger pct-width pct-57"' in page
    assert 'class="pace-marker pct-left pct-88"' in page
    assert 'data-testid="calendar-estimated"' not in page


def test_the_page_says_the_calendar_is_an_estimate_in_a_year_nobody_entered(login, alice):
    with time_machine.travel("2027-03-01 10:00 +0800", tick=False):
        union = GrassrootsUnionFactory(name="2027 联系单位")
        LiaisonAssignmentFactory(cadre=alice, union=union, year=2027)
        record(alice, union, "2027-02-22", days=Decimal("2.0"))
        response = login(alice).get(HOME)
    assert response.status_code == 200
    progress = response.context["mine"]["progress"]
    # Monday to Friday: 261 working days in 2027, 42 of them by Monday 1 March.
    assert progress.estimated_years == (2027,)
    assert (progress.working_days_elapsed, progress.working_days_in_year) == (42, 261)
    assert progress.pace == Decimal("3.5")  # 21 × 42 / 261 = 3.38 → 3.5
    assert progress.filed == Decimal("2")
    assert [unit.union for unit in response.context["mine"]["units"]] == [union]
    assert 'data-testid="calendar-estimated"' in response.content.decode()


def test_a_year_the_administrator_entered_is_no_estimate(login, alice):
    with time_machine.travel("2027-03-01 10:00 +0800", tick=False):
        CalendarDayFactory(date=datetime.date(2027, 2, 8), is_working_day=False)
        response = login(alice).get(HOME)
    assert response.context["mine"]["progress"].estimated_years == ()
    assert 'data-testid="calendar-estimated"' not in response.content.decode()


def waiting_problem(cadre, department, status, **kwargs):
    return ProblemFactory(
        record__cadre=cadre,
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        **kwargs,
    )


def test_drafts_returned_sheets_and_waiting_problems_are_listed_with_links(
    login, alice, other_department
):
    draft = record(alice, GrassrootsUnionFactory(name="草稿单位"), "2026-11-20", status="draft")
    undated = VisitRecordFactory(
        cadre=alice, status="draft", start_date=None, end_date=None, contact_form=""
    )
    returned = record(
        alice,
        GrassrootsUnionFactory(name="退回单位"),
        "2026-11-02",
        status="returned",
        return_reason="请补充职工意见",
    )
    overdue = waiting_problem(
        alice,
        other_department,
        Problem.Status.TRANSFERRED,
        description="食堂价格偏高",
        deadline=datetime.date(2026, 11, 20),
    )
    accepted = waiting_problem(
        alice,
        other_department,
        Problem.Status.ACCEPTED,
        description="通勤班车不足",
        deadline=datetime.date(2026, 12, 10),
    )
    answered = waiting_problem(
        alice, other_department, Problem.Status.ANSWERED, description="加班费标准"
    )
    ProblemFactory(record__cadre=alice, description="现场已解决的问题")  # on the spot, closed
    waiting_problem(alice, other_department, Problem.Status.CLOSED, description="已办结的问题")

    response = login(alice).get(HOME)
    mine = response.context["mine"]
    assert set(mine["drafts"]) == {draft, undated}
    assert mine["draft_count"] == 2
    assert mine["returned"] == [returned]
    assert mine["returned_count"] == 1
    # Earliest deadline first; no deadline last.
    assert mine["problems"] == [overdue, accepted, answered]
    assert mine["problem_count"] == 3

    page = response.content.decode()
    for sheet in (draft, undated, returned):
        assert f'href="{reverse("records:record-edit", args=[sheet.pk])}"' in page
    for problem in (overdue, accepted):
        assert f'href="{reverse("records:record-detail", args=[problem.record_id])}"' in page
    # "已答复，请向基层反馈" goes straight to the feedback form.
    feedback = reverse("records:problem-detail", args=[answered.pk]) + "#step-feedback"
    assert f'href="{feedback}"' in page
    assert f'href="{reverse("records:record-detail", args=[answered.record_id])}"' not in page
    assert "请补充职工意见" in page
    assert "法律工作部" in page
    assert "现场已解决的问题" not in page
    assert "已办结的问题" not in page


def test_long_lists_are_cut_to_ten_with_the_full_count(login, alice):
    VisitRecordFactory.create_batch(12, cadre=alice, status="draft")
    response = login(alice).get(HOME)
    mine = response.context["mine"]
    assert (len(mine["drafts"]), mine["draft_count"]) == (10, 12)
    assert "显示 10 条，共 12 条" in response.content.decode()


def test_another_cadres_sheets_and_problems_never_appear(login, alice, bob, department):
    union = GrassrootsUnionFactory(name="共同联系单位")
    LiaisonAssignmentFactory(cadre=alice, union=union)
    LiaisonAssignmentFactory(cadre=bob, union=union)
    record(bob, union, "2026-11-23", days=Decimal("5.0"))
    record(bob, GrassrootsUnionFactory(name="王博的草稿单位"), "2026-11-20", status="draft")
    record(bob, GrassrootsUnionFactory(name="王博的退回单位"), "2026-11-02", status="returned")
    waiting_problem(bob, department, Problem.Status.TRANSFERRED, description="王博提出的问题")

    response = login(alice).get(HOME)
    mine = response.context["mine"]
    [unit] = mine["units"]
    assert (unit.last_contact, unit.records_this_year, unit.records_this_quarter) == (None, 0, 0)
    assert mine["progress"].filed == Decimal("0")
    assert mine["drafts"] == mine["returned"] == mine["problems"] == []
    page = response.content.decode()
    for text in ("王博的草稿单位", "王博的退回单位", "王博提出的问题"):
        assert text not in page


def test_the_cadres_page_costs_the_same_queries_for_one_record_or_fifty(
    login, carol, other_department, django_assert_num_queries
):
    first = LiaisonAssignmentFactory(cadre=carol).union
    record(carol, first, "2026-11-10")
    # One row in each list too (a list with no rows costs no query: compare like with like).
    record(carol, first, "2026-11-11", status="draft")
    sheet = record(carol, first, "2026-11-12", status="returned")
    waiting_problem(carol, other_department, Problem.Status.TRANSFERRED, record=sheet)
    client = login(carol)
    with_one_record = queries_for(client, HOME)

    unions = [first] + [LiaisonAssignmentFactory(cadre=carol).union for _ in range(3)]
    statuses = ["filed", "filed", "draft", "returned", "filed"]
    days = ["2025-12-01", "2026-03-10", "2026-10-15", "2026-11-20"]
    for n in range(49):
        sheet = record(carol, unions[n % 4], days[n % 4], status=statuses[n % 5])
        if n % 7 == 0:
            waiting_problem(carol, other_department, Problem.Status.TRANSFERRED, record=sheet)
    with django_assert_num_queries(with_one_record):
        response = client.get(HOME)
    assert response.status_code == 200
    assert len(response.context["mine"]["units"]) == 4


def test_the_worklist_costs_four_queries_empty_or_not(
    carol, other_department, django_assert_num_queries
):
    from liaison.home.selectors import cadre_worklist

    first = LiaisonAssignmentFactory(cadre=carol).union
    record(carol, first, "2026-11-10")
    with django_assert_num_queries(4):  # the three counts in one, then each list
        empty = cadre_worklist(carol)
    assert (empty["draft_count"], empty["returned_count"], empty["problem_count"]) == (0, 0, 0)

    draft = record(carol, first, "2026-11-11", status="draft")
    waiting_problem(carol, other_department, Problem.Status.TRANSFERRED, record=draft)
    waiting_problem(carol, other_department, Problem.Status.ACCEPTED, record=draft)
    with django_assert_num_queries(4):
        some = cadre_worklist(carol)
    assert some["drafts"] == [draft] and some["draft_count"] == 1
    assert some["returned"] == [] and some["returned_count"] == 0
    assert some["problem_count"] == 2 and len(some["problems"]) == 2
