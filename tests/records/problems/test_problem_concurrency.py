"""Two people acting on the same problem at the same moment: the problem's row lock lets one
through; the other finds the status changed and is refused. Proven on PostgreSQL only
(SQLite serialises writers anyway and ignores select_for_update).

Each thread has its own database connection. The first to get the lock holds it a moment
longer than usual (a slowed `_finish`), so without the lock both would read "transferred"
and both would succeed.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from records.models import Problem, ProblemEvent
from records.problems import services as loop
from tests.factories import CadreFactory, ProblemFactory
from unions.models import Cadre
from unions.roles import Role

# serialized_rollback: the flush after each test empties the role groups the migrations made;
# they are restored before the next.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def slow_finish(monkeypatch):
    finish = loop._finish

    def slowly(*args, **kwargs):
        time.sleep(0.3)
        return finish(*args, **kwargs)

    monkeypatch.setattr(loop, "_finish", slowly)


@pytest.fixture
def problem(postgres_only, alice, department):
    return ProblemFactory(
        record__cadre=alice,
        resolution=Problem.Resolution.TRANSFER,
        status=Problem.Status.TRANSFERRED,
        department=department,
    )


@pytest.fixture
def carla(department):
    """A second head of alice's department."""
    return CadreFactory(
        department=department,
        rank=Cadre.Rank.DIVISION,
        user__username="carla",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


def at_once(problem_pk, *steps):
    """Run each (user pk, step) in its own thread, all released together. Each thread loads
    its own user and problem, as two requests would. Returns the outcomes in order."""
    start = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, user_pk, step):
        try:
            user = get_user_model().objects.get(pk=user_pk)
            seen = Problem.objects.get(pk=problem_pk)
            start.wait()
            step(seen, user)
            outcomes[index] = "done"
        except loop.NotAllowed as refused:
            outcomes[index] = refused.messages
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, user_pk, step))
        for index, (user_pk, step) in enumerate(steps)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def now_answered():
    return ["该问题当前状态为“已办结”，不能进行此项操作（可能刚有人办理过，请刷新页面）。"]


def test_two_heads_answering_at_once_make_one_answer(problem, carol, carla, slow_finish):
    def answer(text):
        return lambda seen, user: loop.problem_answer(problem=seen, user=user, answer=text)

    outcomes = at_once(
        problem.pk, (carol.user.pk, answer("卡罗的答复")), (carla.user.pk, answer("卡拉的答复"))
    )

    assert sorted(outcomes, key=str) == sorted(["done", now_answered()], key=str)
    problem.refresh_from_db()
    assert problem.status == Problem.Status.ANSWERED
    event = ProblemEvent.objects.get(problem=problem, action="answer")
    winner = outcomes.index("done")
    assert event.actor == [carol.user, carla.user][winner]
    assert problem.answer == ["卡罗的答复", "卡拉的答复"][winner]


def test_two_heads_accepting_at_once_make_one_acceptance(problem, carol, carla, slow_finish):
    def accept(seen, user):
        loop.problem_accept(problem=seen, user=user)

    outcomes = at_once(problem.pk, (carol.user.pk, accept), (carla.user.pk, accept))

    assert sorted(outcomes, key=str) == sorted(
        ["done", ["该问题当前状态为“已受理”，不能进行此项操作（可能刚有人办理过，请刷新页面）。"]],
        key=str,
    )
    assert ProblemEvent.objects.filter(problem=problem, action="accept").count() == 1
    problem.refresh_from_db()
    assert problem.status == Problem.Status.ACCEPTED


def test_an_answer_and_a_hand_back_at_once_leave_one_of_them(problem, carol, carla, slow_finish):
    def answer(seen, user):
        loop.problem_answer(problem=seen, user=user, answer="已办结")

    def hand_back(seen, user):
        loop.problem_hand_back(problem=seen, user=user, reason="不属本部室")

    outcomes = at_once(problem.pk, (carol.user.pk, answer), (carla.user.pk, hand_back))

    assert outcomes.count("done") == 1
    problem.refresh_from_db()
    events = list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True))
    if outcomes[0] == "done":
        assert (problem.status, events) == (Problem.Status.ANSWERED, ["answer"])
        assert outcomes[1] == now_answered()
    else:
        assert (problem.status, events) == (Problem.Status.RAISED, ["hand_back"])
        assert outcomes[0] == [
            "该问题当前状态为“已提出”，不能进行此项操作（可能刚有人办理过，请刷新页面）。"
        ]
