"""Freezing a quarter: its rows and street coverage stored as they stand (`QuarterSnapshot`)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.compliance.selectors import live_compliance, live_street_coverage
from liaison.models import QuarterSnapshot
from records.calendar import quarter_bounds
from unions.permissions import may


@transaction.atomic
def quarter_freeze(*, year: int, quarter: int, user) -> QuarterSnapshot:
    """Store the quarter's figures as they are now, with who froze it and when. The
    organization department only, once the quarter has ended, once per quarter."""
    if not may(user, "liaison.freeze_quarter"):
        raise PermissionDenied
    today = timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": [_("Choose a quarter from 1 to 4.")]})
    end = quarter_bounds(year, quarter)[1]
    if end >= today:
        raise ValidationError(
            _("%(year)s Q%(quarter)s can be frozen once it has ended (after %(end)s).")
            % {"year": year, "quarter": quarter, "end": end.isoformat()},
            code="not_ended",
        )
    already = _("%(year)s Q%(quarter)s is already frozen.") % {"year": year, "quarter": quarter}
    if QuarterSnapshot.objects.filter(year=year, quarter=quarter).exists():
        raise ValidationError(already, code="frozen")
    snapshot = QuarterSnapshot(
        year=year,
        quarter=quarter,
        as_of=end,
        timely_days=settings.COMPLIANCE_TIMELY_DAYS,
        frozen_by=user,
    )
    # The year's range and the rest, before any figure is computed (the figures come next).
    snapshot.full_clean(exclude=["rows", "streets"])
    snapshot.rows = [
        row.to_json() for row in live_compliance(year=year, quarter=quarter, today=today)
    ]
    snapshot.streets = [
        street.to_json() for street in live_street_coverage(year=year, quarter=quarter, today=today)
    ]
    try:
        # Two people freezing at once: the unique constraint lets one through.
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        raise ValidationError(already, code="frozen") from None
    return snapshot


# --- Who sees what -------------------------------------------------------------------------
