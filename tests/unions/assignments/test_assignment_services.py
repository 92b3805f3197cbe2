"""The contact-point services: the limit of 4 units per leader, ending a contact point, and
starting a new year from the last."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import (
    CadreFactory,
    GrassrootsUnionFactory,
    LiaisonAssignmentFactory,
    VisitRecordFactory,
)
from unions.assignments.services import assignment_create, assignment_end, assignments_roll_over
from unions.models import Cadre, LiaisonAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(department):
    return CadreFactory(name="赵处长", department=department, rank=Cadre.Rank.DIVISION)


def assign(cadre, union, user, year=2026):
    return assignment_create(cadre=cadre, union=union, year=year, user=user)


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


# The limit of 4


def test_a_leader_gets_four_units_and_not_a_fifth(leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(4):
        assign(leader, union, olivia.user)

    with pytest.raises(ValidationError) as refused:
        assign(leader, GrassrootsUnionFactory(), olivia.user)

    assert codes(refused.value) == {"leader_limit"}
    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


def test_an_ended_unit_frees_a_place_for_a_leader(leader, olivia):
    points = [assign(leader, u, olivia.user) for u in GrassrootsUnionFactory.create_batch(4)]
    assignment_end(
        assignment=points[0],
        ended_at=datetime.date(2026, 11, 24),  # the day they were assigned: today
        reason="单位注销",
        user=olivia.user,
    )

    assign(leader, GrassrootsUnionFactory(), olivia.user)

    assert LiaisonAssignment.objects.for_year(2026).current().filter(cadre=leader).count() == 4


def test_the_limit_counts_one_year_at_a_time(leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(4):
        LiaisonAssignmentFactory(cadre=leader, union=union, year=2025)

    for union in GrassrootsUnionFactory.create_batch(4):
        assign(leader, union, olivia.user, year=2026)

    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


def test_a_cadre_below_division_level_is_not_limited_to_four(alice, olivia):
    for union in GrassrootsUnionFactory.create_batch(5):
        assign(alice, union, olivia.user)

    assert LiaisonAssignment.objects.filter(cadre=alice).count() == 5


def test_the_same_union_twice_in_a_year_is_refused(alice, olivia):
    union = GrassrootsUnionFactory()
    assign(alice, union, olivia.user)

    with pytest.raises(ValidationError) as refused:
        assign(alice, union, olivia.user)

    assert codes(refused.value) == {"duplicate"}


def test_an_ended_unit_is_not_assigned_again_the_same_year(alice, olivia):
    point = assign(alice, union := GrassrootsUnionFactory(), olivia.user)
    assignment_end(
        assignment=point, ended_at=datetime.date(2026, 11, 24), reason="调整", user=olivia.user
    )

    with pytest.raises(ValidationError) as refused:
        assign(alice, union, olivia.user)

    assert codes(refused.value) == {"duplicate"}


def test_an_inactive_cadre_or_union_gets_no_unit(alice, olivia):
    closed = GrassrootsUnionFactory(active=False)
    with pytest.raises(ValidationError) as refused:
        assign(alice, closed, olivia.user)
    assert codes(refused.value) == {"inactive_union"}

    alice.active = False
    alice.save()
    with pytest.raises(ValidationError) as refused:
        assign(alice, GrassrootsUnionFactory(), olivia.user)
    assert codes(refused.value) == {"inactive_cadre"}


def test_a_year_out_of_range_is_refused(alice, olivia):
    with pytest.raises(ValidationError) as refused:
        assign(alice, GrassrootsUnionFactory(), olivia.user, year=2200)

    assert "year" in refused.value.message_dict


def test_an_assignment_records_who_made_it_in_its_history(alice, olivia):
    point = assign(alice, GrassrootsUnionFactory(), olivia.user)

    assert point.assigned_by == olivia.user
    assert point.history.get().history_user == olivia.user


# Committed data, so that the threads' own connections see it; serialized_rollback brings back
# the role groups the previous transactional test's flush removed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_assigning_a_fourth_and_fifth_unit_at_once_make_only_one(
    postgres_only, department, lead_department
):
    """Two threads, two database connections: the cadre's row lock serialises them, so the
    second sees the first's unit and is refused."""
    leader = CadreFactory(department=department, rank=Cadre.Rank.DIVISION)
    for union in GrassrootsUnionFactory.create_batch(3):
        LiaisonAssignmentFactory(cadre=leader, union=union)
    contenders = GrassrootsUnionFactory.create_batch(2)
    start = threading.Barrier(2)
    outcomes = []

    def assign_one(union):
        try:
            start.wait()
            assignment_create(cadre=leader, union=union, year=2026, user=None)
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(codes(error))
        finally:
            connection.close()  # the thread's own; close_old_connections() keeps it open

    threads = [threading.Thread(target=assign_one, args=(u,)) for u in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted(["created", {"leader_limit"}], key=str)
    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


# Ending a contact point


def test_ending_keeps_the_point_with_its_date_and_reason_and_the_records(alice, olivia):
    point = LiaisonAssignmentFactory(cadre=alice)
    record = VisitRecordFactory(cadre=alice, union=point.union)

    assignment_end(
        assignment=point,
        ended_at=datetime.date(2026, 9, 1),
        reason="干部调离",
        user=olivia.user,
    )

    point.refresh_from_db()
    record.refresh_from_db()
    assert (point.ended_at, point.end_reason) == (datetime.date(2026, 9, 1), "干部调离")
    assert record.cadre == alice
    assert not LiaisonAssignment.objects.for_year(2026).current().filter(pk=point.pk).exists()
    assert point.history.latest().history_user == olivia.user


@pytest.mark.parametrize(
    ("ended_at", "reason", "field"),
    [
        (datetime.date(2026, 12, 1), "调离", "ended_at"),  # after today (2026-11-24)
        (datetime.date(2026, 9, 1), "  ", "end_reason"),
        (None, "调离", "ended_at"),
    ],
)
def test_ending_needs_a_past_date_and_a_reason(alice, olivia, ended_at, reason, field):
    point = LiaisonAssignmentFactory(cadre=alice)

    with pytest.raises(ValidationError) as refused:
        assignment_end(assignment=point, ended_at=ended_at, reason=reason, user=olivia.user)

    assert field in refused.value.message_dict
    point.refresh_from_db()
    assert point.ended_at is None


def test_a_point_of_a_past_year_ends_within_that_year(alice, olivia):
    point = LiaisonAssignmentFactory(cadre=alice, year=2025)

    with pytest.raises(ValidationError) as refused:
        assignment_end(
            assignment=point, ended_at=datetime.date(2026, 1, 5), reason="调离", user=olivia.user
        )

    assert "ended_at" in refused.value.message_dict


def test_a_point_does_not_end_before_its_year(alice, olivia):
    point = LiaisonAssignmentFactory(cadre=alice, year=2026)

    with pytest.raises(ValidationError) as refused:
        assignment_end(
            assignment=point, ended_at=datetime.date(2025, 12, 31), reason="调离", user=olivia.user
        )

    assert "ended_at" in refused.value.message_dict
    point.refresh_from_db()
    assert point.ended_at is None


def test_a_point_assigned_mid_year_does_not_end_before_it_was_assigned(alice, olivia):
    # Assigned at 00:30 on 1 July in Beijing (still 30 June in UTC): it starts on 1 July.
    point = LiaisonAssignmentFactory(
        cadre=alice,
        year=2026,
        assigned_at=datetime.datetime(2026, 6, 30, 16, 30, tzinfo=datetime.UTC),
    )

    with pytest.raises(ValidationError) as refused:
        assignment_end(
            assignment=point, ended_at=datetime.date(2026, 6, 30), reason="调离", user=olivia.user
        )
    assert "ended_at" in refused.value.message_dict

    assignment_end(
        assignment=point, ended_at=datetime.date(2026, 7, 1), reason="调离", user=olivia.user
    )
    point.refresh_from_db()
    assert point.ended_at == datetime.date(2026, 7, 1)


def test_an_ended_point_cannot_end_again(alice, olivia):
    point = LiaisonAssignmentFactory(
        cadre=alice, ended_at=datetime.date(2026, 3, 1), end_reason="调离"
    )

    with pytest.raises(ValidationError) as refused:
        assignment_end(
            assignment=point, ended_at=datetime.date(2026, 4, 1), reason="再次", user=olivia.user
        )

    assert codes(refused.value) == {"already_ended"}


# Starting a new year from the last


def test_the_rollover_copies_last_years_current_points_and_lists_what_it_left_out(
    alice, bob, olivia
):
    kept = LiaisonAssignmentFactory(cadre=alice, year=2025)
    ended = LiaisonAssignmentFactory(
        cadre=alice, year=2025, ended_at=datetime.date(2025, 6, 1), end_reason="调整"
    )
    closed_union = LiaisonAssignmentFactory(cadre=bob, year=2025, union__active=False)
    gone_cadre = LiaisonAssignmentFactory(year=2025, cadre__active=False)
    there_already = LiaisonAssignmentFactory(cadre=bob, year=2025)
    LiaisonAssignmentFactory(cadre=bob, union=there_already.union, year=2026)

    result = assignments_roll_over(from_year=2025, to_year=2026, user=olivia.user)

    assert [(p.cadre, p.union) for p in result.created] == [(kept.cadre, kept.union)]
    left_out = {item.assignment for item in result.left_out}
    assert left_out == {closed_union, gone_cadre, there_already}
    assert ended not in left_out  # an ended point is simply not current
    assert all(item.reason for item in result.left_out)
    new = LiaisonAssignment.objects.get(year=2026, cadre=alice)
    assert new.union == kept.union
    assert new.assigned_by == olivia.user
    assert new.history.get().history_user == olivia.user


def test_a_second_rollover_creates_nothing(alice, olivia):
    LiaisonAssignmentFactory.create_batch(3, cadre=alice, year=2025)
    assignments_roll_over(from_year=2025, to_year=2026, user=olivia.user)

    again = assignments_roll_over(from_year=2025, to_year=2026, user=olivia.user)

    assert again.created == []
    assert len(again.left_out) == 3
    assert LiaisonAssignment.objects.filter(year=2026).count() == 3


def test_the_rollover_keeps_a_leader_within_four(leader, olivia):
    for union in GrassrootsUnionFactory.create_batch(3):
        LiaisonAssignmentFactory(cadre=leader, union=union, year=2025)
    for union in GrassrootsUnionFactory.create_batch(2):
        LiaisonAssignmentFactory(cadre=leader, union=union, year=2026)

    result = assignments_roll_over(from_year=2025, to_year=2026, user=olivia.user)

    assert len(result.created) == 2
    assert len(result.left_out) == 1
    assert LiaisonAssignment.objects.filter(cadre=leader, year=2026).count() == 4


def test_the_rollover_refuses_the_same_year(olivia):
    with pytest.raises(ValidationError):
        assignments_roll_over(from_year=2026, to_year=2026, user=olivia.user)
