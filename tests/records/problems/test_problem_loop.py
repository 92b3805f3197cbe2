"""The problem loop's services: who may take which step from which status, what each step
writes (the problem, a timeline event, notifications and email), and deadlines counted in
working days over the 2026 National Day holiday.

The problem is alice's (a cadre of 宣传教育部), sent to her own department, whose head is
carol, and to leo, a leader of 法律工作部 named on it. dave heads 法律工作部, bob is a cadre
there, olivia is the organization department, root an administrator.
Today is Tuesday 2026-11-24.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from records.calendar import add_working_days, is_working_day
from records.models import Notification, Problem, ProblemEvent, VisitRecord
from records.problems import selectors
from records.problems import services as loop
from records.sheets.services import editable_problems, record_return
from tests.factories import (
    CadreFactory,
    CalendarDayFactory,
    GrassrootsUnionFactory,
    ProblemFactory,
    UserFactory,
)
from tests.helpers import sheet, to_transfer
from unions.models import Cadre
from unions.roles import Role

pytestmark = pytest.mark.django_db

S = Problem.Status
TODAY = datetime.date(2026, 11, 24)
# 15 working days after Tuesday 2026-11-24 (three plain weeks): Tuesday 2026-12-15.
DEADLINE_FROM_TODAY = datetime.date(2026, 12, 15)


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


STATUS_ZH = {
    "raised": "已提出",
    "transferred": "已移交",
    "accepted": "已受理",
    "answered": "已办结",
    "fed_back": "已反馈",
    "closed": "已关闭",
}


def now_refused(status: str) -> str:
    return zh(
        "This problem is now “%(status)s”: the step cannot be taken (someone may have "
        "just acted on it; reload the page)."
    ) % {"status": STATUS_ZH[status]}


MAY_NOT = "您无权对该问题进行此项操作。"


@pytest.fixture
def dave(other_department):
    """The head of 法律工作部."""
    return CadreFactory(
        name="丁大卫",
        department=other_department,
        rank=Cadre.Rank.DIVISION,
        user__username="dave",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )


@pytest.fixture
def leo(other_department):
    """A leader (division level) of 法律工作部 without the head's role."""
    return CadreFactory(
        name="黎明", department=other_department, rank=Cadre.Rank.DIVISION, user__username="leo"
    )


@pytest.fixture
def cast(alice, bob, carol, dave, leo, olivia, admin_user):
    return {
        "alice": alice.user,
        "bob": bob.user,
        "carol": carol.user,
        "dave": dave.user,
        "leo": leo.user,
        "olivia": olivia.user,
        "root": admin_user,
    }


def problem_in(status, *, cadre, department, leader=None, **fields):
    """A problem `cadre` raised, as the loop would have left it in `status` (a sheet always
    names the department, so even a raised problem has one)."""
    defaults = {"deadline": None}
    if status in ("transferred", "accepted", "answered", "fed_back", "closed"):
        defaults["deadline"] = datetime.date(2026, 12, 1)
    if status in ("answered", "fed_back", "closed"):
        defaults |= {"answer": "已协调企业补发", "answered_at": timezone.now()}
    if status in ("fed_back", "closed"):
        defaults |= {
            "feedback_on": TODAY,
            "feedback_method": Problem.FeedbackMethod.PHONE,
            "satisfaction": Problem.Satisfaction.SATISFIED,
            "feedback_by": cadre,
        }
    return ProblemFactory(
        record__cadre=cadre,
        description="职工反映加班费计算不清",
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        leader=leader,
        **(defaults | fields),
    )


@pytest.fixture
def take(other_department):
    """Take `action` on `problem` as `user`, with the inputs a valid form would give."""

    def _take(action, problem, user):
        if action == "transfer":
            return loop.problem_transfer(problem=problem, user=user, note="请按时限办理")
        if action == "accept":
            return loop.problem_accept(problem=problem, user=user, note="已受理")
        if action == "answer":
            return loop.problem_answer(problem=problem, user=user, answer="已协调企业补发加班费")
        if action == "hand_back":
            return loop.problem_hand_back(problem=problem, user=user, reason="不属本部室职责")
        if action == "feedback":
            return loop.problem_feedback(
                problem=problem,
                user=user,
                on=TODAY,
                method=Problem.FeedbackMethod.PHONE,
                satisfaction=Problem.Satisfaction.SATISFIED,
                note="电话告知工会主席",
            )
        if action == "urge":
            return loop.problem_urge(problem=problem, user=user, note="请抓紧办理")
        if action == "retransfer":
            return loop.problem_retransfer(
                problem=problem, user=user, department=other_department, note="转法律工作部"
            )
        if action == "set_deadline":
            return loop.problem_set_deadline(
                problem=problem, user=user, deadline=datetime.date(2027, 1, 8), note="例会决定"
            )
        if action == "close":
            return loop.problem_close(problem=problem, user=user, reason="季度例会决定关闭")
        raise AssertionError(action)

    return _take


# --- The matrix: every step × every status × every persona ---------------------------------

# Who may take each step on alice's problem (sent to carol's department and to leo).
MAY = {
    "transfer": {"alice", "olivia"},
    "accept": {"carol", "leo"},
    "answer": {"carol", "leo"},
    "hand_back": {"carol", "leo"},
    "feedback": {"alice"},
    "urge": {"olivia"},
    "retransfer": {"olivia"},
    "set_deadline": {"olivia"},
    "close": {"olivia"},
}
# From which statuses, and the status it leaves the problem in.
STEPS = {
    "transfer": ({"raised"}, "transferred"),
    "accept": ({"transferred"}, "accepted"),
    "answer": ({"transferred", "accepted"}, "answered"),
    "hand_back": ({"transferred", "accepted"}, "raised"),
    "feedback": ({"answered"}, "fed_back"),
    "urge": ({"transferred", "accepted"}, None),  # stays where it is
    "retransfer": ({"raised", "transferred", "accepted"}, "transferred"),
    "set_deadline": ({"transferred", "accepted"}, None),
    "close": ({"raised", "transferred", "accepted", "answered", "fed_back"}, "closed"),
}
NOTES = {
    "transfer": "请按时限办理",
    "accept": "已受理",
    "answer": "已协调企业补发加班费",
    "hand_back": "不属本部室职责",
    "feedback": "电话告知工会主席",
    "urge": "请抓紧办理",
    "retransfer": "转法律工作部",
    "set_deadline": "例会决定",
    "close": "季度例会决定关闭",
}
PERSONAS = ["alice", "bob", "carol", "dave", "leo", "olivia", "root"]
STATUSES = ["raised", "transferred", "accepted", "answered", "fed_back", "closed"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(STEPS))
def test_each_step_is_taken_only_by_its_people_from_its_statuses(
    cast, take, alice, department, leo, action, status, persona
):
    problem = problem_in(status, cadre=alice, department=department, leader=leo)
    user = cast[persona]
    allowed_from, to_status = STEPS[action]

    if persona in MAY[action] and status in allowed_from:
        returned = take(action, problem, user)

        problem.refresh_from_db()
        expected = to_status or status
        assert returned.status == problem.status == expected
        event = ProblemEvent.objects.get(problem=problem)
        assert (event.actor, event.action, event.from_status, event.to_status, event.note) == (
            user,
            action,
            status,
            expected,
            NOTES[action],
        )
        assert event.at == timezone.now()
    else:
        with pytest.raises(loop.NotAllowed) as refused:
            take(action, problem, user)

        # Someone who may never take the step is told so; someone who may is told the status.
        expected = MAY_NOT if persona not in MAY[action] else now_refused(status)
        assert refused.value.messages == [expected]
        problem.refresh_from_db()
        assert problem.status == status
        assert not ProblemEvent.objects.exists()
        assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("status", "persona", "actions"),
    [
        ("raised", "alice", ["transfer"]),
        ("raised", "olivia", ["transfer", "retransfer", "close"]),
        ("transferred", "carol", ["accept", "answer", "hand_back"]),
        ("transferred", "leo", ["accept", "answer", "hand_back"]),
        ("transferred", "olivia", ["urge", "retransfer", "set_deadline", "close"]),
        ("accepted", "carol", ["answer", "hand_back"]),
        ("answered", "alice", ["feedback"]),
        ("answered", "carol", []),
        ("fed_back", "olivia", ["close"]),
        ("closed", "olivia", []),
        ("transferred", "alice", []),
        ("transferred", "bob", []),
        ("transferred", "dave", []),
        ("transferred", "root", []),
    ],
)
def test_the_page_offers_exactly_the_steps_the_user_may_take(
    cast, alice, department, leo, status, persona, actions
):
    problem = problem_in(status, cadre=alice, department=department, leader=leo)

    assert loop.allowed_actions(problem, cast[persona]) == actions


@pytest.mark.parametrize("action", list(STEPS))
def test_a_problem_solved_on_the_spot_takes_no_step(cast, take, alice, department, action):
    problem = ProblemFactory(record__cadre=alice, status=S.CLOSED)  # solved on the spot
    user = cast["alice"] if action in ("transfer", "feedback") else cast["olivia"]

    with pytest.raises(loop.NotAllowed) as refused:
        take(action, problem, user)

    assert refused.value.messages == [
        zh("This problem was solved on the spot; it has no transfer to handle.")
    ]
    assert loop.allowed_actions(problem, cast["olivia"]) == []


def test_the_step_is_checked_against_the_stored_status_not_the_page(cast, take, alice, department):
    """carol's page still shows the problem transferred; someone answered it meanwhile."""
    problem = problem_in("transferred", cadre=alice, department=department)
    seen_by_carol = Problem.objects.get(pk=problem.pk)
    take("answer", problem, cast["carol"])

    with pytest.raises(loop.NotAllowed) as refused:
        take("hand_back", seen_by_carol, cast["carol"])

    assert refused.value.messages == [now_refused("answered")]
    assert list(problem.events.values_list("action", flat=True)) == ["answer"]


# --- What each step writes -----------------------------------------------------------------


def test_a_transfer_sets_the_deadline_and_tells_the_department_heads_and_the_leader(
    cast, alice, carol, department, leo, django_capture_on_commit_callbacks
):
    second_head = CadreFactory(
        department=department,
        user__email="head2@example.org",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )
    CadreFactory(department=department)  # a cadre of the department, not its head
    CadreFactory(  # a head who has left: no notification
        department=department,
        user__is_active=False,
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )
    carol.user.email = "carol@example.org"
    carol.user.save()
    problem = problem_in("raised", cadre=alice, department=department, leader=leo)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        loop.problem_transfer(problem=problem, user=alice.user, note="请按时限办理")
        assert mail.outbox == []  # not before the transaction commits

    # The mail's own callback (beside the homes' generations: unions/cache.py).
    assert len([c for c in callbacks if c.__module__ != "unions.cache"]) == 1

    problem.refresh_from_db()
    assert (problem.status, problem.deadline, problem.urgent) == (
        S.TRANSFERRED,
        DEADLINE_FROM_TODAY,
        False,
    )
    notified = Notification.objects.filter(problem=problem)
    assert {n.recipient for n in notified} == {carol.user, second_head.user, leo.user}
    assert {n.kind for n in notified} == {Notification.Kind.TRANSFERRED}
    assert all("2026-12-15" in n.message and n.read_at is None for n in notified)
    # An email each, to those who have an address (leo has none): nobody sees the others'.
    assert sorted(m.to for m in mail.outbox) == [["carol@example.org"], ["head2@example.org"]]
    assert "有问题移交给您" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith(notified.first().message)
    assert f"/records/problems/{problem.pk}/" in mail.outbox[0].body


def test_an_urgent_transfer_gets_7_working_days(alice, department):
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user, urgent=True)

    problem.refresh_from_db()
    # Wednesday 11-25 … Tuesday 12-01, Wednesday 12-02, Thursday 12-03: 7 working days.
    assert (problem.urgent, problem.deadline) == (True, datetime.date(2026, 12, 3))


def test_the_organization_department_transfers_to_another_department_and_leader(
    olivia, alice, other_department, dave, leo
):
    problem = problem_in("raised", cadre=alice, department=None)

    loop.problem_transfer(
        problem=problem, user=olivia.user, department=other_department, leader=leo
    )

    problem.refresh_from_db()
    assert (problem.department, problem.leader) == (other_department, leo)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "dave",
        "leo",
    }


def test_a_transfer_needs_a_department(olivia, alice):
    problem = problem_in("raised", cadre=alice, department=None)

    with pytest.raises(ValidationError) as refused:
        loop.problem_transfer(problem=problem, user=olivia.user)

    assert "department" in refused.value.message_dict
    problem.refresh_from_db()
    assert problem.status == S.RAISED
    assert not ProblemEvent.objects.exists()


def test_accepting_notifies_nobody(carol, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    loop.problem_accept(problem=problem, user=carol.user)

    assert problem.events.get().to_status == S.ACCEPTED
    assert not Notification.objects.exists()


def test_the_answer_is_kept_and_goes_to_the_cadre_who_raised_it(
    carol, alice, department, django_capture_on_commit_callbacks
):
    alice.user.email = "alice@example.org"
    alice.user.save()
    problem = problem_in("accepted", cadre=alice, department=department)

    with django_capture_on_commit_callbacks(execute=True):
        loop.problem_answer(problem=problem, user=carol.user, answer="  已协调企业补发  ")

    problem.refresh_from_db()
    assert problem.status == S.ANSWERED
    assert problem.answer == "已协调企业补发"
    assert (problem.answered_by, problem.answered_at) == (carol.user, timezone.now())
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.problem) == (
        alice.user,
        Notification.Kind.ANSWERED,
        problem,
    )
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_an_empty_answer_is_refused(carol, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_answer(problem=problem, user=carol.user, answer="   ")

    assert refused.value.message_dict == {"answer": [zh("Write the answer.")]}
    problem.refresh_from_db()
    assert problem.status == S.TRANSFERRED


def test_handing_back_clears_the_deadline_and_returns_it_raised(
    carol, alice, olivia, department, leo
):
    problem = problem_in("accepted", cadre=alice, department=department, leader=leo)

    loop.problem_hand_back(problem=problem, user=carol.user, reason="  不属本部室职责 ")

    problem.refresh_from_db()
    assert (problem.status, problem.deadline) == (S.RAISED, None)
    event = problem.events.get()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "hand_back",
        S.ACCEPTED,
        S.RAISED,
        "不属本部室职责",
    )
    # The cadre who raised it and the organization department decide where it goes next.
    notified = Notification.objects.all()
    assert {n.recipient for n in notified} == {alice.user, olivia.user}
    assert {n.kind for n in notified} == {Notification.Kind.HANDED_BACK}
    assert all("不属本部室职责" in n.message for n in notified)
    # alice can send it on again.
    assert loop.allowed_actions(problem, alice.user) == ["transfer"]


def test_handing_back_needs_a_reason(carol, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_hand_back(problem=problem, user=carol.user, reason=" ")

    assert "reason" in refused.value.message_dict
    problem.refresh_from_db()
    assert problem.status == S.TRANSFERRED


def test_satisfied_feedback_is_recorded_and_waits_to_be_closed(alice, department):
    answered = timezone.make_aware(datetime.datetime(2026, 11, 20, 15))
    problem = problem_in("answered", cadre=alice, department=department, answered_at=answered)

    loop.problem_feedback(
        problem=problem,
        user=alice.user,
        on=datetime.date(2026, 11, 23),
        method=Problem.FeedbackMethod.VISIT,
        satisfaction=Problem.Satisfaction.BASICALLY,
    )

    problem.refresh_from_db()
    assert problem.status == S.FED_BACK
    assert (problem.feedback_on, problem.feedback_method, problem.satisfaction) == (
        datetime.date(2026, 11, 23),
        "visit",
        "basically",
    )
    assert problem.feedback_by == alice
    assert not Notification.objects.exists()


def test_unsatisfied_feedback_reopens_the_problem_with_a_new_deadline(
    alice, carol, olivia, department, leo, django_capture_on_commit_callbacks
):
    olivia.user.email = "olivia@example.org"
    olivia.user.save()
    problem = problem_in("answered", cadre=alice, department=department, leader=leo)

    with django_capture_on_commit_callbacks(execute=True):
        loop.problem_feedback(
            problem=problem,
            user=alice.user,
            on=TODAY,
            method=Problem.FeedbackMethod.MEETING,
            satisfaction=Problem.Satisfaction.UNSATISFIED,
            note="职工认为补发金额不足",
        )

    problem.refresh_from_db()
    assert (problem.status, problem.deadline) == (S.TRANSFERRED, DEADLINE_FROM_TODAY)
    assert (problem.department, problem.leader) == (department, leo)
    assert problem.satisfaction == Problem.Satisfaction.UNSATISFIED
    # The first answer is no longer the answer; the department answers again.
    assert (problem.answer, problem.answered_at, problem.answered_by) == ("", None, None)
    events = list(problem.events.values_list("action", "from_status", "to_status", "actor", "note"))
    assert events == [
        ("feedback", S.ANSWERED, S.FED_BACK, alice.user.pk, "职工认为补发金额不足"),
        ("reopen", S.FED_BACK, S.TRANSFERRED, alice.user.pk, "职工认为补发金额不足"),
    ]
    notified = Notification.objects.all()
    assert {n.recipient for n in notified} == {carol.user, leo.user, olivia.user}
    assert {n.kind for n in notified} == {Notification.Kind.REOPENED}
    assert [m.to for m in mail.outbox] == [["olivia@example.org"]]
    # The department answers again.
    assert loop.allowed_actions(problem, carol.user) == ["accept", "answer", "hand_back"]


def test_feedback_is_not_dated_before_the_answer(alice, department):
    # Answered at 23:30 on 20 November in Beijing (15:30 UTC): the answer's date is the 20th.
    answered = datetime.datetime(2026, 11, 20, 15, 30, tzinfo=datetime.UTC)
    problem = problem_in("answered", cadre=alice, department=department, answered_at=answered)
    given = {"method": "phone", "satisfaction": "satisfied"}

    with pytest.raises(ValidationError) as refused:
        loop.problem_feedback(
            problem=problem, user=alice.user, on=datetime.date(2026, 11, 19), **given
        )

    assert refused.value.message_dict == {
        "feedback_on": [
            zh("The feedback cannot be dated before the answer (%(date)s).")
            % {"date": "2026-11-20"}
        ]
    }
    problem.refresh_from_db()
    assert problem.status == S.ANSWERED

    loop.problem_feedback(problem=problem, user=alice.user, on=datetime.date(2026, 11, 20), **given)
    problem.refresh_from_db()
    assert (problem.status, problem.feedback_on) == (S.FED_BACK, datetime.date(2026, 11, 20))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": datetime.date(2026, 11, 25)}, "feedback_on"),  # tomorrow
        ({"on": None}, "feedback_on"),
        ({"method": "email"}, "feedback_method"),
        ({"satisfaction": ""}, "satisfaction"),
    ],
)
def test_feedback_needs_a_past_date_a_way_and_a_satisfaction(alice, department, changes, field):
    problem = problem_in("answered", cadre=alice, department=department)
    given = {"on": TODAY, "method": "phone", "satisfaction": "satisfied"} | changes

    with pytest.raises(ValidationError) as refused:
        loop.problem_feedback(problem=problem, user=alice.user, **given)

    assert list(refused.value.message_dict) == [field]
    problem.refresh_from_db()
    assert problem.status == S.ANSWERED


def test_urging_tells_the_department_again(olivia, alice, carol, department, leo):
    problem = problem_in("accepted", cadre=alice, department=department, leader=leo)

    loop.problem_urge(problem=problem, user=olivia.user, note="请抓紧")

    problem.refresh_from_db()
    assert problem.status == S.ACCEPTED
    event = problem.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "urge",
        S.ACCEPTED,
        S.ACCEPTED,
        olivia.user,
    )
    notified = Notification.objects.all()
    assert {n.recipient for n in notified} == {carol.user, leo.user}
    assert {n.kind for n in notified} == {Notification.Kind.URGED}


def test_a_retransfer_moves_the_problem_and_who_answers_it(
    olivia, alice, carol, dave, department, other_department, leo
):
    problem = problem_in(
        "accepted",
        cadre=alice,
        department=department,
        leader=leo,
        deadline=datetime.date(2026, 11, 20),
    )

    loop.problem_retransfer(problem=problem, user=olivia.user, department=other_department)

    problem.refresh_from_db()
    assert (problem.status, problem.department, problem.leader) == (
        S.TRANSFERRED,
        other_department,
        None,
    )
    assert problem.deadline == DEADLINE_FROM_TODAY
    assert [n.recipient for n in Notification.objects.all()] == [dave.user]
    assert loop.allowed_actions(problem, dave.user) == ["accept", "answer", "hand_back"]
    assert loop.allowed_actions(problem, carol.user) == []
    assert loop.allowed_actions(problem, leo.user) == []


@pytest.mark.parametrize("status", ["transferred", "accepted"])
def test_a_retransfer_to_the_department_it_is_with_is_refused(olivia, alice, department, status):
    problem = problem_in(status, cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_retransfer(problem=problem, user=olivia.user, department=department)

    assert refused.value.message_dict == {
        "department": [f"该问题已在{department.name}办理，请选择其他部室。"]
    }
    problem.refresh_from_db()
    assert problem.status == status
    assert not ProblemEvent.objects.exists()


def test_a_retransfer_keeps_a_deadline_extended_beyond_the_new_one(
    olivia, alice, department, other_department
):
    problem = problem_in("transferred", cadre=alice, department=department)
    extended = datetime.date(2027, 1, 29)  # later than 15 working days from today
    loop.problem_set_deadline(problem=problem, user=olivia.user, deadline=extended)

    loop.problem_retransfer(problem=problem, user=olivia.user, department=other_department)

    problem.refresh_from_db()
    assert (problem.department, problem.deadline) == (other_department, extended)
    assert extended > DEADLINE_FROM_TODAY


def test_a_new_deadline_cannot_be_in_the_past(olivia, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_set_deadline(
            problem=problem, user=olivia.user, deadline=datetime.date(2026, 11, 23)
        )

    assert refused.value.message_dict == {
        "deadline": [zh("The new deadline cannot be in the past.")]
    }
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 12, 1)
    assert not ProblemEvent.objects.exists()


def test_a_missing_new_deadline_is_required_not_past(olivia, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_set_deadline(problem=problem, user=olivia.user, deadline=None)

    assert refused.value.message_dict == {"deadline": ["请填写新的办理时限。"]}
    assert not ProblemEvent.objects.exists()


def test_a_new_deadline_is_a_working_day_of_the_calendar(olivia, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    CalendarDayFactory(date=datetime.date(2027, 1, 4), is_working_day=False)  # a Monday
    for rest_day in (datetime.date(2026, 11, 28), datetime.date(2027, 1, 4)):
        with pytest.raises(ValidationError) as refused:
            loop.problem_set_deadline(problem=problem, user=olivia.user, deadline=rest_day)
        assert refused.value.message_dict == {
            "deadline": [f"{rest_day.isoformat()}不是工作日，办理时限应为工作日。"]
        }
    assert not ProblemEvent.objects.exists()

    # A Saturday the administrator made a working day (调休) is a working day.
    CalendarDayFactory(date=datetime.date(2026, 12, 5), is_working_day=True)
    loop.problem_set_deadline(
        problem=problem, user=olivia.user, deadline=datetime.date(2026, 12, 5)
    )
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 12, 5)


def test_a_computed_deadline_is_a_working_day_across_a_holiday(alice, department):
    # From 30 September the count runs over National Day (1–7 October) and the make-up
    # Saturday (10 October): the deadline is still a working day.
    problem = problem_in("raised", cadre=alice, department=department)
    assert loop.deadline_for(problem, datetime.date(2026, 9, 30)) == add_working_days(
        datetime.date(2026, 9, 30), settings.PROBLEM_DEADLINE_DAYS
    )
    assert is_working_day(loop.deadline_for(problem, datetime.date(2026, 9, 30)))


def test_a_new_deadline_may_be_today(olivia, alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)

    loop.problem_set_deadline(problem=problem, user=olivia.user, deadline=TODAY, note="例会决定")

    problem.refresh_from_db()
    assert problem.deadline == TODAY
    assert problem.events.get().note == "例会决定"
    assert not Notification.objects.exists()


@pytest.mark.parametrize("status", ["raised", "transferred", "accepted", "answered"])
def test_closing_before_feedback_needs_a_reason(olivia, alice, department, status):
    problem = problem_in(status, cadre=alice, department=department)

    with pytest.raises(ValidationError) as refused:
        loop.problem_close(problem=problem, user=olivia.user, reason="  ")

    assert refused.value.message_dict == {
        "reason": [zh("Say why the problem is closed before feedback.")]
    }
    problem.refresh_from_db()
    assert problem.status == status
    assert not ProblemEvent.objects.exists()


def test_closing_after_feedback_needs_no_reason(olivia, alice, department):
    problem = problem_in("fed_back", cadre=alice, department=department)

    loop.problem_close(problem=problem, user=olivia.user)

    problem.refresh_from_db()
    assert problem.status == S.CLOSED
    assert problem.events.get().note == ""
    assert not Notification.objects.exists()


def test_a_refused_step_sends_no_email(
    carol, alice, department, django_capture_on_commit_callbacks
):
    carol.user.email = "carol@example.org"
    carol.user.save()
    problem = problem_in("transferred", cadre=alice, department=department)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(loop.NotAllowed),
    ):
        loop.problem_transfer(problem=problem, user=alice.user)

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_whole_loop_leaves_a_timeline(alice, carol, olivia, department):
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user)
    loop.problem_accept(problem=problem, user=carol.user)
    loop.problem_answer(problem=problem, user=carol.user, answer="已解决")
    loop.problem_feedback(
        problem=problem,
        user=alice.user,
        on=TODAY,
        method=Problem.FeedbackMethod.PHONE,
        satisfaction=Problem.Satisfaction.SATISFIED,
    )
    loop.problem_close(problem=problem, user=olivia.user)

    assert list(
        problem.events.values_list("actor__username", "action", "from_status", "to_status")
    ) == [
        ("alice", "transfer", "raised", "transferred"),
        ("carol", "accept", "transferred", "accepted"),
        ("carol", "answer", "accepted", "answered"),
        ("alice", "feedback", "answered", "fed_back"),
        ("olivia", "close", "fed_back", "closed"),
    ]


# --- A returned sheet does not reset a problem already in the loop -------------------------


def test_the_sheets_form_edits_only_problems_not_yet_sent_on(alice, olivia, department):
    in_loop = problem_in("accepted", cadre=alice, department=department)
    record = in_loop.record
    handed_back = problem_in("raised", cadre=alice, department=department, record=record)
    on_the_spot = ProblemFactory(record=record)  # solved on the spot, closed
    record_return(record=record, user=olivia.user, reason="请补填接触人员")

    assert set(editable_problems(record)) == {handed_back, on_the_spot}


def test_refiling_a_returned_sheet_leaves_its_transferred_problem_alone(
    login, alice, carol, olivia, department
):
    union = GrassrootsUnionFactory()
    as_alice = login(alice)
    as_alice.post(
        reverse("records:record-create"), sheet(union, problems=[to_transfer(department)])
    )
    problem = Problem.objects.get()
    record = problem.record
    loop.problem_accept(problem=problem, user=carol.user, note="已受理")
    record_return(record=record, user=olivia.user, reason="请补填接触人员")
    edit = reverse("records:record-edit", args=[record.pk])

    form = as_alice.get(edit)
    assert form.context["formset"].forms == []
    assert list(form.context["problems_in_loop"]) == [problem]
    response = as_alice.post(edit, sheet(union, people_met="工会主席张明"))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == VisitRecord.Status.FILED
    problem.refresh_from_db()
    assert (problem.status, problem.department, problem.deadline) == (
        S.ACCEPTED,
        department,
        DEADLINE_FROM_TODAY,
    )
    assert list(problem.events.values_list("action", flat=True)) == [
        "raise",
        "transfer",
        "accept",
    ]


@pytest.mark.parametrize("forged_change", [{"description": "改写的问题"}, {"DELETE": "on"}])
def test_a_forged_row_cannot_rewrite_or_delete_a_transferred_problem(
    login, alice, olivia, department, other_department, forged_change
):
    """A row carrying the id of a problem the form does not offer is not that problem: at
    most it is a new problem of the sheet."""
    problem = problem_in("transferred", cadre=alice, department=department)
    record = problem.record
    record_return(record=record, user=olivia.user, reason="请补填接触人员")
    forged = to_transfer(other_department, id=str(problem.pk), **forged_change)
    data = sheet(record.union, problems=[forged], **{"problems-INITIAL_FORMS": "1"})

    response = login(alice).post(reverse("records:record-edit", args=[record.pk]), data)

    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.department, problem.description) == (
        S.TRANSFERRED,
        department,
        "职工反映加班费计算不清",
    )
    assert not problem.events.exists()


# --- Deadlines over the 2026 holidays ------------------------------------------------------


@time_machine.travel("2026-09-30 10:00 +0800")
def test_a_transfer_before_national_day_counts_15_working_days_past_the_holiday(alice, department):
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user)

    # Wednesday 2026-09-30 itself does not count. 10-01…10-07 are the National Day holiday.
    # Thu 10-08 (1), Fri 10-09 (2), Saturday 10-10 is worked in exchange (3), Sun 10-11 off,
    # Mon 10-12 … Fri 10-16 (4–8), Mon 10-19 … Fri 10-23 (9–13), Mon 10-26 (14),
    # Tue 10-27 (15).
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 10, 27)


@time_machine.travel("2026-09-30 10:00 +0800")
def test_an_urgent_transfer_before_national_day_counts_7_working_days(alice, department):
    problem = problem_in("raised", cadre=alice, department=department, urgent=True)

    loop.problem_transfer(problem=problem, user=alice.user)

    # Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 worked (3), Mon 10-12 … Thu 10-15 (4–7).
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 10, 15)


@time_machine.travel("2026-09-23 10:00 +0800")
def test_an_urgent_transfer_skips_mid_autumn_and_national_day(alice, department):
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user, urgent=True)

    # Thu 09-24 (1); Fri 09-25 Mid-autumn and the weekend off; Mon 09-28 … Wed 09-30 (2–4);
    # 10-01…10-07 off; Thu 10-08 (5), Fri 10-09 (6), Sat 10-10 worked in exchange (7).
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 10, 10)


@time_machine.travel("2026-09-18 10:00 +0800")
def test_the_sunday_worked_before_national_day_counts(alice, department):
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user, urgent=True)

    # Sat 09-19 off; Sunday 09-20 is worked in exchange (1); Mon 09-21 … Thu 09-24 (2–5);
    # Fri 09-25 Mid-autumn, weekend off; Mon 09-28 (6), Tue 09-29 (7).
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 9, 29)


def test_urgency_deadlines_come_from_the_settings(settings, alice, department):
    settings.PROBLEM_DEADLINE_DAYS = 5
    problem = problem_in("raised", cadre=alice, department=department)

    loop.problem_transfer(problem=problem, user=alice.user)

    # Wed 11-25 … Tue 12-01: 5 working days.
    problem.refresh_from_db()
    assert problem.deadline == datetime.date(2026, 12, 1)


# --- Overdue is computed, never stored ------------------------------------------------------


def overdue(problem) -> bool:
    return selectors.with_overdue(Problem.objects.filter(pk=problem.pk)).get().is_overdue


def test_a_problem_becomes_overdue_the_day_after_its_deadline(alice, carol, department):
    with time_machine.travel("2026-09-30 10:00 +0800"):
        problem = problem_in("raised", cadre=alice, department=department)
        loop.problem_transfer(problem=problem, user=alice.user)
        assert overdue(problem) is False

    with time_machine.travel("2026-10-27 23:00 +0800"):  # the deadline day itself
        assert overdue(problem) is False
        assert not Problem.objects.filter(selectors.overdue_q(timezone.localdate())).exists()
    with time_machine.travel("2026-10-28 09:00 +0800"):
        assert overdue(problem) is True
        assert list(Problem.objects.filter(selectors.overdue_q(timezone.localdate()))) == [problem]
        loop.problem_accept(problem=problem, user=carol.user)
        assert overdue(problem) is True  # accepting is not answering
        loop.problem_answer(problem=problem, user=carol.user, answer="已办结")
        assert overdue(problem) is False


@pytest.mark.parametrize("status", ["answered", "fed_back", "closed", "raised"])
def test_a_problem_not_with_a_department_is_never_overdue(alice, department, status):
    problem = problem_in(status, cadre=alice, department=department)
    Problem.objects.filter(pk=problem.pk).update(deadline=datetime.date(2026, 1, 5))

    assert overdue(problem) is False
    with time_machine.travel("2027-06-01 10:00 +0800"):
        assert overdue(problem) is False


def test_overdue_can_be_asked_for_another_day(alice, department):
    problem = problem_in("transferred", cadre=alice, department=department)  # due 12-01

    annotated = selectors.with_overdue(Problem.objects.all(), datetime.date(2026, 12, 2)).get()

    assert annotated.is_overdue is True
    assert overdue(problem) is False  # today, 11-24


def test_a_new_deadline_lifts_overdue(olivia, alice, department):
    problem = problem_in(
        "transferred", cadre=alice, department=department, deadline=datetime.date(2026, 11, 20)
    )
    assert overdue(problem) is True

    loop.problem_set_deadline(
        problem=problem, user=olivia.user, deadline=datetime.date(2026, 12, 4)
    )

    assert overdue(problem) is False


# --- The inbox ------------------------------------------------------------------------------


def test_the_inbox_holds_what_waits_for_the_department_or_the_leader_overdue_first(
    alice, bob, carol, dave, department, other_department
):
    late = problem_in(
        "accepted", cadre=alice, department=department, deadline=datetime.date(2026, 11, 2)
    )
    later = problem_in(
        "transferred", cadre=alice, department=department, deadline=datetime.date(2026, 12, 9)
    )
    sooner = problem_in(
        "transferred", cadre=alice, department=department, deadline=datetime.date(2026, 11, 30)
    )
    to_carol_as_leader = problem_in(
        "transferred",
        cadre=bob,
        department=other_department,
        leader=carol,
        deadline=datetime.date(2026, 12, 31),
    )
    problem_in("answered", cadre=alice, department=department)
    problem_in("raised", cadre=alice, department=department)
    elsewhere = problem_in("transferred", cadre=alice, department=other_department)

    assert list(selectors.inbox_for(carol.user)) == [late, sooner, later, to_carol_as_leader]
    assert list(selectors.inbox_for(dave.user)) == [elsewhere, to_carol_as_leader]
    assert list(selectors.inbox_for(alice.user)) == []
    assert list(selectors.inbox_for(UserFactory())) == []
