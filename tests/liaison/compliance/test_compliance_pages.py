"""The compliance dashboard, the freeze button and the annual assessment page: who sees what,
sorting and filters, the pictures, and the cost in queries. Today is 2026-11-24 (Q4)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.compliance import services
from liaison.models import QuarterSnapshot
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    UserFactory,
    VisitRecordFactory,
)
from tests.helpers import build_cadres
from unions.models import Cadre

pytestmark = pytest.mark.django_db
D = datetime.date
DASHBOARD = reverse("compliance:dashboard")
ASSESSMENT = reverse("compliance:assessment")


def freeze_url(year, quarter):
    return reverse("compliance:freeze", args=[year, quarter])


def row_ids(response) -> list[int]:
    return [row.cadre_id for row in response.context["rows"]]


@pytest.fixture
def cast(alice, bob, carol, olivia):
    """Alice is on track-ish with one sheet this quarter; Bob far ahead; Carol no contact."""
    union = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=alice, union=union)
    VisitRecordFactory(cadre=alice, union=union, start_date=D(2026, 10, 9), days=Decimal("2.0"))
    other = GrassrootsUnionFactory()
    LiaisonAssignmentFactory(cadre=bob, union=other)
    VisitRecordFactory(
        cadre=bob,
        union=other,
        start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 31),
        days=Decimal("19.0"),
    )
    VisitRecordFactory(cadre=bob, union=other, start_date=D(2026, 11, 2), days=Decimal("1.0"))
    return {"alice": alice, "bob": bob, "carol": carol, "olivia": olivia}


class TestWhoSeesWhat:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        for url in (DASHBOARD, ASSESSMENT):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
        assert client.post(freeze_url(2026, 3)).status_code == 302

    def test_a_user_with_no_role_is_refused(self, client):
        user = UserFactory(username="nobody")
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 403
        assert client.get(ASSESSMENT).status_code == 403

    def test_the_organization_sees_every_cadre_and_every_section(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD)
        assert response.status_code == 200
        assert set(row_ids(response)) == {c.pk for c in cast.values()}
        content = response.content.decode()
        for section in ("department-summary", "street-coverage", "federation-trend"):
            assert f'data-testid="{section}"' in content

    def test_an_administrator_sees_everything_too(self, login, cast, admin_user):
        response = login(admin_user).get(DASHBOARD)
        assert len(row_ids(response)) == 4

    def test_a_department_head_sees_her_department_only(self, login, cast, other_department):
        carol = cast["carol"]
        response = login(carol).get(DASHBOARD, {"department": other_department.pk})
        assert response.status_code == 200
        assert set(row_ids(response)) == {cast["alice"].pk, carol.pk}
        content = response.content.decode()
        assert 'data-testid="street-coverage"' not in content
        assert 'data-testid="federation-trend"' not in content
        assert 'data-testid="department-trend"' in content
        assert 'name="department"' not in content
        assert [d.name for d in response.context["departments"]] == ["宣传教育部"]

    @pytest.mark.parametrize("who", ["alice", "bob"])
    def test_a_cadre_sees_their_own_row_only(self, login, cast, who, department):
        cadre = cast[who]
        response = login(cadre).get(DASHBOARD, {"department": department.pk})
        assert row_ids(response) == [cadre.pk]
        content = response.content.decode()
        assert 'data-testid="department-summary"' not in content
        assert 'data-testid="street-coverage"' not in content
        assert 'data-testid="freeze"' not in content
        # One row on a phone: a card of figures, no table to scroll, nothing to filter.
        assert f'data-testid="row-{cadre.pk}"' in content
        assert 'data-testid="cadre-table"' not in content
        assert 'name="status"' not in content

    @pytest.mark.parametrize(
        ("who", "sees"),
        [
            ("olivia", {"alice", "bob", "carol", "olivia"}),
            ("carol", {"alice", "carol"}),
            ("alice", {"alice"}),
            ("bob", {"bob"}),
        ],
    )
    def test_the_assessment_is_scoped_the_same_way(self, login, cast, who, sees):
        response = login(cast[who]).get(ASSESSMENT)
        assert response.status_code == 200
        assert {score.cadre_id for score in response.context["scores"]} == {
            cast[name].pk for name in sees
        }
        # The unions are the federation's: the organization department's table only.
        union_table = 'data-testid="union-table"' in response.content.decode()
        assert union_table == (who == "olivia")


class TestTheDashboard:
    def test_it_opens_on_the_current_quarter(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD)
        assert (response.context["year"], response.context["quarter"]) == (2026, 4)
        assert response.context["current"]
        assert response.context["pace"] == Decimal("18.5")
        assert 'data-testid="as-of"' in response.content.decode()

    def test_the_period_selects_show_the_quarter_on_the_page(self, login, cast):
        content = login(cast["olivia"]).get(DASHBOARD).content.decode()
        assert '<option value="2026" selected>' in content
        assert '<option value="4" selected>' in content

    def test_a_past_year_opens_on_its_fourth_quarter(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD, {"year": 2025})
        assert (response.context["year"], response.context["quarter"]) == (2025, 4)
        assert response.context["pace"] == Decimal("21")

    def test_a_quarter_that_has_not_started_is_a_form_error(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD, {"year": 2027, "quarter": 1})
        assert response.status_code == 400
        response = login(cast["olivia"]).get(DASHBOARD, {"year": 2026, "quarter": 9})
        assert response.status_code == 400

    @pytest.mark.parametrize("year", ["2030", "2015", "abc"])
    def test_a_year_out_of_range_is_refused_the_same_way_on_both_pages(self, login, cast, year):
        client = login(cast["olivia"])
        dashboard = client.get(DASHBOARD, {"year": year})
        assessment = client.get(ASSESSMENT, {"year": year})

        assert (dashboard.status_code, assessment.status_code) == (400, 400)
        expected = ["请选择2016年至2026年之间的年份。"]
        assert dashboard.context["form"].errors["year"] == expected
        assert assessment.context["form"].errors["year"] == expected
        assert "scores" not in assessment.context
        assert "请选择2016年至2026年之间的年份。" in assessment.content.decode()

    def test_each_row_shows_its_figures_and_a_progress_bar(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD)
        content = response.content.decode()
        bob_row = re.search(rf'data-testid="row-{cast["bob"].pk}">(.*?)</tr>', content, re.S)
        html = bob_row.group(1)
        assert "20 / 21" in html  # days filed this year against the target
        assert "pct-width pct-95" in html  # the bar
        assert "pct-left pct-88" in html  # the pace marker
        assert "1 / 1" in html  # units contacted / assigned
        assert "text-bg-success" in html

    def test_the_department_bars_show_the_share_on_track(self, login, cast):
        response = login(cast["olivia"]).get(DASHBOARD)
        shares = {d.name: d.on_track_percent for d in response.context["departments"]}
        assert shares["法律工作部"] == 100  # Bob
        assert shares["宣传教育部"] == 0  # Alice behind, Carol no contact
        assert 'class="share-bar"' in response.content.decode()

    def test_the_trend_is_an_inline_svg_with_a_bar_per_quarter(self, login, cast, department):
        response = login(cast["olivia"]).get(DASHBOARD, {"department": department.pk})
        bars = response.context["federation_trend"]
        assert [(bar.quarter, bar.days) for bar in bars] == [
            (1, Decimal("19.0")),
            (2, Decimal("0.0")),
            (3, Decimal("0.0")),
            (4, Decimal("3.0")),
        ]
        assert bars[0].height == 120 and bars[1].height == 0
        assert [bar.days for bar in response.context["department_trend"]][3] == Decimal("2.0")
        content = response.content.decode()
        assert content.count('class="trend-bar"') == 8
        assert "<script" not in content.split('id="trend-heading"')[1].split("</section>")[0]

    def test_on_a_phone_the_rows_are_cards_and_the_figures_two_a_row(self, login, cast):
        content = login(cast["olivia"]).get(DASHBOARD).content.decode()
        table = content.split('data-testid="cadre-table">', 1)[1]
        assert table.lstrip().startswith('<table class="table-cards ')
        assert content.count('class="col-6 col-lg-3"') == 4
        # The filters fold behind a button on a phone (shown from 576 px).
        filters = re.search(r'<form[^>]*id="dashboard-filters"[^>]*>', content).group(0)
        assert "collapse d-sm-flex" in filters

    def test_the_navigation_links_to_both_pages(self, login, cast):
        content = login(cast["alice"]).get(reverse("home")).content.decode()
        assert f'href="{DASHBOARD}"' in content
        assert f'href="{ASSESSMENT}"' in content


class TestSortingAndFilters:
    @pytest.fixture
    def page(self, login, cast):
        client = login(cast["olivia"])
        return lambda **params: client.get(DASHBOARD, params)

    def test_sorting_by_days_both_ways(self, page, cast):
        # Days this year: Bob 20, Alice 2, Carol 0, Olivia 0.
        response = page(sort="days", dir="desc")
        assert row_ids(response)[:2] == [cast["bob"].pk, cast["alice"].pk]
        response = page(sort="days", dir="asc")
        assert row_ids(response)[-2:] == [cast["alice"].pk, cast["bob"].pk]

    def test_every_column_sorts(self, page):
        # What each column shows, read off the row independently of the view's sort keys.
        shown = {
            "department": lambda r: r.department_order,
            "name": lambda r: r.name,
            "rank": lambda r: Cadre.Rank.values.index(r.rank),
            "units": lambda r: r.units_assigned,
            "days": lambda r: r.days_filed_year,
            "contacted": lambda r: r.units_contacted_quarter,
            "records": lambda r: r.records_filed_quarter,
            "timely": lambda r: r.timely_share,
            "raised": lambda r: r.problems_raised,
            "transferred": lambda r: r.problems_transferred,
            "overdue": lambda r: r.problems_overdue,
            "fed_back": lambda r: r.problems_fed_back,
            "integrity": lambda r: r.integrity_exceptions,
            "status": lambda r: ["no_contact", "behind", "on_track"].index(r.status),
        }
        assert set(shown) == set(compliance_sort_keys())
        for key, value in shown.items():
            for direction in ("asc", "desc"):
                rows = page(sort=key, dir=direction).context["rows"]
                values = [value(row) for row in rows if value(row) is not None]
                expected = sorted(values, reverse=direction == "desc")
                assert values == expected, (key, direction)
                if key in ("name", "days", "status", "department"):
                    assert len(set(values)) > 1, key  # the cast tells the orders apart

    def test_a_sorted_header_links_to_the_reverse_order(self, page):
        response = page(sort="days", dir="asc")
        [days] = [h for h in response.context["headers"] if h["key"] == "days"]
        assert days["active"] and not days["descending"]
        assert "dir=desc" in days["url"]
        assert 'aria-sort="ascending"' in response.content.decode()

    def test_sorting_by_timely_puts_rows_without_sheets_last(self, page, cast):
        response = page(sort="timely", dir="desc")
        ids = row_ids(response)
        assert set(ids[-2:]) == {cast["carol"].pk, cast["olivia"].pk}

    def test_sorting_by_status_puts_no_contact_first(self, page, cast):
        statuses = [row.status for row in page(sort="status").context["rows"]]
        assert statuses == ["no_contact", "no_contact", "behind", "on_track"]

    def test_filter_by_department(self, page, cast, other_department):
        assert row_ids(page(department=other_department.pk)) == [cast["bob"].pk]

    def test_filter_by_rank(self, page, cast):
        assert set(row_ids(page(rank="leader"))) == {cast["carol"].pk, cast["olivia"].pk}
        assert set(row_ids(page(rank="other"))) == {cast["alice"].pk, cast["bob"].pk}

    def test_filter_by_status(self, page, cast):
        assert row_ids(page(status="behind")) == [cast["alice"].pk]
        assert row_ids(page(status="on_track")) == [cast["bob"].pk]
        response = page(status="no_contact", rank="leader")
        assert set(row_ids(response)) == {cast["carol"].pk, cast["olivia"].pk}

    def test_filters_keep_the_totals_of_all_rows_and_sorting_keeps_the_filters(self, page):
        response = page(status="behind")
        assert response.context["total"].cadres == 4
        [name] = [h for h in response.context["headers"] if h["key"] == "name"]
        assert "status=behind" in name["url"]

    def test_an_unknown_sort_or_filter_is_ignored(self, page):
        response = page(sort="password", dir="sideways", rank="general", department=999)
        assert response.status_code == 200
        assert len(row_ids(response)) == 4


def compliance_sort_keys():
    from liaison.compliance.views import SORT_KEYS

    return list(SORT_KEYS)


class TestFreezePage:
    def test_the_button_shows_for_an_ended_quarter_not_yet_frozen(self, login, cast):
        client = login(cast["olivia"])
        assert 'data-testid="freeze"' not in client.get(DASHBOARD).content.decode()
        content = client.get(DASHBOARD, {"year": 2026, "quarter": 3}).content.decode()
        assert freeze_url(2026, 3) in content

    def test_freezing_stores_the_quarter_and_the_page_says_so(self, login, cast):
        client = login(cast["olivia"])
        response = client.post(freeze_url(2026, 3), follow=True)
        assert response.redirect_chain[-1][0] == f"{DASHBOARD}?year=2026&quarter=3"
        snapshot = QuarterSnapshot.objects.get()
        assert snapshot.frozen_by == cast["olivia"].user
        content = response.content.decode()
        assert 'data-testid="frozen"' in content
        assert cast["olivia"].name in content
        assert 'data-testid="freeze"' not in content

    def test_a_frozen_quarter_shows_its_frozen_figures(self, login, cast):
        client = login(cast["olivia"])
        client.post(freeze_url(2026, 1))
        VisitRecordFactory(cadre=cast["carol"], start_date=D(2026, 2, 2), days=Decimal("3.0"))
        response = client.get(DASHBOARD, {"year": 2026, "quarter": 1})
        rows = {row.cadre_id: row for row in response.context["rows"]}
        assert rows[cast["carol"].pk].records_filed_quarter == 0
        assert rows[cast["carol"].pk].status == "no_contact"

    def test_a_second_freeze_and_a_freeze_too_early_are_refused_with_a_message(self, login, cast):
        client = login(cast["olivia"])
        client.post(freeze_url(2026, 3), follow=True)
        response = client.post(freeze_url(2026, 3), follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        response = client.post(freeze_url(2026, 4), follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert QuarterSnapshot.objects.count() == 1

    @pytest.mark.parametrize("who", ["alice", "bob", "carol"])
    def test_others_may_not_freeze(self, login, cast, who):
        assert login(cast[who]).post(freeze_url(2026, 3)).status_code == 403
        assert not QuarterSnapshot.objects.exists()

    def test_freezing_needs_a_post(self, login, cast):
        assert login(cast["olivia"]).get(freeze_url(2026, 3)).status_code == 405

    def test_a_department_head_reads_a_frozen_quarter_of_her_department(self, login, cast, client):
        services.quarter_freeze(year=2026, quarter=3, user=cast["olivia"].user)
        response = login(cast["carol"]).get(DASHBOARD, {"year": 2026, "quarter": 3})
        assert set(row_ids(response)) == {cast["alice"].pk, cast["carol"].pk}
        assert 'data-testid="frozen"' in response.content.decode()


class TestTheAssessmentPage:
    def test_it_shows_the_weights_from_the_settings(self, login, cast, settings):
        settings.ASSESSMENT_WEIGHTS = {"days": 50, "coverage": 20, "timely": 15, "feedback": 15}
        content = login(cast["olivia"]).get(ASSESSMENT).content.decode()
        weights = re.findall(
            r'data-testid="weight-(\w+)">\s*<td[^>]*>.*?</td>\s*<td[^>]*>(\d+)<', content
        )
        assert weights == [("days", "50"), ("coverage", "20"), ("timely", "15"), ("feedback", "15")]

    def test_a_past_year_is_final_and_scores_can_be_ordered(self, login, cast):
        client = login(cast["olivia"])
        response = client.get(ASSESSMENT, {"year": 2025})
        assert response.context["final"]
        assert response.context["quarters"] == [1, 2, 3, 4]
        response = client.get(ASSESSMENT, {"sort": "score"})
        scores = [s.score for s in response.context["scores"]]
        assert scores == sorted(scores, reverse=True)

    def test_the_union_table_pages_and_filters_by_street(self, login, cast):
        GrassrootsUnionFactory.create_batch(3, street="yuetan")
        client = login(cast["olivia"])
        page = client.get(ASSESSMENT).context["union_page"]
        assert page.paginator.count == 5
        page = client.get(ASSESSMENT, {"street": "yuetan"}).context["union_page"]
        assert page.paginator.count == 3
        union = page.object_list[0]
        assert union.quarter_flags == [False, False, False, False]

    def test_a_quarter_not_assessed_yet_shows_a_dash(self, login, cast, time_machine):
        time_machine.move_to("2026-05-06 10:00 +0800")
        page = login(cast["olivia"]).get(ASSESSMENT).context["union_page"]
        assert page.object_list[0].quarter_flags[2:] == [None, None]


class TestQueries:
    def test_the_dashboard_costs_the_same_queries_for_5_cadres_as_for_30(
        self, login, olivia, department, other_department, django_assert_num_queries
    ):
        client = login(olivia)
        build_cadres(4, department, other_department)
        client.get(DASHBOARD)
        with CaptureQueriesContext(connection) as five:
            response = client.get(DASHBOARD, {"department": department.pk})
        assert response.context["total"].cadres == 2
        build_cadres(26, department, other_department)
        with django_assert_num_queries(len(five)):
            response = client.get(DASHBOARD, {"department": department.pk})
        assert response.context["total"].cadres == 15

    def test_the_assessment_page_costs_the_same_queries_for_5_cadres_as_for_30(
        self, login, olivia, department, other_department, django_assert_num_queries
    ):
        client = login(olivia)
        build_cadres(4, department, other_department)
        client.get(ASSESSMENT)
        with CaptureQueriesContext(connection) as five:
            client.get(ASSESSMENT)
        build_cadres(26, department, other_department)
        with django_assert_num_queries(len(five)):
            response = client.get(ASSESSMENT)
        assert len(response.context["scores"]) == 31


def test_the_snapshot_is_read_only_in_the_admin(login, admin_user, olivia):
    snapshot = services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
    client = login(admin_user)
    assert client.get(reverse("admin:liaison_quartersnapshot_add")).status_code == 403
    url = reverse("admin:liaison_quartersnapshot_change", args=[snapshot.pk])
    response = client.post(url, {"year": 2020})
    assert response.status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.year == 2026


def test_the_rows_escape_what_people_typed_in_names(login, olivia, department):
    """The rows are rendered by Jinja2 (rows_html): names are escaped there as everywhere."""
    CadreFactory(name="<b>王</b>", department=department)
    html = login(olivia).get(DASHBOARD).content.decode()
    assert "&lt;b&gt;王&lt;/b&gt;" in html
    assert "<b>王</b>" not in html
