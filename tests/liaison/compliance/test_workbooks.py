"""The compliance workbooks: the quarterly compliance report and the annual assessment, opened
with openpyxl as the organization department would open them in Excel, and who may have them.

alice (宣传教育部) filed 2 days this quarter: behind the pace of 18.5. bob (法律工作部) filed 20
days this year, 1 this quarter: on track. carol (head of 宣传教育部) and olivia (组织人事部)
filed nothing: no contact. Today is Tuesday 2026-11-24 (Q4 under way)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from liaison.compliance import assessment as compliance_assessment
from liaison.compliance import services
from liaison.compliance.workbooks import CADRE_COLUMNS, SUMMARY_COLUMNS, UNION_COLUMNS
from records.models import Problem
from tests.factories import (
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    UserFactory,
    VisitRecordFactory,
)
from tests.helpers import build_cadres, workbook_of
from unions.models import Department, Street

pytestmark = pytest.mark.django_db
D = datetime.date
QUARTER = reverse("workbooks:compliance")
ASSESSMENT = reverse("workbooks:assessment")
GREEN, AMBER, RED = "00C6EFCE", "00FFEB9C", "00FFC7CE"


def zh(message: str, context: str | None = None) -> str:
    with translation.override("zh-hans"):
        return pgettext(context, message) if context else gettext(message)


def headers(columns) -> list[str]:
    with translation.override("zh-hans"):
        return [str(column.header) for column in columns]


workbook = workbook_of


def values(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def data_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]


def fill_of(sheet, row: int) -> set[str]:
    return {cell.fill.fgColor.rgb for cell in sheet[row]}


@pytest.fixture
def cast(alice, bob, carol, olivia):
    union = GrassrootsUnionFactory(name="北京天桥百货商场工会", street=Street.TIANQIAO)
    LiaisonAssignmentFactory(cadre=alice, union=union)
    VisitRecordFactory(cadre=alice, union=union, start_date=D(2026, 10, 9), days=Decimal("2.0"))
    other = GrassrootsUnionFactory(name="北京西单商场工会", street=Street.XICHANGANJIE)
    LiaisonAssignmentFactory(cadre=bob, union=other)
    march = VisitRecordFactory(
        cadre=bob, union=other, start_date=D(2026, 3, 2), end_date=D(2026, 3, 31), days=19
    )
    VisitRecordFactory(cadre=bob, union=other, start_date=D(2026, 11, 2), days=Decimal("1.0"))
    ProblemFactory(
        record=march,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.FED_BACK,
        department=alice.department,
        feedback_on=D(2026, 4, 20),
        satisfaction=Problem.Satisfaction.SATISFIED,
    )
    return {"alice": alice, "bob": bob, "carol": carol, "olivia": olivia}


# --- Who may have them ----------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in (QUARTER, ASSESSMENT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [QUARTER, ASSESSMENT])
def test_a_cadre_gets_no_workbook(login, cast, url):
    """On the page a cadre sees their own row; a report of one row is no report."""
    assert login(cast["alice"]).get(url).status_code == 403


@pytest.mark.parametrize("url", [QUARTER, ASSESSMENT])
def test_a_user_with_no_role_gets_no_workbook(client, url):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(url).status_code == 403


def test_a_quarter_that_has_not_started_has_no_report(login, olivia):
    response = login(olivia).get(QUARTER, {"year": 2026, "quarter": 4})
    assert response.status_code == 200

    assert login(olivia).get(QUARTER, {"year": 2027, "quarter": 1}).status_code == 400


# --- The quarterly compliance report --------------------------------------------------------


def department_names() -> list[str]:
    names = set(Department.objects.filter(cadres__isnull=False).values_list("name", flat=True))
    return [d.name for d in Department.objects.all() if d.name in names]


def test_the_report_has_a_summary_and_a_sheet_per_department(login, cast):
    response = login(cast["olivia"]).get(QUARTER, {"year": 2026, "quarter": 4})

    assert 'filename="compliance-2026-q4.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [zh("Summary"), *department_names()]
    for sheet in book.worksheets:
        assert sheet["A2"].value == "制表时间：2026-11-24 10:00"
        assert sheet.freeze_panes == "A4"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.auto_filter.ref.startswith("A3:")


def test_the_summary_counts_each_departments_cadres_by_status(login, cast):
    sheet = workbook(login(cast["olivia"]).get(QUARTER, {"year": 2026, "quarter": 4}))[
        zh("Summary")
    ]

    assert "2026" in sheet["A1"].value and "2026-11-24" in sheet["A1"].value
    assert values(sheet, 3) == headers(SUMMARY_COLUMNS)
    assert sheet.column_dimensions["A"].width == 16
    rows = {row[0]: row for row in data_rows(sheet)}
    # department, cadres, on track, behind, no contact, % on track, days filed this year
    assert rows["宣传教育部"][:7] == ["宣传教育部", 2, 0, 1, 1, 0, 2]
    assert rows["法律工作部"][:7] == ["法律工作部", 1, 1, 0, 0, 100, 20]
    total = rows[zh("All departments")]
    assert total[:7] == [zh("All departments"), 4, 1, 1, 2, 25, 22]
    assert sheet.auto_filter.ref == f"A3:P{3 + len(rows)}"
    last = sheet.max_row
    assert values(sheet, last)[0] == zh("All departments")
    assert fill_of(sheet, last) == {"00D9D9D9"}


def test_each_cadre_row_is_filled_by_status(login, cast):
    book = workbook(login(cast["olivia"]).get(QUARTER, {"year": 2026, "quarter": 4}))

    sheet = book["宣传教育部"]
    assert sheet["A1"].value.startswith("宣传教育部")
    assert values(sheet, 3) == headers(CADRE_COLUMNS)
    assert sheet.column_dimensions["A"].width == 10
    by_name = {sheet.cell(row, 1).value: row for row in range(4, sheet.max_row + 1)}
    assert set(by_name) == {"李爱丽", "陈卡罗"}
    alice = values(sheet, by_name["李爱丽"])
    # cadre, rank, leader, units, quota, days, target, pace, ahead, contacted, records ...
    assert alice[:11] == ["李爱丽", "科员", None, 1, 2, 2, 21, 18.5, -16.5, 1, 1]
    assert alice[-1] == zh("Behind", "compliance")
    assert fill_of(sheet, by_name["李爱丽"]) == {AMBER}
    carol = values(sheet, by_name["陈卡罗"])
    assert carol[2] == "是"  # division level and above
    assert carol[-1] == zh("No contact", "compliance")
    assert fill_of(sheet, by_name["陈卡罗"]) == {RED}
    bob_sheet = book["法律工作部"]
    assert values(bob_sheet, 4)[-1] == zh("On track", "compliance")
    assert fill_of(bob_sheet, 4) == {GREEN}


def test_a_department_head_gets_her_department_only(login, cast, other_department):
    response = login(cast["carol"]).get(
        QUARTER, {"year": 2026, "quarter": 4, "department": other_department.pk}
    )

    assert 'filename="compliance-2026-q4-' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [zh("Summary"), "宣传教育部"]
    # One department: no total row.
    assert [row[0] for row in data_rows(book[zh("Summary")])] == ["宣传教育部"]


def test_the_organization_may_choose_one_department(login, cast, other_department):
    book = workbook(
        login(cast["olivia"]).get(
            QUARTER, {"year": 2026, "quarter": 4, "department": other_department.pk}
        )
    )

    assert book.sheetnames == [zh("Summary"), "法律工作部"]


def test_a_frozen_quarter_is_reported_from_its_snapshot(login, cast):
    olivia, bob = cast["olivia"], cast["bob"]
    services.quarter_freeze(year=2026, quarter=1, user=olivia.user)
    # Filed later, dated in Q1: the frozen report does not change.
    VisitRecordFactory(cadre=cast["alice"], start_date=D(2026, 2, 2))

    book = workbook(login(olivia).get(QUARTER, {"year": 2026, "quarter": 1}))

    summary = book[zh("Summary")]
    assert "2026-03-31" in summary["A1"].value
    with translation.override("zh-hans"):
        assert (gettext("frozen, figures as of %(date)s") % {"date": "2026-03-31"}) in summary[
            "A1"
        ].value
    rows = {row[0]: row for row in data_rows(summary)}
    assert rows["宣传教育部"][2:5] == [0, 0, 2]  # no contact, both of them
    assert values(book["法律工作部"], 4)[0] == bob.name


def test_a_name_that_looks_like_a_formula_is_written_as_text(login, cast):
    alice = cast["alice"]
    alice.name = '=HYPERLINK("http://example.org")'
    alice.save()

    sheet = workbook(login(cast["olivia"]).get(QUARTER, {"year": 2026, "quarter": 4}))["宣传教育部"]

    cell = next(c for c in sheet["A"] if c.value == alice.name)
    assert cell.data_type == "s"


def test_the_report_costs_the_same_queries_for_5_cadres_and_for_30(
    login, olivia, department, other_department, django_assert_num_queries
):
    client = login(olivia)

    def export():
        return workbook(client.get(QUARTER, {"year": 2026, "quarter": 4}))

    build_cadres(5, department, other_department)
    export()  # the session and the like, once
    with CaptureQueriesContext(connection) as five:
        export()
    build_cadres(25, department, other_department)

    with django_assert_num_queries(len(five.captured_queries)):
        book = export()
    assert sum(len(data_rows(sheet)) for sheet in book.worksheets[1:]) == 31  # and olivia


# --- The annual assessment ------------------------------------------------------------------


def test_the_assessment_has_the_cadres_scores_and_the_unions(login, cast):
    response = login(cast["olivia"]).get(ASSESSMENT, {"year": 2026})

    assert 'filename="assessment-2026.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == [zh("Cadres' scores"), zh("Grassroots unions")]
    for sheet in book.worksheets:
        assert sheet["A2"].value == "制表时间：2026-11-24 10:00"
        assert sheet.freeze_panes == "A4"
        assert sheet.page_setup.orientation == "landscape"


def test_the_scores_sheet_shows_the_weights_and_each_criterion(login, cast, settings):
    settings.ASSESSMENT_WEIGHTS = {"days": 50, "coverage": 20, "timely": 20, "feedback": 10}

    sheet = workbook(login(cast["olivia"]).get(ASSESSMENT, {"year": 2026}))[zh("Cadres' scores")]

    with translation.override("zh-hans"):
        weights = compliance_assessment.assessment_weights()
        points = gettext("%(criterion)s: points (of %(weight)s)")
        expected = {
            key: points % {"criterion": label, "weight": weight} for key, label, weight in weights
        }
        weighting = gettext("%(label)s (%(weight)s)")
        shown = [weighting % {"label": label, "weight": weight} for _key, label, weight in weights]
    title = sheet["A1"].value
    assert "2026" in title
    assert " · ".join(shown) in title
    header = values(sheet, 3)
    assert len(header) == 21
    assert [header[5], header[11], header[15], header[19]] == [
        expected["days"],
        expected["coverage"],
        expected["timely"],
        expected["feedback"],
    ]
    assert sheet.auto_filter.ref == "A3:U7"
    bob = next(row for row in data_rows(sheet) if row[1] == "王博")
    assert bob[0] == "法律工作部"
    assert bob[3:6] == [20, 21, 47.6]  # days filed, target, 50 × 20 / 21
    assert bob[6:12] == ["1 / 1", "0 / 1", "0 / 1", "1 / 1", 50, 10]  # coverage: half
    assert bob[12:16] == [2, 0, 0, 0]  # records, on time, %, points
    assert bob[16:20] == [1, 1, 100, 10]  # answered, fed back, %, points
    assert bob[20] == 67.6


def test_the_unions_sheet_says_when_each_was_contacted_and_how_its_problems_ended(login, cast):
    sheet = workbook(login(cast["olivia"]).get(ASSESSMENT, {"year": 2026}))[zh("Grassroots unions")]

    assert values(sheet, 3) == headers(UNION_COLUMNS)
    rows = {row[0]: row for row in data_rows(sheet)}
    xidan = rows["北京西单商场工会"]
    assert xidan[1] == zh("Xichang'anjie")
    # contact cadres, Q1-Q4, problems, on the spot, fed back, closed w/o, open, satisfied
    assert xidan[2:13] == [1, "是", "否", "否", "是", 1, 0, 1, 0, 0, 1]
    tianqiao = rows["北京天桥百货商场工会"]
    assert tianqiao[3:7] == ["否", "否", "否", "是"]


def test_a_past_year_is_final_and_every_quarter_is_shown(login, olivia):
    GrassrootsUnionFactory(name="某某工会")

    book = workbook(login(olivia).get(ASSESSMENT, {"year": 2025}))

    assert zh("final") in book[zh("Cadres' scores")]["A1"].value
    assert data_rows(book[zh("Grassroots unions")])[0][3:7] == ["否", "否", "否", "否"]


def test_the_organization_may_narrow_the_unions_to_a_street(login, cast):
    sheet = workbook(
        login(cast["olivia"]).get(ASSESSMENT, {"year": 2026, "street": Street.TIANQIAO})
    )[zh("Grassroots unions")]

    assert [row[0] for row in data_rows(sheet)] == ["北京天桥百货商场工会"]


def test_a_department_head_gets_her_departments_scores_and_no_unions(login, cast):
    book = workbook(login(cast["carol"]).get(ASSESSMENT, {"year": 2026}))

    assert book.sheetnames == [zh("Cadres' scores")]
    assert {row[1] for row in data_rows(book.worksheets[0])} == {"李爱丽", "陈卡罗"}


def test_a_union_name_that_looks_like_a_formula_is_written_as_text(login, olivia):
    GrassrootsUnionFactory(name="@某某工会")

    sheet = workbook(login(olivia).get(ASSESSMENT, {"year": 2026}))[zh("Grassroots unions")]

    assert sheet["A4"].value == "@某某工会"
    assert sheet["A4"].data_type == "s"


def test_the_assessment_costs_the_same_queries_for_5_cadres_and_for_30(
    login, olivia, department, other_department, django_assert_num_queries
):
    client = login(olivia)

    def export():
        return workbook(client.get(ASSESSMENT, {"year": 2026}))

    build_cadres(5, department, other_department)
    export()
    with CaptureQueriesContext(connection) as five:
        export()
    build_cadres(25, department, other_department)

    with django_assert_num_queries(len(five.captured_queries)):
        book = export()
    assert len(data_rows(book.worksheets[1])) == 60


# --- The pages link to their workbooks ------------------------------------------------------


def export_link(response) -> str | None:
    match = re.search(r'href="([^"]*)" data-testid="export"', response.content.decode())
    return html.unescape(match.group(1)) if match else None


def test_the_dashboard_links_to_the_report_of_what_it_shows(login, cast, other_department):
    response = login(cast["olivia"]).get(
        reverse("compliance:dashboard"),
        {"year": 2026, "quarter": 3, "department": other_department.pk},
    )

    link = f"{QUARTER}?year=2026&quarter=3&department={other_department.pk}"
    assert export_link(response) == link


def test_a_department_heads_dashboard_links_to_her_departments_report(login, cast):
    response = login(cast["carol"]).get(reverse("compliance:dashboard"))

    assert export_link(response) == f"{QUARTER}?year=2026&quarter=4"


def test_the_assessment_page_links_to_its_workbook(login, cast):
    response = login(cast["olivia"]).get(
        reverse("compliance:assessment"), {"year": 2025, "street": Street.TIANQIAO}
    )
    assert export_link(response) == f"{ASSESSMENT}?year=2025&street=tianqiao"
    assert workbook(login(cast["olivia"]).get(export_link(response)))


@pytest.mark.parametrize("page", ["compliance:dashboard", "compliance:assessment"])
def test_a_cadres_page_has_no_export(login, cast, page):
    assert export_link(login(cast["alice"]).get(reverse(page))) is None


def formulas(book) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_a_department_named_like_a_formula_stays_text_in_every_workbook(login, cast, department):
    department.name = '=HYPERLINK("http://x","y")'
    department.save()
    alice, carol = cast["alice"], cast["carol"]
    alice.name, carol.name = "+李爱丽", "-陈卡罗"
    alice.save()
    carol.save()
    GrassrootsUnionFactory(name="@某某工会")
    client = login(cast["olivia"])

    report = workbook(client.get(QUARTER, {"year": 2026, "quarter": 4}))
    assessment = workbook(client.get(ASSESSMENT, {"year": 2026}))

    assert formulas(report) == []
    assert formulas(assessment) == []
    own = report.worksheets[1]
    assert own["A1"].value.startswith('=HYPERLINK("http://x","y")')
    assert {row[0] for row in data_rows(own)} == {"+李爱丽", "-陈卡罗"}
    assert '=HYPERLINK("http://x","y")' in [row[0] for row in data_rows(report.worksheets[0])]
    assert "@某某工会" in [row[0] for row in data_rows(assessment[zh("Grassroots unions")])]
