"""职工诉求分析: the counts by category, street and quarter, each number opening its list, each
viewer their own share, a few queries whatever the rows, the pictures and the workbook."""

import datetime
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from liaison.analysis import charts
from liaison.analysis.selectors import analysis_figures
from records.counts import Quarter
from records.models import Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    OpinionFactory,
    ProblemFactory,
    VisitRecordFactory,
)
from unions.models import Cadre, Street
from unions.roles import Role

# Every test reads the role groups: ordered with the database tests (before the transactional
# ones, whose flush empties the groups).
pytestmark = pytest.mark.django_db
D = datetime.date
Q4 = Quarter(2026, 4)
C = Problem.Category


def sheet(cadre, union, on, **fields):
    fields.setdefault("needs_and_opinions", "职工希望增加夜班休息室")
    return VisitRecordFactory(cadre=cadre, union=union, start_date=on, **fields)


def problem(record, category=C.WAGES, **fields):
    return ProblemFactory(record=record, category=category, **fields)


@pytest.fixture
def xinjiekou(alice):
    union = GrassrootsUnionFactory(name="新街口某公司工会", street=Street.XINJIEKOU)
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


@pytest.fixture
def jinrongjie(bob):
    union = GrassrootsUnionFactory(name="金融街某银行工会", street=Street.JINRONGJIE)
    LiaisonAssignmentFactory(cadre=bob, union=union, year=2026)
    return union


@pytest.fixture
def demands(alice, bob, xinjiekou, jinrongjie, department):
    """Alice's sheets in 新街口, Bob's in 金融街, over this quarter (Q4), the one before and
    the same quarter last year; wages rise, safety falls."""
    now = sheet(alice, xinjiekou, D(2026, 10, 12))
    problem(now, C.WAGES)
    problem(
        now,
        C.WAGES,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.FED_BACK,
        answered_at=datetime.datetime(2026, 10, 20, tzinfo=datetime.UTC),
        feedback_on=D(2026, 10, 22),
        satisfaction=Problem.Satisfaction.SATISFIED,
    )
    problem(sheet(bob, jinrongjie, D(2026, 11, 3)), C.WAGES)
    problem(sheet(bob, jinrongjie, D(2026, 11, 4), needs_and_opinions=""), C.SAFETY)
    before = sheet(alice, xinjiekou, D(2026, 8, 1))
    problem(before, C.SAFETY)
    problem(before, C.SAFETY)
    problem(sheet(alice, xinjiekou, D(2025, 11, 1)), C.WAGES)
    # Not counted: a draft's problem, a returned sheet's needs.
    problem(sheet(alice, xinjiekou, D(2026, 10, 13), status=VisitRecord.Status.DRAFT))
    sheet(alice, xinjiekou, D(2026, 10, 14), status=VisitRecord.Status.RETURNED)
    OpinionFactory(union=xinjiekou, category=C.WAGES)
    OpinionFactory(union=jinrongjie, category=C.WELFARE)


def figures_for(who):
    return analysis_figures(who.user, Q4, D(2026, 11, 24))


def summary(figures):
    return {
        key: (c.now.value, c.previous.value, c.year_before.value)
        for key, _l, c in figures["summary"]
    }


def test_the_organization_department_counts_everything(demands, olivia):
    figures = figures_for(olivia)

    assert summary(figures) == {"needs": (2, 1, 1), "problems": (4, 2, 1), "opinions": (2, 0, 0)}
    wages = next(row for row in figures["categories"] if row["category"] == C.WAGES)
    assert (wages["problems"].now.value, wages["problems"].change) == (3, 3)
    assert wages["problems"].change_on_year == 2
    assert [row["category"] for row in figures["rising"]] == [C.WAGES, C.WELFARE]


def test_a_cadre_counts_their_own_sheets_and_units(demands, alice, bob):
    assert summary(figures_for(alice)) == {
        "needs": (1, 1, 1),
        "problems": (2, 2, 1),
        "opinions": (1, 0, 0),
    }
    assert summary(figures_for(bob)) == {
        "needs": (1, 0, 0),
        "problems": (2, 0, 0),
        "opinions": (1, 0, 0),
    }


@pytest.fixture
def dave(other_department):
    return CadreFactory(
        name="丁大伟",
        department=other_department,
        rank=Cadre.Rank.DIVISION,
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


def test_a_department_head_counts_their_departments(demands, carol, dave):
    # carol heads alice's department (and contacts no union: no opinions); dave bob's.
    assert summary(figures_for(carol))["problems"] == (2, 2, 1)
    assert summary(figures_for(carol))["opinions"] == (0, 0, 0)
    assert summary(figures_for(dave))["problems"] == (2, 0, 0)


def test_how_the_problems_ended(demands, olivia):
    total = figures_for(olivia)["outcomes"][-1]

    assert {field: cell.value for field, cell in total["cells"].items()} == {
        "total": 4,
        "on_spot": 3,
        "transferred": 1,
        "answered": 1,
        "fed_back": 1,
        "satisfied": 1,
        "basically": 0,
        "unsatisfied": 0,
    }
    assert total["rate"] == 100


def test_the_figures_agree_with_a_hand_written_count(demands, olivia):
    figures = figures_for(olivia)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.category, u.street, COUNT(*)
            FROM records_problem p
            JOIN records_visitrecord r ON r.id = p.record_id
            JOIN unions_grassrootsunion u ON u.id = r.union_id
            WHERE r.status <> 'draft' AND r.start_date BETWEEN %s AND %s
            GROUP BY p.category, u.street
            """,
            [D(2026, 10, 1), D(2026, 12, 31)],
        )
        by_sql = {(category, street): n for category, street, n in cursor.fetchall()}
        cursor.execute(
            "SELECT COUNT(*) FROM records_visitrecord WHERE status = 'filed' "
            "AND needs_and_opinions <> '' AND start_date BETWEEN %s AND %s",
            [D(2026, 10, 1), D(2026, 12, 31)],
        )
        (needs_by_sql,) = cursor.fetchone()
    categories = list(C.values)
    by_page = {
        (categories[i], row["street"]): cell.value
        for row in figures["heat"]["rows"]
        for i, cell in enumerate(row["cells"])
        if cell.value
    }
    assert by_page == by_sql
    assert figures["summary"][0][2].now.value == needs_by_sql


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("persona", ["olivia", "alice", "carol"])
def test_every_number_opens_the_list_of_as_many_rows(request, login, demands, persona):
    client = login(request.getfixturevalue(persona))
    figures = figures_for(request.getfixturevalue(persona))
    cells = [
        c
        for _k, _l, compared in figures["summary"]
        for c in (compared.now, compared.previous, compared.year_before)
    ]
    cells += [row["problems"].now for row in figures["categories"]]
    cells += [row["opinions"].now for row in figures["categories"]]
    cells += [cell for row in figures["heat"]["rows"][:3] for cell in row["cells"]]
    cells += [
        cell
        for _s, _l, needs, opinions in figures["street_needs"][:3]
        for cell in (needs, opinions)
    ]
    cells += list(figures["outcomes"][-1]["cells"].values())
    for cell in cells:
        assert listed(client, cell.url) == cell.value, cell.url


def test_the_page_shows_the_quarter_asked_for(login, demands, olivia):
    response = login(olivia).get(reverse("analysis:page"), {"year": 2026, "quarter": 3})

    assert response.status_code == 200
    assert response.context["figures"]["quarter"] == Quarter(2026, 3)
    assert "2026年第3季度" in response.text


def test_a_wrong_quarter_shows_this_one(login, olivia):
    response = login(olivia).get(reverse("analysis:page"), {"year": "x", "quarter": 9})

    assert response.context["figures"]["quarter"] == Q4


def test_the_page_has_no_hot_terms_section_without_terms(login, demands, olivia):
    response = login(olivia).get(reverse("analysis:page"))

    assert 'id="terms-heading"' not in response.text


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave", "olivia"])
def test_everyone_with_a_cadre_profile_opens_it(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(reverse("analysis:page")).status_code == 200


def test_an_anonymous_visitor_goes_to_the_login(client):
    response = client.get(reverse("analysis:page"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_costs_the_same_queries_for_1_row_and_for_many(
    login, olivia, alice, xinjiekou, jinrongjie, bob, django_assert_num_queries
):
    client = login(olivia)
    problem(sheet(alice, xinjiekou, D(2026, 10, 12)))
    OpinionFactory(union=xinjiekou)
    url = reverse("analysis:page")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for day, category in enumerate(C.values, start=1):
        for union, cadre in ((xinjiekou, alice), (jinrongjie, bob)):
            record = sheet(cadre, union, D(2026, 7 + day % 6, day))
            problem(record, category)
            problem(
                record,
                category,
                resolution=Problem.Resolution.TRANSFER,
                status="answered",
                department=cadre.department,
            )
            OpinionFactory(union=union, category=category)
    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert response.status_code == 200
    # The session, the user and roles, the cadre, the bell, and the three counts.
    assert len(one) <= 9


# --- Pictures -----------------------------------------------------------------------------------


def test_every_step_of_the_heat_scale_reads_at_4_5_to_1():
    for fill in [*charts.HEAT_COLOURS, "#e9ecef"]:
        assert charts.contrast(fill, charts.text_on(fill)) >= 4.5, fill


def test_the_heat_table_links_each_cell_and_colours_the_largest_darkest(login, demands, olivia):
    response = login(olivia).get(reverse("analysis:page"))
    heat_map = response.context["heat_map"]

    cells = [cell for row in heat_map["rows"] for cell in row["cells"] if not cell["total"]]
    largest = max(cells, key=lambda cell: cell["value"])
    assert largest["fill"] == charts.HEAT_COLOURS[-1]
    assert {cell["fill"] for cell in cells if cell["value"] == 0} == {charts.HEAT_COLOURS[0]}
    assert f'<a href="{largest["url"]}"'.replace("&", "&amp;") in response.text
    assert "<script" not in response.text.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_trend_lines_cover_eight_quarters_with_this_one_last(login, demands, olivia):
    response = login(olivia).get(reverse("analysis:page"))
    wages = next(c for c in response.context["trend_charts"] if c["label"] == C.WAGES.label)

    assert [p["quarter"] for p in wages["problems"]] == Q4.span(8)
    assert [p["value"] for p in wages["problems"]][-5:] == [1, 0, 0, 0, 3]
    assert wages["problems"][-1]["y"] == charts.TREND_TOP  # the largest at the top


# --- The workbook -------------------------------------------------------------------------------


def test_the_workbook_has_the_figures_in_the_export_conventions(login, demands, olivia):
    response = login(olivia).get(reverse("analysis:export"), {"year": 2026, "quarter": 4})

    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "按类别", "街道×类别", "趋势", "办理结果"]
    summary_sheet = book["汇总"]
    assert summary_sheet.freeze_panes == "A4"
    assert [c.value for c in summary_sheet[3]][:3] == ["指标", "本季度", "上季度"]
    assert [c.value for c in summary_sheet[5]][:4] == ["反映的问题", 4, 2, 2]
    streets = {row[0].value: row for row in book["街道×类别"].iter_rows(min_row=4)}
    assert streets["新街口街道"][2].value == 2  # wages (the second category) in 新街口
    assert not [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_a_cadres_workbook_holds_their_share_only(login, demands, bob):
    response = login(bob).get(reverse("analysis:export"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))

    assert [c.value for c in book["汇总"][5]][:2] == ["反映的问题", 2]


def test_the_links_carry_the_lists_filters(demands, olivia):
    figures = figures_for(olivia)
    wages = next(row for row in figures["categories"] if row["category"] == C.WAGES)

    query = parse_qs(urlsplit(wages["problems"].now.url).query)
    assert query == {
        "resolution": ["all"],
        "year": ["2026"],
        "quarter": ["4"],
        "category": ["wages"],
    }
