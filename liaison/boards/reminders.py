"""Workers' opinions nobody has answered: after settings.OPINION_ANSWER_DAYS working days they
are in the daily reminders of the union's contact cadres (the organization department's when
nobody contacts the union), once a day each. Registered with records' `send_reminders`."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from liaison.models import Opinion, OpinionReminderLog
from records.calendar import WorkingCalendar, days_in
from records.models import Notification
from records.notifications.services import notify, organization_users
from records.problems.reminders import reminder_source
from unions.assignments.selectors import contact_users


def waiting_since(today: datetime.date, days: int) -> datetime.date:
    """An opinion left before this date has waited more than `days` working days today: the
    `days`-th working day before today (working days counted after the day it was left)."""
    start = today - datetime.timedelta(days=days * 3 + 30)
    calendar = WorkingCalendar(start, today)
    before = days_in(start, today - datetime.timedelta(days=1))
    working = [d for d in reversed(list(before)) if calendar.is_working_day(d)]
    return working[days - 1]


def opinions_waiting(today: datetime.date):
    """The opinions waiting for an answer longer than settings.OPINION_ANSWER_DAYS."""
    since = waiting_since(today, settings.OPINION_ANSWER_DAYS)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    return (
        Opinion.objects.unanswered()
        .filter(created_at__lt=start)
        .select_related("union")
        .order_by("created_at", "pk")
    )


@reminder_source
def opinion_reminders(*, today: datetime.date, dry_run: bool = False) -> list[tuple]:
    """Remind of each waiting opinion, once a day: its OpinionReminderLog row of the day is
    claimed first, in the transaction of the notifications."""
    sent, recipients = [], {}
    done = set(OpinionReminderLog.objects.filter(day=today).values_list("opinion_id", flat=True))
    for opinion in opinions_waiting(today):
        if opinion.pk in done:
            continue
        union = opinion.union
        if union.pk not in recipients:
            recipients[union.pk] = contact_users(union.pk, today.year) or organization_users()
        users = recipients[union.pk]
        message = _(
            "A worker's opinion for %(union)s has waited more than %(days)s working days for an "
            "answer: %(text)s"
        ) % {
            "union": union.name,
            "days": settings.OPINION_ANSWER_DAYS,
            "text": Truncator(opinion.text).chars(60),
        }
        if not dry_run:
            with transaction.atomic():
                _log, claimed = OpinionReminderLog.objects.get_or_create(opinion=opinion, day=today)
                if not claimed:
                    continue
                notify(
                    users,
                    None,
                    Notification.Kind.OPINION,
                    message,
                    url=f"{reverse('boards:opinion-list')}#opinion-{opinion.pk}",
                )
        sent.append((opinion, Notification.Kind.OPINION, users, message))
    return sent
