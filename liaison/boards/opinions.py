"""Workers' opinions left on a union's public page, and turning one into a problem on a record
sheet. (Kept out of liaison/services.py, which holds the 443 assignment services.)

The public form is open to anyone holding the board's link, so it is protected by Django's CSRF
check, a honeypot field (in the form), length limits (in the model and the form), and a limit
per sender address counted in the database — so it holds across every app process.
"""

import datetime
import ipaddress
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from liaison.boards import receipts
from liaison.models import Opinion
from records.models import Notification, Problem, VisitRecord
from records.notifications.services import notify, organization_users
from records.sheets.services import record_save
from unions.assignments.selectors import contact_users
from unions.models import GrassrootsUnion
from unions.permissions import may
from unions.roles import cadre_of

# A phone on IPv6 can change its address within its /64 at will: the /64 is one sender.
IPV6_SENDER_PREFIX = 64


class OpinionRateLimited(Exception):
    """The sender's address has left settings.OPINION_RATE_LIMIT opinions within the window."""


def address_hash(address: str) -> str:
    """A keyed hash of the sender's address (HMAC-SHA256 with the SECRET_KEY): the same address
    always gives the same hash on every process, and without the key the address cannot be
    recovered from it (a plain hash of an IPv4 address can be reversed by trying them all)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        sender = address
    else:
        if parsed.version == 6 and parsed.ipv4_mapped is not None:
            sender = str(parsed.ipv4_mapped)
        elif parsed.version == 6:
            sender = str(ipaddress.ip_network(f"{parsed}/{IPV6_SENDER_PREFIX}", strict=False))
        else:
            sender = str(parsed)
    return salted_hmac("liaison.opinion.address", sender, algorithm="sha256").hexdigest()


def rate_limited(address_hash: str) -> bool:
    """Whether the address has used up its opinions for now. One COUNT on an index."""
    since = timezone.now() - datetime.timedelta(seconds=settings.OPINION_RATE_WINDOW)
    recent = Opinion.objects.filter(address_hash=address_hash, created_at__gte=since)
    return recent.count() >= settings.OPINION_RATE_LIMIT


@transaction.atomic
def opinion_submit(
    *,
    union: GrassrootsUnion,
    text: str,
    category: str,
    address_hash: str,
    name: str = "",
    phone: str = "",
) -> tuple[Opinion, str]:
    """Store a worker's opinion for the union's contact cadres, with a new receipt. Returns the
    opinion and its receipt code (in clear only here: the worker is shown it once, the database
    keeps its hash). Raises OpinionRateLimited when the address is over its limit,
    ValidationError when a value breaks a limit."""
    if rate_limited(address_hash):
        raise OpinionRateLimited
    code = receipts.receipt_code()
    opinion = Opinion(
        union=union,
        text=text,
        category=category,
        name=name,
        phone=phone,
        address_hash=address_hash,
        receipt_hash=receipts.receipt_hash(code),
    )
    opinion.full_clean()
    opinion.save()
    # The union's contact cadres act on it; a union nobody contacts this year: the
    # organization department, so that it is never silently nobody's.
    recipients = contact_users(union.pk, timezone.localdate().year) or organization_users()
    notify(
        recipients,
        None,
        Notification.Kind.OPINION,
        _("A worker left an opinion for %(union)s: %(text)s")
        % {"union": union.name, "text": Truncator(opinion.text).chars(120)},
        url=f"{reverse('boards:opinion-list')}#opinion-{opinion.pk}",
    )
    return opinion, code


def get_opinion_for_user(user, pk: int) -> Opinion:
    """An opinion `user` may read (Opinion.objects.visible_to this year), or 404."""
    year = timezone.localdate().year
    return get_object_or_404(Opinion.objects.visible_to(user, year).select_related("union"), pk=pk)


@transaction.atomic
def opinion_take_up(*, opinion: Opinion, user) -> VisitRecord:
    """Turn the opinion into a problem on a new draft record sheet of the user's, with the
    union: the cadre completes the sheet (dates, form of contact, how the problem is handled)
    and files it. Only a current contact cadre of the union; once per opinion (the row is
    locked, so two clicks or two cadres at once make one sheet)."""
    opinion = Opinion.objects.select_for_update().select_related("union").get(pk=opinion.pk)
    if not may(user, "liaison.take_up_opinion", opinion):
        raise PermissionDenied
    cadre = cadre_of(user)
    if opinion.taken_up_at is not None or opinion.status == Opinion.Status.CLOSED:
        raise ValidationError(_("This opinion has already been taken up."))
    problem = Problem(description=opinion.text, category=opinion.category)
    record = record_save(
        record=VisitRecord(cadre=cadre, union=opinion.union),
        user=user,
        problems=[problem],
        file=False,
    )
    opinion.problem = problem
    opinion.taken_up_by = user
    opinion.taken_up_at = timezone.now()
    opinion_move(opinion, Opinion.Status.TAKEN_UP)
    opinion.full_clean()
    opinion._history_user = user
    opinion.save(update_fields=["problem", "status", "taken_up_by", "taken_up_at"])
    return record


# --- The status the worker reads, and the answer and rating --------------------------------

Status = Opinion.Status
# received → taken up → answered → closed; an opinion may be answered without being taken up
# (a question the cadre answers at once), answered again until the worker rates it, and taken
# up after its answer (the status stays "answered": the worker's page never goes backwards).
MOVES = {
    Status.NEW: {Status.TAKEN_UP, Status.ANSWERED},
    Status.TAKEN_UP: {Status.ANSWERED},
    Status.ANSWERED: {Status.TAKEN_UP, Status.ANSWERED, Status.CLOSED},
    Status.CLOSED: set(),
}
ORDER = list(Status)
# Seven digits or more, spaces and dashes between them allowed: a phone number.
PHONE_LIKE = re.compile(r"\d(?:[\s\-－]*\d){6,}")


def opinion_move(opinion: Opinion, to: str) -> None:
    """The one place an opinion's status changes (on the object; the caller saves). Refuses a
    move the flow does not have; never moves the status backwards."""
    if to not in MOVES[opinion.status]:
        raise ValidationError(
            _("This opinion is %(status)s: that step is no longer possible.")
            % {"status": opinion.get_status_display()}
        )
    if ORDER.index(to) > ORDER.index(opinion.status):
        opinion.status = to


def may_answer(user, opinion: Opinion) -> bool:
    return may(user, "liaison.answer_opinion", opinion)


@transaction.atomic
def opinion_answer(*, opinion: Opinion, user, answer: str) -> Opinion:
    """Write (or rewrite, until the worker rates it) the answer the worker reads with the
    receipt: a contact cadre of the union or the organization department, from the opinion
    list or from the problem the opinion became. Nobody is notified: the worker reads it with
    the receipt, and it carries no one's name. A phone number is refused: the page the answer
    is shown on is public to whoever holds the receipt."""
    opinion = Opinion.objects.select_for_update().select_related("union").get(pk=opinion.pk)
    if not may_answer(user, opinion):
        raise PermissionDenied
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the answer for the worker.")]})
    if PHONE_LIKE.search(answer):
        raise ValidationError(
            {
                "answer": [
                    _(
                        "The worker's page shows the answer: leave out phone numbers. Name a "
                        "service line such as 12351 instead, or call the worker if they left "
                        "a phone."
                    )
                ]
            }
        )
    opinion_move(opinion, Status.ANSWERED)
    opinion.answer = answer
    opinion.answered_at = timezone.now()
    opinion.answered_by = user
    opinion.full_clean()
    opinion._history_user = user
    opinion.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return opinion


@transaction.atomic
def opinion_rate(*, opinion: Opinion, rating: str) -> Opinion:
    """The worker rates the answer (满意 / 基本满意 / 不满意), once: the opinion is closed.
    The rating counts in the union's figures (liaison.compliance.assessment) beside the
    grassroots' satisfaction the cadre records for the problem."""
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if rating not in Problem.Satisfaction.values:
        raise ValidationError({"rating": [_("Choose how satisfied you are with the answer.")]})
    if opinion.status != Status.ANSWERED:
        raise ValidationError(_("There is no answer to rate yet, or it has been rated."))
    opinion_move(opinion, Status.CLOSED)
    opinion.rating = rating
    opinion.rated_at = timezone.now()
    opinion.full_clean()
    opinion.save(update_fields=["status", "rating", "rated_at"])
    return opinion
