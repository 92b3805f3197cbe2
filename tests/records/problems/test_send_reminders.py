"""`manage.py send_reminders`, run daily from cron: overdue problems to the department's heads
and the organization department, deadlines due soon to the department, answers waiting for
feedback to the cadre who raised them — each once per problem per day, however often it runs.

Today is Tuesday 2026-11-24; "due soon" is within 2 working days (Thursday 2026-11-26).
"""

import datetime

import pytest
import time_machine
from django.core import mail

from records.models import Notification, Problem, ReminderLog
from tests.factories import CadreFactory, ProblemFactory
from unions.roles import Role

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def carol(carol):
    carol.user.email = "carol@example.org"
    carol.user.save()
    return carol


@pytest.fixture
def olivia(olivia):
    olivia.user.email = "olivia@example.org"
    olivia.user.save()
    return olivia


@pytest.fixture
def alice(alice):
    alice.user.email = "alice@example.org"
    alice.user.save()
    return alice


def problem(alice, department, status, deadline=None, **fields):
    return ProblemFactory(
        record__cadre=alice,
        resolution=Problem.Resolution.TRANSFER,
        status=status,
        department=department,
        deadline=deadline,
        **fields,
    )


@pytest.fixture
def send(send_reminders):
    return send_reminders


def sent(kind=None):
    notes = Notification.objects.all()
    if kind:
        notes = notes.filter(kind=kind)
    return sorted((n.problem_id, n.kind, n.recipient.username) for n in notes)


def test_an_overdue_problem_goes_to_the_department_heads_and_the_organization_department(
    send, alice, carol, olivia, department
):
    late = problem(alice, department, "accepted", datetime.date(2026, 11, 23))

    output = send()

    assert sent() == [
        (late.pk, Kind.OVERDUE, "carol"),
        (late.pk, Kind.OVERDUE, "olivia"),
    ]
    # An e-mail to each, with the link to the problem.
    assert sorted(m.to for m in mail.outbox) == [["carol@example.org"], ["olivia@example.org"]]
    assert "2026-11-23" in mail.outbox[0].body
    assert f"/records/problems/{late.pk}/" in mail.outbox[0].body
    assert f"overdue\t#{late.pk}\t" in output
    assert "1 reminders sent." in output


def test_a_deadline_within_two_working_days_goes_to_the_department_only(
    send, alice, carol, olivia, department, other_department
):
    today = problem(alice, department, "transferred", datetime.date(2026, 11, 24))
    thursday = problem(alice, department, "transferred", datetime.date(2026, 11, 26))
    problem(alice, department, "transferred", datetime.date(2026, 11, 27))  # Friday: not yet
    leo = CadreFactory(department=other_department, rank="division", user__username="leo")
    named = problem(alice, department, "accepted", datetime.date(2026, 11, 25), leader=leo)

    send()

    assert sent() == sorted(
        [
            (today.pk, Kind.DUE_SOON, "carol"),
            (thursday.pk, Kind.DUE_SOON, "carol"),
            (named.pk, Kind.DUE_SOON, "carol"),
            (named.pk, Kind.DUE_SOON, "leo"),
        ]
    )
    assert {tuple(m.to) for m in mail.outbox} == {("carol@example.org",)}


def test_due_soon_counts_working_days(send, settings, alice, carol, department):
    """Friday 11-27 is 3 working days away; with PROBLEM_DUE_SOON_DAYS = 3 it is due soon.
    Monday 11-30 is 4 working days away even though the weekend lies between."""
    settings.PROBLEM_DUE_SOON_DAYS = 3
    friday = problem(alice, department, "transferred", datetime.date(2026, 11, 27))
    problem(alice, department, "transferred", datetime.date(2026, 11, 30))

    send()

    assert sent() == [(friday.pk, Kind.DUE_SOON, "carol")]


def test_an_answer_waiting_for_feedback_goes_to_the_cadre_who_raised_it(
    send, alice, carol, olivia, department
):
    answered = problem(alice, department, "answered", datetime.date(2026, 11, 2))

    send()

    assert sent() == [(answered.pk, Kind.FEEDBACK_DUE, "alice")]  # never "overdue"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


@pytest.mark.parametrize("status", ["raised", "fed_back", "closed"])
def test_problems_not_waiting_on_anyone_get_no_reminder(
    send, alice, carol, olivia, department, status
):
    problem(alice, department, status, datetime.date(2026, 11, 2))

    assert "0 reminders sent." in send()
    assert sent() == []
    assert mail.outbox == []


def test_a_problem_solved_on_the_spot_gets_no_reminder(send, alice, carol, olivia):
    ProblemFactory(record__cadre=alice)

    send()

    assert sent() == []


def test_running_twice_on_the_same_day_sends_once(send, alice, carol, olivia, department):
    late = problem(alice, department, "transferred", datetime.date(2026, 11, 20))
    soon = problem(alice, department, "transferred", datetime.date(2026, 11, 25))
    answered = problem(alice, department, "answered")

    send()
    with time_machine.travel("2026-11-24 18:30 +0800"):
        second = send()

    assert "0 reminders sent." in second
    assert sent() == sorted(
        [
            (late.pk, Kind.OVERDUE, "carol"),
            (late.pk, Kind.OVERDUE, "olivia"),
            (soon.pk, Kind.DUE_SOON, "carol"),
            (answered.pk, Kind.FEEDBACK_DUE, "alice"),
        ]
    )
    assert len(mail.outbox) == 4  # one per recipient: carol twice, olivia, alice
    assert ReminderLog.objects.count() == 3


def test_the_next_day_they_are_sent_again(send, alice, carol, olivia, department):
    late = problem(alice, department, "transferred", datetime.date(2026, 11, 20))
    answered = problem(alice, department, "answered")
    send()

    with time_machine.travel("2026-11-25 07:00 +0800"):
        send()
        send()

    assert Notification.objects.filter(problem=late, recipient=carol.user).count() == 2
    assert Notification.objects.filter(problem=answered, recipient=alice.user).count() == 2
    assert len(mail.outbox) == 6  # each day: carol and olivia (overdue), alice (feedback)
    assert sorted(ReminderLog.objects.values_list("problem_id", "day")) == sorted(
        [
            (late.pk, datetime.date(2026, 11, 24)),
            (late.pk, datetime.date(2026, 11, 25)),
            (answered.pk, datetime.date(2026, 11, 24)),
            (answered.pk, datetime.date(2026, 11, 25)),
        ]
    )


def test_a_problem_due_soon_turns_overdue_after_its_deadline(
    send, alice, carol, olivia, department
):
    item = problem(alice, department, "accepted", datetime.date(2026, 11, 25))
    send()
    with time_machine.travel("2026-11-26 07:00 +0800"):
        send()

    assert list(
        Notification.objects.filter(problem=item, recipient=carol.user)
        .order_by("created_at")
        .values_list("kind", flat=True)
    ) == [Kind.DUE_SOON, Kind.OVERDUE]


def test_a_dry_run_lists_and_sends_nothing(send, alice, carol, olivia, department):
    late = problem(alice, department, "transferred", datetime.date(2026, 11, 20))
    answered = problem(alice, department, "answered")

    output = send("--dry-run")

    assert f"overdue\t#{late.pk}\tcarol、olivia\t" in output
    assert f"feedback_due\t#{answered.pk}\talice\t" in output
    assert "2 reminders would send." in output
    assert not Notification.objects.exists()
    assert not ReminderLog.objects.exists()
    assert mail.outbox == []

    send()
    assert len(sent()) == 3


def test_a_dry_run_after_the_days_run_lists_nothing_left(send, alice, carol, olivia, department):
    problem(alice, department, "transferred", datetime.date(2026, 11, 20))
    send()

    output = send("--dry-run")

    assert "0 reminders would send." in output
    assert Notification.objects.count() == 2


def test_a_second_head_and_a_head_without_email_are_reminded_in_the_app(
    send, alice, carol, olivia, department
):
    CadreFactory(
        department=department,
        user__username="carla",
        user__roles=[Role.CADRE, Role.DEPARTMENT_HEAD],
    )
    late = problem(alice, department, "transferred", datetime.date(2026, 11, 20))

    send()

    assert sent() == [
        (late.pk, Kind.OVERDUE, "carla"),
        (late.pk, Kind.OVERDUE, "carol"),
        (late.pk, Kind.OVERDUE, "olivia"),
    ]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "carol@example.org",
        "olivia@example.org",
    ]


def test_the_daily_timer_hands_the_reminders_to_the_tasks_worker(
    send, alice, carol, olivia, department
):
    """`--enqueue` (the timer of deploy/) queues one task; the worker (here: the tests' immediate
    backend) sends what the command itself would have sent, e-mail included."""
    overdue = problem(alice, department, Problem.Status.TRANSFERRED, datetime.date(2026, 11, 20))

    assert "queued" in send("--enqueue")

    assert sent(Kind.OVERDUE) == [
        (overdue.pk, Kind.OVERDUE, "carol"),
        (overdue.pk, Kind.OVERDUE, "olivia"),
    ]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "carol@example.org",
        "olivia@example.org",
    ]
