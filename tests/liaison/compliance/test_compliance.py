"""Quarterly compliance: every figure of a cadre's row on hand-built data, the status rules, the
totals per department and street, the trend, the freeze of a quarter and the annual assessment.
Today is Tuesday 2026-11-24 (Q4 under way); the pace is 18.5 days today, 16 at the end of Q3."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from liaison.compliance import assessment as compliance_assessment
from liaison.compliance import rules as compliance_rules
from liaison.compliance import selectors as compliance
from liaison.compliance import services
from liaison.compliance.rules import CadreRow, ComplianceStatus
from liaison.models import QuarterSnapshot
from records.models import Problem, VisitRecord
from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    ProblemFactory,
    QuarterSnapshotFactory,
    VisitRecordFactory,
)
from tests.helpers import BEIJING, at, build_cadres, filed
from unions.models import Street

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)


def rows_by_name(**kwargs) -> dict[str, CadreRow]:
    kwargs.setdefault("year", 2026)
    kwargs.setdefault("quarter", 4)
    kwargs.setdefault("today", TODAY)
    return {row.name: row for row in compliance.compliance_for_quarter(**kwargs)}


@pytest.fixture
def units():
    """Four unions on two streets: A, B and C are alice's contact units, D is nobody's."""
    return {
        name: GrassrootsUnionFactory(name=f"工会{name}", street=street)
        for name, street in [
            ("A", Street.XINJIEKOU),
            ("B", Street.XINJIEKOU),
            ("C", Street.YUETAN),
            ("D", Street.YUETAN),
        ]
    }


@pytest.fixture
def alice_quarter(alice, units):
    """Alice's Q4: units A and B held, C ended on 1 November (mid-quarter).

    Filed in Q4: A on 10-12 (1 day, filed exactly 7 days later, late evening), C on 10-15–16
    (2 days, filed 8 days later just after midnight), D on 11-10 (0.5 day, same day, a gift
    accepted). A draft with B (doesn't count), and B on 09-20 (3 days, last quarter)."""
    LiaisonAssignmentFactory(cadre=alice, union=units["A"])
    LiaisonAssignmentFactory(cadre=alice, union=units["B"])
    LiaisonAssignmentFactory(
        cadre=alice, union=units["C"], ended_at=D(2026, 11, 1), end_reason="单位撤销"
    )
    on_time = filed(alice, units["A"], D(2026, 10, 12), filed_at=at(D(2026, 10, 19), 23, 30))
    late = filed(
        alice,
        units["C"],
        D(2026, 10, 15),
        end=D(2026, 10, 16),
        days="2.0",
        # 8 days after the end date in Beijing — still the 7th day in UTC (16:10 on 10-23).
        filed_at=at(D(2026, 10, 24), 0, 10),
    )
    gift = filed(
        alice,
        units["D"],
        D(2026, 11, 10),
        days="0.5",
        gifts_accepted=True,
        integrity_explanation="纪念品，已退回",
    )
    draft = VisitRecordFactory(
        cadre=alice,
        union=units["B"],
        start_date=D(2026, 11, 2),
        days=Decimal("1.0"),
        status=VisitRecord.Status.DRAFT,
    )
    last_quarter = filed(alice, units["B"], D(2026, 9, 20), days="3.0")
    return {
        "on_time": on_time,
        "late": late,
        "gift": gift,
        "draft": draft,
        "last_quarter": last_quarter,
    }


class TestACadresRow:
    def test_the_row_names_the_cadre_department_and_rank(self, alice, carol):
        rows = rows_by_name()
        row = rows[alice.name]
        assert (row.cadre_id, row.department_id, row.department_name) == (
            alice.pk,
            alice.department_id,
            "宣传教育部",
        )
        assert (row.rank, row.is_leader, row.rank_label) == ("staff", False, "科员")
        assert rows[carol.name].is_leader
        assert rows[carol.name].rank_label == "处级"

    def test_units_assigned_leave_out_an_assignment_ended_mid_quarter(self, alice, alice_quarter):
        row = rows_by_name()[alice.name]
        assert row.units_assigned == 2
        assert row.unit_quota == 2  # the department's number for a non-leader

    def test_a_leader_holds_four_units(self, carol):
        assert rows_by_name()[carol.name].unit_quota == 4

    def test_days_filed_this_year_count_last_quarter_but_not_a_draft(self, alice, alice_quarter):
        row = rows_by_name()[alice.name]
        assert row.days_filed_year == Decimal("6.5")  # 1 + 2 + 0.5 + 3
        assert row.target == Decimal("21")
        assert row.pace == Decimal("18.5")

    def test_a_returned_sheet_does_not_count(self, alice, units):
        filed(alice, units["A"], D(2026, 10, 12), status=VisitRecord.Status.RETURNED)
        row = rows_by_name()[alice.name]
        assert (row.records_filed_quarter, row.days_filed_year) == (0, Decimal("0"))

    def test_units_contacted_are_assigned_units_with_a_filed_sheet_this_quarter(
        self, alice, alice_quarter
    ):
        # A counts; B only has a draft and a sheet of last quarter; C has ended; D is not hers.
        assert rows_by_name()[alice.name].units_contacted_quarter == 1

    def test_records_filed_this_quarter(self, alice, alice_quarter):
        assert rows_by_name()[alice.name].records_filed_quarter == 3

    def test_timely_share_counts_exactly_seven_days_as_on_time_in_beijing_time(
        self, alice, alice_quarter
    ):
        row = rows_by_name()[alice.name]
        # On time: A (7th day, 23:30) and D (same day). Late: C (8th day, 00:10).
        assert row.records_timely_quarter == 2
        assert row.timely_share == Decimal("0.667")
        assert row.timely_percent == Decimal("66.7")

    def test_the_timely_days_come_from_the_settings(self, settings, alice, alice_quarter):
        settings.COMPLIANCE_TIMELY_DAYS = 8
        assert rows_by_name()[alice.name].records_timely_quarter == 3

    def test_timely_share_is_none_without_records(self, alice):
        row = rows_by_name()[alice.name]
        assert row.timely_share is None
        assert row.timely_percent is None

    def test_integrity_exceptions_of_the_quarter(self, alice, alice_quarter, units):
        filed(alice, units["A"], D(2026, 9, 1), banquet_accepted=True, integrity_explanation="x")
        assert rows_by_name()[alice.name].integrity_exceptions == 1

    def test_problems_of_the_quarter(self, alice, alice_quarter, other_department):
        on_time, late = alice_quarter["on_time"], alice_quarter["late"]
        ProblemFactory(record=on_time)  # solved on the spot
        ProblemFactory(
            record=on_time,
            resolution=Problem.Resolution.TRANSFER,
            status=Problem.Status.TRANSFERRED,
            department=other_department,
            deadline=D(2026, 11, 10),  # overdue today
        )
        ProblemFactory(
            record=late,
            resolution=Problem.Resolution.TRANSFER,
            status=Problem.Status.FED_BACK,
            department=other_department,
            deadline=D(2026, 11, 5),
            feedback_on=D(2026, 11, 20),
            satisfaction=Problem.Satisfaction.SATISFIED,
        )
        # Neither counts: last quarter's sheet, and a draft.
        ProblemFactory(
            record=alice_quarter["last_quarter"],
            resolution=Problem.Resolution.TRANSFER,
            status=Problem.Status.TRANSFERRED,
            department=other_department,
            deadline=D(2026, 10, 1),
        )
        ProblemFactory(record=alice_quarter["draft"], status=Problem.Status.RAISED)
        row = rows_by_name()[alice.name]
        assert (
            row.problems_raised,
            row.problems_transferred,
            row.problems_overdue,
            row.problems_fed_back,
        ) == (3, 2, 1, 1)

    def test_the_progress_bar_is_days_against_the_target(self, alice, alice_quarter):
        row = rows_by_name()[alice.name]
        assert row.progress_percent == 31  # 6.5 / 21 = 30.95 %, rounded half up
        assert row.pace_percent == 88  # 18.5 / 21
        assert row.days_gap == Decimal("-12.0")

    def test_a_past_quarter_counts_its_own_sheets_against_its_pace(self, alice, alice_quarter):
        row = rows_by_name(quarter=3)[alice.name]
        assert row.pace == Decimal("16")
        assert row.days_filed_year == Decimal("3.0")  # to 30 September
        # C ended on 1 November: at the end of Q3 it was still held.
        assert (row.units_assigned, row.units_contacted_quarter) == (3, 1)
        assert row.records_filed_quarter == 1

    def test_cadres_no_longer_active_show_only_when_they_filed_in_the_quarter(self, units):
        left = CadreFactory(name="离任干部", active=False)
        gone = CadreFactory(name="早已离任", active=False)
        filed(left, units["A"], D(2026, 10, 9))
        filed(gone, units["A"], D(2026, 3, 9))
        rows = rows_by_name()
        assert left.name in rows
        assert gone.name not in rows

    def test_rows_come_department_by_department_leaders_first(self, alice, bob, carol, olivia):
        names = list(rows_by_name())
        assert names.index(carol.name) < names.index(alice.name)

    def test_a_department_or_a_cadre_alone(self, alice, bob, carol, department):
        assert set(rows_by_name(department=department)) == {alice.name, carol.name}
        assert list(rows_by_name(cadre=bob)) == [bob.name]

    def test_a_quarter_that_has_not_started_is_refused(self):
        with pytest.raises(ValueError):
            compliance.compliance_for_quarter(year=2027, quarter=1, today=TODAY)
        with pytest.raises(ValueError):
            compliance.compliance_for_quarter(year=2026, quarter=5, today=TODAY)


class TestStatus:
    @pytest.mark.parametrize(
        ("records", "days", "contacted", "assigned", "status"),
        [
            (0, "30", 0, 0, "no_contact"),
            (0, "0", 0, 2, "no_contact"),
            (1, "18", 2, 2, "behind"),  # below the pace
            (1, "18.5", 1, 2, "behind"),  # a unit not reached
            (1, "18.5", 2, 2, "on_track"),
            (3, "25", 0, 0, "on_track"),  # no unit held: nothing to reach
        ],
    )
    def test_the_rules(self, records, days, contacted, assigned, status):
        assert (
            compliance_rules.compliance_status(
                records=records,
                days=Decimal(days),
                pace=Decimal("18.5"),
                contacted=contacted,
                assigned=assigned,
            )
            == status
        )

    def test_each_cadre_gets_the_status_of_their_figures(self, alice, bob, carol, units):
        LiaisonAssignmentFactory(cadre=bob, union=units["D"])
        filed(bob, units["D"], D(2026, 3, 2), end=D(2026, 3, 31), days="18.0")
        filed(bob, units["D"], D(2026, 11, 3))
        LiaisonAssignmentFactory(cadre=alice, union=units["A"])
        filed(alice, units["A"], D(2026, 10, 9))
        rows = rows_by_name()
        assert rows[bob.name].status == ComplianceStatus.ON_TRACK  # 19 days, 1 / 1
        assert rows[alice.name].status == ComplianceStatus.BEHIND  # 1 day
        assert rows[carol.name].status == ComplianceStatus.NO_CONTACT
        with translation.override("en"):
            assert rows[carol.name].status_label == "No contact"


class TestQueries:
    def test_the_rows_cost_the_same_queries_for_5_cadres_as_for_30(
        self, department, other_department, django_assert_num_queries
    ):
        build_cadres(5, department, other_department)
        with CaptureQueriesContext(connection) as five:
            rows = compliance.compliance_for_quarter(year=2026, quarter=4, today=TODAY)
        assert len(rows) == 5
        # The snapshot, the calendar, then a GROUP BY each over sheets, problems, contact
        # points, and the cadres.
        assert len(five) == 6

        build_cadres(25, department, other_department)
        with django_assert_num_queries(len(five)):
            rows = compliance.compliance_for_quarter(year=2026, quarter=4, today=TODAY)
        assert len(rows) == 30
        assert {row.problems_overdue for row in rows} == {1}

    def test_streets_and_the_trend_are_one_query_each(
        self, department, other_department, django_assert_num_queries
    ):
        build_cadres(5, department, other_department)
        with django_assert_num_queries(2):  # the snapshot, then the streets
            compliance.street_coverage(year=2026, quarter=4, today=TODAY)
        with django_assert_num_queries(1):
            compliance.quarterly_trend(year=2026)

    def test_the_assessment_costs_the_same_queries_for_5_cadres_as_for_30(
        self, department, other_department, django_assert_num_queries
    ):
        build_cadres(5, department, other_department)
        with CaptureQueriesContext(connection) as five:
            scores, unions = compliance_assessment.assessment_for_year(year=2026, today=TODAY)
            list(unions)
        build_cadres(25, department, other_department)
        with django_assert_num_queries(len(five)):
            scores, unions = compliance_assessment.assessment_for_year(year=2026, today=TODAY)
            assert len(list(unions)) == 60
        assert len(scores) == 30


class TestTotals:
    def test_department_summary_counts_statuses_and_adds_figures(
        self, alice, bob, carol, units, department
    ):
        LiaisonAssignmentFactory(cadre=alice, union=units["A"])
        filed(alice, units["A"], D(2026, 10, 9), days="19.0", end=D(2026, 11, 5))
        filed(bob, units["B"], D(2026, 10, 9))
        [mine, other] = compliance.department_summary(
            compliance.live_compliance(year=2026, quarter=4, today=TODAY)
        )
        assert (mine.name, mine.cadres, mine.on_track, mine.behind, mine.no_contact) == (
            "宣传教育部",
            2,
            1,
            0,
            1,
        )
        assert (mine.on_track_percent, mine.no_contact_percent) == (50, 50)
        assert mine.days_filed_year == Decimal("19.0")
        assert (mine.units_contacted, mine.units_assigned) == (1, 1)
        assert (other.cadres, other.behind) == (1, 1)
        assert other.behind_percent == 100

    def test_street_coverage_counts_units_contacted_by_anyone_this_quarter(self, alice, bob, units):
        filed(alice, units["A"], D(2026, 10, 9))
        filed(bob, units["A"], D(2026, 10, 19))
        filed(bob, units["C"], D(2026, 9, 9))  # last quarter
        VisitRecordFactory(union=units["D"], start_date=D(2026, 11, 2), status="draft")
        GrassrootsUnionFactory(street=Street.YUETAN, active=False)
        streets = compliance.street_coverage(year=2026, quarter=4, today=TODAY)
        assert [(s.street, s.units, s.contacted) for s in streets] == [
            ("xinjiekou", 2, 1),
            ("yuetan", 2, 0),
        ]
        assert streets[0].percent == 50
        assert streets[0].label == "新街口街道"
        total = compliance.coverage_total(streets)
        assert (total.units, total.contacted, total.uncontacted) == (4, 1, 3)

    def test_the_quarterly_trend_of_the_federation_and_of_a_department(
        self, alice, bob, units, department
    ):
        filed(alice, units["A"], D(2026, 2, 9), days="2.0")
        filed(alice, units["A"], D(2026, 10, 9), days="1.5")
        filed(bob, units["B"], D(2026, 10, 19), days="1.0")
        filed(bob, units["B"], D(2025, 10, 19), days="4.0")
        VisitRecordFactory(cadre=alice, start_date=D(2026, 5, 2), status="draft")
        assert compliance.quarterly_trend(year=2026) == [
            (1, Decimal("2.0")),
            (2, Decimal("0")),
            (3, Decimal("0")),
            (4, Decimal("2.5")),
        ]
        assert compliance.quarterly_trend(year=2026, department=department)[3] == (
            4,
            Decimal("1.5"),
        )


class TestFreeze:
    def test_the_organization_freezes_an_ended_quarter(self, olivia, alice, alice_quarter):
        snapshot = services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
        assert (snapshot.year, snapshot.quarter, snapshot.as_of) == (2026, 3, D(2026, 9, 30))
        assert snapshot.frozen_by == olivia.user
        assert snapshot.frozen_at.astimezone(BEIJING).date() == TODAY
        assert snapshot.timely_days == 7
        assert {row["name"] for row in snapshot.rows} == {alice.name, olivia.name}
        row = next(row for row in snapshot.rows if row["name"] == alice.name)
        assert row["days_filed_year"] == "3.0"  # Decimals kept exactly, as strings
        assert row["pace"] == "16"
        assert {s["street"] for s in snapshot.streets} == {"xinjiekou", "yuetan"}

    def test_a_frozen_quarter_keeps_its_figures_when_sheets_change(
        self, olivia, alice, alice_quarter, units
    ):
        before = rows_by_name(quarter=3)[alice.name]
        services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
        # Later: a late sheet for September is filed, and September's sheet is returned.
        filed(alice, units["A"], D(2026, 9, 25), days="2.0")
        VisitRecord.objects.filter(pk=alice_quarter["last_quarter"].pk).update(
            status=VisitRecord.Status.RETURNED
        )
        after = rows_by_name(quarter=3)[alice.name]
        assert after == before
        streets = compliance.street_coverage(year=2026, quarter=3, today=TODAY)
        assert sum(s.contacted for s in streets) == 1
        live = compliance.live_compliance(year=2026, quarter=3, today=TODAY)
        assert next(r for r in live if r.name == alice.name).days_filed_year == Decimal("2.0")

    def test_frozen_rows_can_be_scoped_to_a_department_or_a_cadre(
        self, olivia, alice, bob, department
    ):
        services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
        assert list(rows_by_name(quarter=3, department=department)) == [alice.name]
        assert list(rows_by_name(quarter=3, cadre=bob)) == [bob.name]

    def test_the_quarter_under_way_cannot_be_frozen(self, olivia):
        with pytest.raises(ValidationError) as error:
            services.quarter_freeze(year=2026, quarter=4, user=olivia.user)
        assert error.value.code == "not_ended"
        assert not QuarterSnapshot.objects.exists()

    def test_a_quarter_is_frozen_once(self, olivia):
        services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
        with pytest.raises(ValidationError) as error:
            services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
        assert error.value.code == "frozen"
        assert QuarterSnapshot.objects.count() == 1

    @pytest.mark.parametrize("who", ["alice", "carol", "admin_user"])
    def test_only_the_organization_department_freezes(self, request, who):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            services.quarter_freeze(year=2026, quarter=3, user=getattr(user, "user", user))
        assert not QuarterSnapshot.objects.exists()

    def test_a_row_survives_the_trip_through_json(self, alice, alice_quarter):
        row = rows_by_name()[alice.name]
        assert CadreRow.from_json(row.to_json()) == row

    def test_a_snapshot_of_another_quarter_changes_nothing_here(self, alice, alice_quarter):
        QuarterSnapshotFactory(year=2026, quarter=2)
        assert rows_by_name(quarter=3)[alice.name].records_filed_quarter == 1


@pytest.fixture
def year_2025(alice, bob, units, other_department):
    """Alice and Bob's 2025, for the assessment (a year that has ended: all four quarters).

    Alice holds A and B: Q1 both (5 + 3 days; B filed 15 days late), Q2 A only (4 days, filed
    exactly 7 days later), Q3 nothing, Q4 both (2 + 2 days). Her problems: one fed back, one
    answered and not fed back yet, one still with the department, one solved on the spot.
    Bob holds D: one sheet a quarter of 6 days, each filed 8 days late; no problems."""
    for union in (units["A"], units["B"]):
        LiaisonAssignmentFactory(cadre=alice, union=union, year=2025)
    LiaisonAssignmentFactory(cadre=bob, union=units["D"], year=2025)
    a1 = filed(alice, units["A"], D(2025, 2, 10), days="5.0")
    filed(alice, units["B"], D(2025, 3, 5), days="3.0", filed_at=at(D(2025, 3, 20)))
    filed(alice, units["A"], D(2025, 5, 6), days="4.0", filed_at=at(D(2025, 5, 13), 18))
    filed(alice, units["A"], D(2025, 11, 3), days="2.0")
    b4 = filed(alice, units["B"], D(2025, 11, 4), days="2.0")
    transfer = {"resolution": Problem.Resolution.TRANSFER, "department": other_department}
    ProblemFactory(
        record=a1,
        status=Problem.Status.FED_BACK,
        answered_at=at(D(2025, 2, 20)),
        feedback_on=D(2025, 2, 25),
        satisfaction=Problem.Satisfaction.SATISFIED,
        **transfer,
    )
    ProblemFactory(
        record=a1, status=Problem.Status.ANSWERED, answered_at=at(D(2025, 3, 1)), **transfer
    )
    ProblemFactory(record=a1, status=Problem.Status.TRANSFERRED, deadline=D(2025, 3, 1), **transfer)
    ProblemFactory(record=a1)  # solved on the spot
    ProblemFactory(record=b4, status=Problem.Status.CLOSED, **transfer)  # closed, no feedback
    for month in (1, 4, 7, 10):
        day = D(2025, month, 6)
        filed(bob, units["D"], day, days="6.0", filed_at=at(day + datetime.timedelta(days=8)))


class TestAssessment:
    def scores(self, **kwargs):
        scores, unions = compliance_assessment.assessment_for_year(year=2025, today=TODAY, **kwargs)
        return {score.name: score for score in scores}, {u.name: u for u in unions}

    def test_alice_scores_by_hand(self, alice, year_2025):
        score = self.scores()[0][alice.name]
        assert score.days_filed == Decimal("16.0")
        assert score.days_points == Decimal("30.5")  # 40 × 16 / 21 = 30.48
        assert [(q.contacted, q.assigned) for q in score.quarters] == [
            (2, 2),
            (1, 2),
            (0, 2),
            (2, 2),
        ]
        assert score.coverage_points == Decimal("18.8")  # 30 × (1 + .5 + 0 + 1) / 4 = 18.75
        assert (score.records_timely, score.records_filed) == (4, 5)
        assert score.timely_points == Decimal("12.0")  # 15 × 4 / 5
        assert (score.problems_fed_back, score.problems_answered) == (1, 2)
        assert score.feedback_points == Decimal("7.5")  # 15 × 1 / 2
        assert score.score == Decimal("68.8")

    def test_bob_scores_by_hand(self, bob, year_2025):
        score = self.scores()[0][bob.name]
        assert score.days_filed == Decimal("24.0")
        assert score.days_points == Decimal("40.0")  # beyond 21 days: full points
        assert score.coverage_points == Decimal("30.0")  # D every quarter
        assert score.timely_points == Decimal("0.0")  # every sheet 8 days late
        assert score.feedback_points == Decimal("15.0")  # nothing answered to feed back
        assert score.score == Decimal("85.0")

    def test_the_weights_come_from_the_settings(self, settings, bob, year_2025):
        settings.ASSESSMENT_WEIGHTS = {"days": 25, "coverage": 25, "timely": 25, "feedback": 25}
        assert self.scores()[0][bob.name].score == Decimal("75.0")
        assert [w for _key, _label, w in compliance_assessment.assessment_weights()] == [
            25,
            25,
            25,
            25,
        ]

    def test_a_cadre_without_units_or_sheets(self, carol):
        score = self.scores()[0][carol.name]
        assert [q.assigned for q in score.quarters] == [0, 0, 0, 0]
        assert (score.days_points, score.coverage_points, score.timely_points) == (
            Decimal("0.0"),
            Decimal("30.0"),
            Decimal("0.0"),
        )
        assert score.score == Decimal("45.0")

    def test_the_current_year_covers_the_quarters_so_far(self, alice):
        scores, _unions = compliance_assessment.assessment_for_year(year=2026, today=TODAY)
        assert [q.quarter for q in scores[0].quarters] == [1, 2, 3, 4]
        assert compliance_assessment.assessed_quarters(2026, D(2026, 5, 1)) == [1, 2]
        with pytest.raises(ValueError):
            compliance_assessment.assessed_quarters(2027, TODAY)

    def test_each_union_shows_its_quarters_and_how_its_problems_ended(self, units, year_2025):
        unions = self.scores()[1]
        a, b, d = unions["工会A"], unions["工会B"], unions["工会D"]
        assert (a.q1, a.q2, a.q3, a.q4) == (True, True, False, True)
        assert (b.q1, b.q2, b.q3, b.q4) == (True, False, False, True)
        assert (d.q1, d.q2, d.q3, d.q4) == (True, True, True, True)
        assert not any((unions["工会C"].q1, unions["工会C"].q4))
        assert (a.contact_cadres, d.contact_cadres) == (1, 1)
        assert (a.problems, a.solved_on_spot, a.fed_back, a.still_open) == (4, 1, 1, 2)
        assert (a.satisfied, a.basically_satisfied, a.unsatisfied) == (1, 0, 0)
        assert (b.problems, b.closed_without_feedback, b.still_open) == (1, 1, 0)

    def test_scoped_to_a_department_or_a_cadre(self, alice, bob, carol, department, year_2025):
        assert set(self.scores(department=department)[0]) == {alice.name, carol.name}
        assert set(self.scores(cadre=bob)[0]) == {bob.name}


def test_two_freezes_at_once_let_one_through(olivia, monkeypatch):
    """The check before the insert can race; the unique constraint decides, and the loser is
    told the quarter is already frozen."""
    services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
    # As if the second freeze had checked before the first one committed.
    exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet, "exists", lambda qs: False if qs.model is QuarterSnapshot else exists(qs)
    )
    with pytest.raises(ValidationError) as error:
        services.quarter_freeze(year=2026, quarter=3, user=olivia.user)
    assert error.value.code == "frozen"
    monkeypatch.undo()
    assert QuarterSnapshot.objects.count() == 1


def test_a_year_out_of_range_is_refused_before_anything_is_computed(olivia):
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        services.quarter_freeze(year=2015, quarter=4, user=olivia.user)
    assert "year" in error.value.message_dict
    assert not [q for q in queries.captured_queries if "records_visitrecord" in q["sql"]]


def test_the_three_parts_of_a_departments_bar_fill_it_and_none_is_negative():
    # 1 of 8 on track (12.5 %) and 7 behind (87.5 %): both round half up.
    summary = compliance.DepartmentSummary(department_id=None, name="x", cadres=8)
    summary.on_track, summary.behind = 1, 7

    parts = (summary.on_track_percent, summary.behind_percent, summary.no_contact_percent)

    assert parts == (13, 87, 0)
