"""The summary reported upward to the city federation: who may have it, and that its figures
are the compliance dashboard's (the dashboard's own page computes them, the workbook's cells
must say the same).

alice (宣传教育部) filed 2 days in Q4 with her contact unit, one problem transferred and overdue;
bob (法律工作部) 19 days in March and 1 in November, with a problem fed back; carol heads
alice's department and olivia is the organization department. Today is 2026-11-24 (Q4)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from liaison.models import MeetingDecision
from records.models import ContactForm, Problem
from tests.factories import (
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    QuarterlyMeetingFactory,
    UserFactory,
    VisitRecordFactory,
)
from tests.helpers import workbook_of
from unions.models import Street

pytestmark = pytest.mark.django_db
D = datetime.date
PAGE = reverse("reports:report")
DOWNLOAD = reverse("reports:download")


@pytest.fixture
def cast(alice, bob, carol, olivia):
    tianqiao = GrassrootsUnionFactory(name="北京天桥百货商场工会", street=Street.TIANQIAO)
    xidan = GrassrootsUnionFactory(name='=HYPERLINK("x")西单商场工会', street=Street.XICHANGANJIE)
    GrassrootsUnionFactory(name="未联系的工会", street=Street.TIANQIAO)
    LiaisonAssignmentFactory(cadre=alice, union=tianqiao)
    LiaisonAssignmentFactory(cadre=carol, union=tianqiao)
    LiaisonAssignmentFactory(cadre=bob, union=xidan)
    october = VisitRecordFactory(
        cadre=alice,
        union=tianqiao,
        start_date=D(2026, 10, 9),
        days=Decimal("2.0"),
        area_problems=True,
    )
    ProblemFactory(
        record=october,
        category=Problem.Category.SAFETY,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=bob.department,
        deadline=D(2026, 11, 1),
    )
    ProblemFactory(record=october)  # wages, solved on the spot
    march = VisitRecordFactory(
        cadre=bob, union=xidan, start_date=D(2026, 3, 2), end_date=D(2026, 3, 31), days=19
    )
    ProblemFactory(
        record=march,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.FED_BACK,
        department=alice.department,
        feedback_on=D(2026, 4, 20),
        satisfaction=Problem.Satisfaction.SATISFIED,
    )
    VisitRecordFactory(
        cadre=bob,
        union=xidan,
        start_date=D(2026, 11, 2),
        days=Decimal("1.0"),
        contact_form=ContactForm.REMOTE,
        area_needs=False,
        area_self=True,
    )
    OpinionFactory(union=tianqiao)
    meeting = QuarterlyMeetingFactory(year=2026, quarter=4, date=D(2026, 11, 20))
    meeting.attendees.set([alice, bob, olivia])
    MeetingDecision.objects.create(
        meeting=meeting,
        problem=october.problems.get(category=Problem.Category.SAFETY),
        kind=MeetingDecision.Kind.URGE,
    )
    return {"alice": alice, "bob": bob, "carol": carol, "olivia": olivia}


def rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]


def last_row(sheet) -> list:
    return rows(sheet)[-1]


# --- Who may have it -------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in (PAGE, DOWNLOAD):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_cadres_and_department_heads_may_not_have_it(login, cast, who):
    client = login(cast[who])
    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD, {"year": 2026, "quarter": 4}).status_code == 403


def test_an_administrator_without_the_role_may_not_either(client, admin_user):
    client.force_login(admin_user)
    assert client.get(PAGE).status_code == 403


def test_a_user_with_no_role_may_not(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(DOWNLOAD).status_code == 403


def test_the_organization_department_chooses_a_period_and_downloads(login, cast):
    client = login(cast["olivia"])
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "report" not in page.context

    page = client.get(PAGE, {"year": 2026, "quarter": 4})
    assert page.status_code == 200
    assert page.context["report"].total.cadres == 4
    link = f"{DOWNLOAD}?year=2026&amp;quarter=4"
    assert link in page.content.decode()
    assert workbook_of(client.get(DOWNLOAD, {"year": 2026, "quarter": 4}))


def test_a_quarter_not_started_is_refused_next_to_the_field(login, cast):
    client = login(cast["olivia"])
    page = client.get(PAGE, {"year": 2026, "quarter": 4})
    assert page.status_code == 200
    page = client.get(PAGE, {"year": 2027, "quarter": 1})
    assert page.status_code == 400
    assert page.context["form"].errors["year"]
    assert client.get(DOWNLOAD, {"year": 2026, "quarter": "5"}).status_code == 400


# --- Its figures are the dashboard's --------------------------------------------------------


@pytest.mark.parametrize("quarter", [1, 4])
def test_the_quarterly_workbook_says_what_the_dashboard_says(login, cast, quarter):
    client = login(cast["olivia"])
    dashboard = client.get(reverse("compliance:dashboard"), {"year": 2026, "quarter": quarter})
    total = dashboard.context["total"]
    streets = dashboard.context["streets"]
    book = workbook_of(client.get(DOWNLOAD, {"year": 2026, "quarter": quarter}))

    assert book.sheetnames == [
        "干部与处级领导",
        "联系点数",
        "各街道覆盖",
        "工作日数",
        "记录单（按联系形式）",
        "记录单（按主要内容）",
        "问题（按类别）",
        "职工留言",
        "季度例会",
    ]
    # Cadres: all, leaders, and by status.
    cadres = last_row(book["干部与处级领导"])
    assert cadres[:2] == ["全部部室", total.cadres]
    assert cadres[2] == sum(1 for row in dashboard.context["rows"] if row.is_leader) == 2
    assert cadres[3:6] == [total.on_track, total.behind, total.no_contact]
    departments = [row[0] for row in rows(book["干部与处级领导"])[:-1]]
    assert departments == [s.name for s in dashboard.context["departments"]]
    # Contact units.
    assert last_row(book["联系点数"])[1:3] == [total.units_assigned, total.units_contacted]
    # Coverage street by street.
    coverage = {row[0]: row[1:3] for row in rows(book["各街道覆盖"])}
    for street in streets:
        assert coverage[street.label] == [street.units, street.contacted]
    everything = dashboard.context["streets_total"]
    assert coverage["合计"] == [everything.units, everything.contacted]
    # Working days against 21.
    days = rows(book["工作日数"])
    assert days[-1][3] == float(total.days_filed_year)
    for row, cadre in zip(days, dashboard.context["rows"], strict=False):
        assert row[1] == cadre.name
        assert row[3] == float(cadre.days_filed_year)
        assert row[4] == 21
    # Sheets and problems: the totals are the dashboard's.
    assert last_row(book["记录单（按联系形式）"])[1] == total.records_filed
    problems = last_row(book["问题（按类别）"])
    assert problems[1] == total.problems_raised
    assert problems[3] == total.problems_transferred
    assert problems[4] == total.problems_overdue
    assert problems[5] == total.problems_fed_back


def test_the_quarter_s_breakdowns(login, cast):
    book = workbook_of(login(cast["olivia"]).get(DOWNLOAD, {"year": 2026, "quarter": 4}))

    forms = {row[0]: row[1:] for row in rows(book["记录单（按联系形式）"])}
    assert forms["深入基层走访调研"] == [1, 2]
    assert forms["电话、微信等便捷手段"] == [1, 1]
    assert forms["合计"] == [2, 3]
    areas = {row[0]: row[1] for row in rows(book["记录单（按主要内容）"])}
    assert areas["了解职工需求"] == 1
    assert areas["协商解决问题"] == 1
    assert areas["强化自身建设"] == 1
    problems = {row[0]: row[1:] for row in rows(book["问题（按类别）"])}
    # raised, on the spot, transferred, overdue, fed back, closed w/o feedback, open, 3 ratings
    assert problems["劳动安全"] == [1, 0, 1, 1, 0, 0, 1, 0, 0, 0]
    assert problems["工资福利"] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    opinions = {row[0]: row[1:] for row in rows(book["职工留言"])}
    assert opinions["职工生活"] == [1, 0, 1, 0]
    meeting = rows(book["季度例会"])
    assert meeting == [["第4季度", datetime.datetime(2026, 11, 20), 3, None, 1, 0, 0, 0, 1]]


def test_the_annual_workbook_adds_up_the_year(login, cast):
    client = login(cast["olivia"])
    book = workbook_of(client.get(DOWNLOAD, {"year": 2026}))
    q4 = client.get(reverse("compliance:dashboard"), {"year": 2026, "quarter": 4}).context
    q1 = client.get(reverse("compliance:dashboard"), {"year": 2026, "quarter": 1}).context

    # The days are the year's, as the current quarter's dashboard shows them.
    assert last_row(book["工作日数"])[3] == float(q4["total"].days_filed_year) == 22.0
    assert last_row(book["干部与处级领导"])[1] == q4["total"].cadres
    # Each quarter's coverage as that quarter's dashboard shows it.
    coverage = last_row(book["各街道覆盖"])
    assert coverage[1] == q4["streets_total"].units
    assert coverage[2] == q1["streets_total"].contacted  # Q1, first of the four
    assert coverage[-2] == q4["streets_total"].contacted
    # Sheets and problems: the four quarters' together.
    assert last_row(book["记录单（按联系形式）"])[1] == 3
    problems = last_row(book["问题（按类别）"])
    assert problems[1] == q1["total"].problems_raised + q4["total"].problems_raised == 3
    assert problems[8] == 1  # satisfied


def test_a_text_that_looks_like_a_formula_stays_text(login, cast):
    book = workbook_of(login(cast["olivia"]).get(DOWNLOAD, {"year": 2026, "quarter": 4}))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    assert book["干部与处级领导"].freeze_panes == "A4"
