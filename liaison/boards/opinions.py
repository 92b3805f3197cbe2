"""Workers' opinions left on a union's public page, and turning one into a problem on a record
sheet. (Kept out of liaison/services.py, which holds the 443 assignment services.)

The public form is open to anyone holding the board's link, so it is protected by Django's CSRF
check, a honeypot field (in the form), length limits (in the model and the form), and a limit
per sender address counted in the database — so it holds across every app process.
"""

import datetime
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _

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
) -> Opinion:
    """Store a worker's opinion for the union's contact cadres. Raises OpinionRateLimited when
    the address is over its limit, ValidationError when a value breaks a limit."""
    if rate_limited(address_hash):
        raise OpinionRateLimited
    opinion = Opinion(
        union=union,
        text=text,
        category=category,
        name=name,
        phone=phone,
        address_hash=address_hash,
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
    return opinion


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
    if opinion.status != Opinion.Status.NEW:
        raise ValidationError(_("This opinion has already been taken up."))
    problem = Problem(description=opinion.text, category=opinion.category)
    record = record_save(
        record=VisitRecord(cadre=cadre, union=opinion.union),
        user=user,
        problems=[problem],
        file=False,
    )
    opinion.problem = problem
    opinion.status = Opinion.Status.TAKEN_UP
    opinion.taken_up_by = user
    opinion.taken_up_at = timezone.now()
    opinion.full_clean()
    opinion._history_user = user
    opinion.save(update_fields=["problem", "status", "taken_up_by", "taken_up_at"])
    return record
