"""Writes on record sheets. Every rule of filing (备案) lives here; views, the admin and
commands all call these functions."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records.calendar import WorkingCalendar, days_in
from records.models import (
    CONTENT_AREA_FIELDS,
    INTEGRITY_FIELDS,
    Attachment,
    ContactForm,
    Notification,
    Problem,
    ProblemEvent,
    VisitRecord,
)
from records.notifications.services import notify, organization_users
from records.problems.services import problem_transfer
from records.versions import claim_version
from unions import cache as generations
from unions.assignments.selectors import assigned_union_ids
from unions.models import Cadre
from unions.permissions import may


class FilingRefused(ValidationError):
    """The sheet breaks a filing rule. `error_dict` holds the sheet's errors by field,
    `problem_errors` the errors of each problem row (by its position in the list given)."""

    def __init__(self, record_errors: dict, problem_errors: dict[int, dict]):
        super().__init__(record_errors or {"__all__": [_("Please correct the problems below.")]})
        self.problem_errors = problem_errors


@dataclass
class SpanDays:
    """How many days a span of dates can count, and which of its dates carry them."""

    dates: list[datetime.date]
    estimated_years: list[int] = field(default_factory=list)

    @property
    def available(self) -> int:
        return len(self.dates)


def span_days(start: datetime.date, end: datetime.date) -> SpanDays:
    if settings.RECORDS_COUNT_REST_DAYS:
        return SpanDays(list(days_in(start, end)))
    calendar = WorkingCalendar(start, end)
    return SpanDays(calendar.working_days(), calendar.estimated_years())


def _fmt(days) -> str:
    return f"{Decimal(days).normalize():f}"


def _days_errors(record: VisitRecord, start: datetime.date, end: datetime.date) -> list[str]:
    days = record.days
    span = span_days(start, end)
    if days == 0:
        # Without a form of contact yet, that field's own error says what is missing.
        if record.contact_form and record.contact_form != ContactForm.REMOTE and span.available:
            return [_("Only a phone or WeChat contact, or one on rest days, can count 0 days.")]
        return []
    if not span.available:
        return [
            _(
                "%(start)s to %(end)s has no working days: a contact on rest days is filed "
                "with 0 days."
            )
            % {"start": start, "end": end}
        ]
    if days > span.available:
        return [
            _("%(start)s to %(end)s has only %(n)s working days; %(days)s days cannot fit.")
            % {
                "start": start,
                "end": end,
                "n": span.available,
                "days": _fmt(days),
            }
        ]
    # A cadre's filed days on one date never add up to more than 1 across records. A record's
    # days are spread evenly over the days its span can count.
    load = {date: Fraction(days) / span.available for date in span.dates}
    others = (
        VisitRecord.objects.filed()
        .filter(cadre_id=record.cadre_id, start_date__lte=end)
        .filter(end_date__gte=start, days__gt=0)
        .exclude(pk=record.pk)
        .only("start_date", "end_date", "days")
    )
    for other in others:
        other_span = span_days(other.start_date, other.end_date)
        for date in set(other_span.dates) & set(load):
            load[date] += Fraction(other.days) / other_span.available
    over = sorted(date for date, total in load.items() if total > 1)
    if over:
        return [
            _("On %(date)s you have already filed other contacts; one day counts at most 1 day.")
            % {"date": over[0]}
        ]
    return []


def record_filing_errors(record: VisitRecord) -> dict[str, list[str]]:
    """Every rule a sheet must meet to be filed, by field. Empty when it may be filed.

    Each rule is checked whatever the others say, so one answer lists every error: a rule
    that depends on another field (the questions on the form of contact, the days on the
    dates) is checked as far as what is there allows."""
    errors: dict[str, list[str]] = {}

    def add(field_name, message):
        errors.setdefault(field_name, []).append(message)

    required = _("Required for filing.")
    if record.union_id is None:
        add("union", required)
    for name in ("start_date", "contact_form"):
        if not getattr(record, name):
            add(name, required)
    today = timezone.localdate()
    # A one-day contact gives its start date only.
    end = record.end_date or record.start_date
    if record.start_date and end:
        if end < record.start_date:
            add("end_date", _("The end date cannot be before the start date."))
        elif end > today:
            add("end_date", _("A contact in the future cannot be filed yet; save it as a draft."))
        elif record.days is not None:
            for message in _days_errors(record, record.start_date, end):
                add("days", message)
    if record.days is None:
        add("days", required)
    if not any(getattr(record, name) for name in CONTENT_AREA_FIELDS.values()):
        add("content_areas", _("Choose at least one content area."))
    # Only a phone or WeChat contact goes without questions prepared: until the form of
    # contact is chosen, they are asked for with the rest.
    if record.contact_form != ContactForm.REMOTE and not record.questions_prepared.strip():
        add(
            "questions_prepared",
            _("Prepare before you go: write the questions you took to the grassroots."),
        )
    for name in INTEGRITY_FIELDS:
        if getattr(record, name) is None:
            add(name, _("Please answer."))
    if record.has_integrity_exception and not record.integrity_explanation.strip():
        add("integrity_explanation", _("Explain every exception to the integrity rules."))
    return errors


def problem_filing_errors(problem: Problem) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if problem.resolution == Problem.Resolution.ON_SPOT and not problem.action_on_spot.strip():
        errors["action_on_spot"] = [_("Say what was done on the spot.")]
    if problem.resolution == Problem.Resolution.TRANSFER and problem.department_id is None:
        errors["department"] = [_("Choose the department the problem goes to.")]
    return errors


def _check_editable(record: VisitRecord, user) -> None:
    if record.cadre.user_id != user.pk:
        raise PermissionDenied
    if not record.is_editable:
        raise ValidationError(
            _(
                "A filed record sheet is read-only; it can be changed only "
                "after the Organization & Personnel Department returns it."
            )
        )


def editable_problems(record: VisitRecord):
    """The problems a sheet's form may still change: those not yet sent on. A transferred
    problem is handled on its own page, through the problem loop."""
    if record.pk is None:
        return Problem.objects.none()
    return record.problems.filter(
        Q(status=Problem.Status.RAISED) | Q(resolution=Problem.Resolution.ON_SPOT)
    )


@transaction.atomic
def record_save(
    *,
    record: VisitRecord,
    user,
    problems: list[Problem] = (),
    deleted_problems: list[Problem] = (),
    attachment_ids: list[int] = (),
    file: bool = False,
    version: int | None = None,
) -> VisitRecord:
    """Save a work record sheet as a draft or, with `file=True`, file it (备案).

    The cadre's row is locked first, so two sheets of the same cadre are filed one after the
    other and the 1-day-per-date rule holds under concurrency (PostgreSQL; SQLite serialises
    writers anyway). Problems are saved with the sheet; on filing each is closed when solved
    on the spot, or raised for transfer, and its timeline starts.

    `version` is the version of the sheet the user's page showed: when someone saved the sheet
    since, the save is refused (records.versions.EditConflict) and nothing is written. All of
    it is one transaction: an error on any problem leaves the sheet as it was.
    """
    cadre = Cadre.objects.select_for_update().get(pk=record.cadre_id)
    if record.pk:
        stored = VisitRecord.objects.select_for_update().get(pk=record.pk)
        stored.cadre = cadre
        _check_editable(stored, user)
        claim_version(stored, version)
        record.version = stored.version
    elif cadre.user_id != user.pk:
        raise PermissionDenied

    if record.start_date and not record.end_date:
        record.end_date = record.start_date  # a one-day contact gives its start date only
    year = (record.start_date or timezone.localdate()).year
    record.outside_assignment = (
        record.union_id is not None and record.union_id not in assigned_union_ids(cadre, year)
    )
    if file:
        record_errors = record_filing_errors(record)
        problem_errors = {
            index: errors
            for index, problem in enumerate(problems)
            if (errors := problem_filing_errors(problem))
        }
        if record_errors or problem_errors:
            raise FilingRefused(record_errors, problem_errors)
        record.status = VisitRecord.Status.FILED
        record.filed_at = timezone.now()
    record.full_clean()
    record._history_user = user
    record.save()

    for problem in deleted_problems:
        if problem.pk and problem.record_id == record.pk:
            problem._history_user = user
            problem.delete()
    for problem in problems:
        if problem.pk:
            claim_version(problem)
        problem.record = record
        solved = problem.resolution == Problem.Resolution.ON_SPOT
        if solved and (file or problem.status == Problem.Status.CLOSED):
            # Solved on the spot stays solved when a returned sheet is saved as a draft.
            problem.status = Problem.Status.CLOSED
        else:
            problem.status = Problem.Status.RAISED
        if problem.resolution == Problem.Resolution.ON_SPOT:
            problem.department = problem.leader = None
        problem.full_clean()
        problem._history_user = user
        problem.save()
        if file and not problem.events.exists():
            ProblemEvent.objects.create(
                problem=problem,
                actor=user,
                action="solve_on_spot" if problem.status == Problem.Status.CLOSED else "raise",
                from_status="",
                to_status=problem.status,
                note=problem.action_on_spot,
            )
        if file and problem.resolution == Problem.Resolution.TRANSFER:
            # Filing sends it on: to the department (and leader) chosen on the sheet.
            problem_transfer(problem=problem, user=user)
    if file and record.has_integrity_exception:
        # 八项规定: an exception is the organization department's to look at, not only a
        # figure on the dashboard.
        notify(
            organization_users(),
            None,
            Notification.Kind.INTEGRITY,
            _(
                "%(cadre)s filed a record sheet of %(union)s (%(date)s) with an exception to the "
                "integrity rules: %(explanation)s"
            )
            % {
                "cadre": cadre.name,
                "union": record.union,
                "date": record.start_date,
                "explanation": record.integrity_explanation.strip(),
            },
            url=reverse("records:record-detail", args=[record.pk]),
        )
    if attachment_ids:
        Attachment.objects.filter(
            pk__in=attachment_ids, record__isnull=True, uploaded_by=user
        ).update(record=record)
    generations.cadres_changed(cadre)
    return record


@transaction.atomic
def record_return(*, record: VisitRecord, user, reason: str) -> VisitRecord:
    """The organization department returns a filed sheet to its cadre for revision."""
    if not may(user, "records.return_visitrecord", record):
        raise PermissionDenied
    record = VisitRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != VisitRecord.Status.FILED:
        raise ValidationError(_("Only a filed record sheet can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the sheet is returned.")]})
    record.status = VisitRecord.Status.RETURNED
    record.return_reason = reason.strip()
    # A page still showing the filed sheet must not save over the return.
    record.version += 1
    record._history_user = user
    record.save(update_fields=["status", "return_reason", "version", "updated_at"])
    generations.cadres_changed(record.cadre)
    notify(
        [record.cadre.user],
        None,
        Notification.Kind.RETURNED,
        _("Your record sheet of %(union)s (%(date)s) was returned for revision: %(reason)s")
        % {"union": record.union, "date": record.start_date, "reason": record.return_reason},
        url=reverse("records:record-edit", args=[record.pk]),
    )
    return record


def zero_days_reason(record: VisitRecord) -> str:
    """Why a filed sheet counts 0 days, for the sheet to say so; '' when it counts days."""
    if record.days is None or record.days or not (record.start_date and record.end_date):
        return ""
    if record.contact_form == ContactForm.REMOTE:
        return _("A phone or WeChat contact: 0 working days counted.")
    if not span_days(record.start_date, record.end_date).available:
        return _("A contact on rest days: 0 working days counted.")
    return ""


STORED_SUFFIX = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


def attachments_store_pending(*, checked_files, user) -> list[Attachment]:
    """Store each checked upload (file, content type read from its bytes) as a pending
    attachment of `user`: it joins a sheet when that sheet is saved."""
    stored = []
    for upload, content_type in checked_files:
        attachment = Attachment(
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        # The name on disk is random (records.models.attachment_path); its suffix comes from
        # the content, never from the uploader's name (a PNG called "x.html" is stored .png).
        attachment.file.save(f"upload{STORED_SUFFIX.get(content_type, '')}", upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
