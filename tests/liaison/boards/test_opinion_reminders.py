"""`send_reminders` also reminds of workers' opinions nobody has answered for more than
OPINION_ANSWER_DAYS (5) working days: to the union's contact cadres, once a day each.

Today is Tuesday 2026-11-24. The 5th working day before today is Tuesday 11-17: an opinion left
on Monday 11-16 has waited 6 working days (11-17 … 11-24), one left on 11-17 has waited 5.
"""

import datetime

import pytest
import time_machine

from liaison.boards import opinions
from liaison.boards.reminders import opinions_waiting, waiting_since
from liaison.models import Opinion, OpinionReminderLog
from records.models import Notification
from tests.factories import (
    CalendarDayFactory,
    GrassrootsUnionFactory,
    OpinionFactory,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(hospital, contact):
    """The hospital, which alice contacts."""
    return hospital


def left_on(union, day, **fields):
    return OpinionFactory(union=union, created_at=at(day, 9), **fields)


@pytest.fixture
def send(send_reminders):
    return send_reminders


def reminded():
    return sorted(
        (n.recipient.username, n.url)
        for n in Notification.objects.filter(kind=Notification.Kind.OPINION)
    )


def test_the_fifth_working_day_before_today_is_the_line():
    assert waiting_since(datetime.date(2026, 11, 24), 5) == datetime.date(2026, 11, 17)
    # Over a weekend: Monday 11-30 looks back to Monday 11-23.
    assert waiting_since(datetime.date(2026, 11, 30), 5) == datetime.date(2026, 11, 23)


def test_a_holiday_is_not_a_working_day_of_waiting():
    CalendarDayFactory(date=datetime.date(2026, 11, 20), is_working_day=False)

    assert waiting_since(datetime.date(2026, 11, 24), 5) == datetime.date(2026, 11, 16)


def test_the_stale_unanswered_opinion_is_reminded_to_the_contact_cadre(
    send, alice, hospital, olivia
):
    stale = left_on(hospital, datetime.date(2026, 11, 16))
    left_on(hospital, datetime.date(2026, 11, 17))  # 5 working days: not yet

    output = send()

    assert reminded() == [("alice", f"/opinions/#opinion-{stale.pk}")]
    notice = Notification.objects.get()
    assert "北京市西城区某某医院工会" in notice.message and "5" in notice.message
    assert f"opinion\topinion#{stale.pk}\talice\t" in output


def test_a_taken_up_opinion_still_waits_for_its_answer(send, alice, hospital):
    stale = left_on(hospital, datetime.date(2026, 11, 10))
    opinions.opinion_take_up(opinion=stale, user=alice.user)

    assert list(opinions_waiting(datetime.date(2026, 11, 24))) == [stale]


def test_answered_and_closed_opinions_are_not_reminded(send, alice, hospital):
    answered = left_on(hospital, datetime.date(2026, 11, 2))
    opinions.opinion_answer(opinion=answered, user=alice.user, answer="已答复。")
    closed = left_on(hospital, datetime.date(2026, 11, 2))
    opinions.opinion_answer(opinion=closed, user=alice.user, answer="已答复。")
    opinions.opinion_rate(opinion=closed, rating="satisfied")

    assert "0 reminders sent." in send()
    assert reminded() == []


def test_a_union_nobody_contacts_reminds_the_organization_department(send, olivia):
    stale = left_on(GrassrootsUnionFactory(), datetime.date(2026, 11, 2))

    send()

    assert reminded() == [("olivia", f"/opinions/#opinion-{stale.pk}")]


def test_once_a_day_however_often_it_runs_and_again_the_next_day(send, alice, hospital):
    stale = left_on(hospital, datetime.date(2026, 11, 16))

    send()
    assert "0 reminders sent." in send()
    with time_machine.travel("2026-11-25 07:00 +0800"):
        send()

    assert Notification.objects.filter(kind=Notification.Kind.OPINION).count() == 2
    assert sorted(OpinionReminderLog.objects.values_list("opinion_id", "day")) == [
        (stale.pk, datetime.date(2026, 11, 24)),
        (stale.pk, datetime.date(2026, 11, 25)),
    ]


def test_a_dry_run_lists_it_and_sends_nothing(send, alice, hospital):
    stale = left_on(hospital, datetime.date(2026, 11, 16))

    output = send("--dry-run")

    assert f"opinion#{stale.pk}" in output and "1 reminders would send." in output
    assert reminded() == []
    assert not OpinionReminderLog.objects.exists()
    assert Opinion.objects.get().status == Opinion.Status.NEW
