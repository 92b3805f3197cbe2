"""Many problems in one step (the ledger's bulk actions), through `services.problems_bulk`:
each problem goes through the single step's own function (one timeline entry each, its
notifications), all or nothing.

The problems are raised on alice's sheet and transferred to her department (宣传教育部, whose
head is carol), overdue since 2026-11-20; bob's department is 法律工作部; olivia is the
organization department. Today is Tuesday 2026-11-24."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.models import Notification, Problem, ProblemEvent
from records.problems import services as loop
from records.versions import EditConflict
from tests.factories import ProblemFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db
S = Problem.Status
PAST = datetime.date(2026, 11, 20)
# A working day after today (Friday 2026-12-04).
LATER = datetime.date(2026, 12, 4)


def transferred(record, department, n: int) -> list[Problem]:
    """`n` overdue problems with `department` (bulk_create: fast, and history does not matter
    for what is tested here)."""
    return Problem.objects.bulk_create(
        Problem(
            record=record,
            description=f"问题{i}",
            resolution=Problem.Resolution.TRANSFER,
            status=S.TRANSFERRED,
            department=department,
            deadline=PAST,
        )
        for i in range(n)
    )


@pytest.fixture
def sheet(alice):
    return VisitRecordFactory(cadre=alice, start_date=datetime.date(2026, 11, 2))


def test_urging_many_writes_one_timeline_entry_and_one_notice_each(
    olivia, carol, sheet, department
):
    problems = transferred(sheet, department, 3)

    done = loop.problems_bulk(
        problem_ids=[p.pk for p in problems], action="urge", user=olivia.user, note="请尽快"
    )

    assert len(done) == 3
    events = ProblemEvent.objects.filter(action="urge")
    assert sorted(e.problem_id for e in events) == sorted(p.pk for p in problems)
    assert {e.note for e in events} == {"请尽快"}
    notices = Notification.objects.filter(kind=Notification.Kind.URGED, recipient=carol.user)
    assert notices.count() == 3


def test_a_new_deadline_for_many(olivia, sheet, department):
    problems = transferred(sheet, department, 2)

    loop.problems_bulk(
        problem_ids=[p.pk for p in problems],
        action="set_deadline",
        user=olivia.user,
        deadline=LATER,
    )

    assert set(Problem.objects.values_list("deadline", flat=True)) == {LATER}
    assert ProblemEvent.objects.filter(action="set_deadline").count() == 2


def test_moving_many_to_another_department(olivia, sheet, department, other_department):
    problems = transferred(sheet, department, 2)

    loop.problems_bulk(
        problem_ids=[p.pk for p in problems],
        action="retransfer",
        user=olivia.user,
        department=other_department,
    )

    assert set(Problem.objects.values_list("department", flat=True)) == {other_department.pk}
    assert ProblemEvent.objects.filter(action="retransfer").count() == 2


def test_one_refusal_rolls_back_every_step(olivia, sheet, department):
    """The third problem was answered meanwhile: nothing of the step is kept, not even the
    first two problems' entries, and the refusal names the problem."""
    problems = transferred(sheet, department, 4)
    Problem.objects.filter(pk=problems[2].pk).update(status=S.ANSWERED)

    with pytest.raises(loop.NotAllowed) as refused:
        loop.problems_bulk(
            problem_ids=[p.pk for p in problems],
            action="set_deadline",
            user=olivia.user,
            deadline=LATER,
        )

    assert f"{problems[2].pk}" in refused.value.messages[0]
    assert not ProblemEvent.objects.exists()
    assert not Notification.objects.exists()
    assert set(Problem.objects.values_list("deadline", flat=True)) == {PAST}
    assert set(Problem.objects.values_list("version", flat=True)) == {1}


def test_a_move_to_the_department_it_is_with_rolls_back_too(
    olivia, sheet, department, other_department
):
    problems = transferred(sheet, other_department, 2) + transferred(sheet, department, 1)

    with pytest.raises(ValidationError):
        loop.problems_bulk(
            problem_ids=[p.pk for p in problems],
            action="retransfer",
            user=olivia.user,
            department=department,
        )

    assert not ProblemEvent.objects.exists()
    assert Problem.objects.filter(department=department).count() == 1


def test_a_problem_changed_since_the_preview_refuses_the_step(olivia, sheet, department):
    problems = transferred(sheet, department, 2)
    versions = {p.pk: p.version for p in problems}
    Problem.objects.filter(pk=problems[1].pk).update(version=2)

    with pytest.raises(EditConflict):
        loop.problems_bulk(
            problem_ids=list(versions), action="urge", user=olivia.user, versions=versions
        )

    assert not ProblemEvent.objects.exists()


def test_only_the_organization_department_may(carol, sheet, department):
    problems = transferred(sheet, department, 1)

    with pytest.raises(loop.NotAllowed):
        loop.problems_bulk(problem_ids=[problems[0].pk], action="urge", user=carol.user)


def test_a_deadline_in_the_past_is_refused_before_anything(olivia, sheet, department):
    problems = transferred(sheet, department, 1)

    with pytest.raises(ValidationError) as refused:
        loop.problems_bulk(
            problem_ids=[problems[0].pk],
            action="set_deadline",
            user=olivia.user,
            deadline=datetime.date(2026, 11, 1),
        )

    assert refused.value.message_dict == {"deadline": ["新的办理时限不能早于今天。"]}


def test_a_problem_solved_on_the_spot_cannot_be_urged(olivia, sheet):
    solved = ProblemFactory(record=sheet)

    with pytest.raises(loop.NotAllowed):
        loop.problems_bulk(problem_ids=[solved.pk], action="urge", user=olivia.user)


@pytest.mark.parametrize("action", ["urge", "set_deadline", "retransfer"])
def test_500_problems_in_one_step_within_5_seconds_on_postgresql(
    postgres_only, olivia, carol, bob, sheet, department, other_department, capsys, action
):
    """The issue's district scale: 500 overdue problems in one step leave 500 timeline entries
    (and 500 history rows), in at most 5 s on PostgreSQL (the time is printed: pytest -s)."""
    problems = transferred(sheet, department, 500)
    # As in a running server: the URLconf is loaded (the notices' links reverse through it).
    reverse("records:ledger")

    started = time.perf_counter()
    loop.problems_bulk(
        problem_ids=[p.pk for p in problems],
        action=action,
        user=olivia.user,
        deadline=LATER,
        department=other_department,
    )
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n500 problems, {action}, in one step: {elapsed:.2f} s")
    assert ProblemEvent.objects.filter(action=action).count() == 500
    assert Problem.history.filter(history_user=olivia.user).count() == 500
    assert set(Problem.objects.values_list("version", flat=True)) == {2}
    assert elapsed <= 5


def test_500_problems_or_none(postgres_only, olivia, sheet, department):
    problems = transferred(sheet, department, 500)
    Problem.objects.filter(pk=problems[-1].pk).update(status=S.CLOSED)

    with pytest.raises(loop.NotAllowed):
        loop.problems_bulk(problem_ids=[p.pk for p in problems], action="urge", user=olivia.user)

    assert not ProblemEvent.objects.exists()
