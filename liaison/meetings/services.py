"""The quarterly work meeting (季度例会): its agenda is built from the data, and its decisions
go through the problem loop's services so each problem's timeline shows them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from liaison.compliance.pace import ZERO_DAYS, pace_on
from liaison.models import MeetingDecision, QuarterlyMeeting
from records.calendar import quarter_bounds
from records.models import Problem, ProblemEvent, VisitRecord
from records.problems import selectors as loop_selectors
from records.problems import services as loop
from records.topics.services import topic_of_the_quarter_create
from unions.models import Cadre, Department
from unions.permissions import may

S = Problem.Status
UNANSWERED = (S.RAISED, S.TRANSFERRED, S.ACCEPTED, S.ANSWERED)


def _require(user, perm: str) -> None:
    if not may(user, perm):
        raise PermissionDenied


def _check_date_in_quarter(*, year: int, quarter: int, date: datetime.date | None) -> None:
    """A meeting is held inside its quarter: its agenda reads the quarter's problems as of its
    date, so a date outside would show another quarter's state."""
    start, end = quarter_bounds(year, quarter)
    if date is not None and not start <= date <= end:
        raise ValidationError(
            {
                "date": [
                    _("The meeting of %(year)s Q%(quarter)s is held between %(start)s and %(end)s.")
                    % {
                        "year": year,
                        "quarter": quarter,
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                    }
                ]
            }
        )


@transaction.atomic
def meeting_create(*, year: int, quarter: int, date: datetime.date, user) -> QuarterlyMeeting:
    _require(user, "liaison.add_quarterlymeeting")
    if QuarterlyMeeting.objects.filter(year=year, quarter=quarter).exists():
        raise ValidationError({"quarter": [_("The meeting of this quarter already exists.")]})
    _check_date_in_quarter(year=year, quarter=quarter, date=date)
    meeting = QuarterlyMeeting(year=year, quarter=quarter, date=date, created_by=user)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_record(
    *,
    meeting: QuarterlyMeeting,
    user,
    date: datetime.date,
    attendees,
    other_attendees: str,
    minutes: str,
) -> QuarterlyMeeting:
    """Attendees and minutes, recorded at or after the meeting."""
    _require(user, "liaison.change_quarterlymeeting")
    _check_date_in_quarter(year=meeting.year, quarter=meeting.quarter, date=date)
    meeting.date, meeting.other_attendees, meeting.minutes = date, other_attendees, minutes
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


def _problems():
    return Problem.objects.filter(resolution=Problem.Resolution.TRANSFER).select_related(
        "record__cadre__department", "record__union", "department", "leader"
    )


def meeting_agenda(meeting: QuarterlyMeeting) -> dict:
    """What the meeting takes up: problems still open at its date (overdue first), problems
    raised in its quarter, demands that came back unsatisfied, and cadres behind the pace.
    A few queries whatever the numbers."""
    start, end = quarter_bounds(meeting.year, meeting.quarter)
    reopened = ProblemEvent.objects.filter(
        problem=OuterRef("pk"), action="reopen", at__date__range=(start, end)
    )
    open_problems = (
        loop_selectors.with_overdue(_problems(), meeting.date)
        .filter(status__in=UNANSWERED, created_at__date__lte=meeting.date)
        .order_by("-is_overdue", "deadline", "pk")
    )
    raised = (
        loop_selectors.with_overdue(_problems(), meeting.date)
        .filter(record__start_date__range=(start, end))
        .order_by("record__start_date", "pk")
    )
    unsatisfied = (
        loop_selectors.with_overdue(_problems(), meeting.date)
        .filter(Exists(reopened))
        .order_by("deadline", "pk")
    )
    pace = pace_on(meeting.date)
    days_filed = Coalesce(
        Subquery(
            VisitRecord.objects.filed()
            .filter(
                cadre=OuterRef("pk"),
                start_date__year=meeting.date.year,
                start_date__lte=meeting.date,
            )
            .order_by()
            .values("cadre")
            .annotate(total=Sum("days"))
            .values("total"),
            output_field=DecimalField(max_digits=6, decimal_places=1),
        ),
        ZERO_DAYS,
    )
    behind = (
        Cadre.objects.active()
        .select_related("department")
        .annotate(days_filed=days_filed)
        .filter(days_filed__lt=pace.days)
        .order_by("days_filed", "department__order", "name")
    )
    decisions = {
        decision.problem_id: decision
        for decision in meeting.decisions.select_related("department", "decided_by")
    }
    return {
        "open": list(open_problems),
        "raised": list(raised),
        "unsatisfied": list(unsatisfied),
        "behind": list(behind),
        "pace": pace,
        "decisions": decisions,
    }


@transaction.atomic
def meeting_decide(
    *,
    meeting: QuarterlyMeeting,
    problem: Problem,
    kind: str,
    user,
    department: Department | None = None,
    deadline: datetime.date | None = None,
    note: str = "",
) -> MeetingDecision:
    """Carry out one decision of the meeting on a problem, through the problem loop, and keep
    it with the meeting. The problem's timeline says which meeting decided it."""
    _require(user, "liaison.change_quarterlymeeting")
    Kind = MeetingDecision.Kind
    if kind == Kind.CLOSE and not note.strip():
        raise ValidationError({"note": [_("Say why the meeting closes the problem.")]})
    said = _("Decided at the %(meeting)s") % {"meeting": meeting}
    note = f"{said}：{note.strip()}" if note.strip() else said
    if kind == Kind.REASSIGN:
        if department is None:
            raise ValidationError({"department": [_("Choose the department.")]})
        loop.problem_retransfer(problem=problem, user=user, department=department, note=note)
    elif kind == Kind.NEW_DEADLINE:
        loop.problem_set_deadline(problem=problem, user=user, deadline=deadline, note=note)
    elif kind == Kind.CLOSE:
        loop.problem_close(problem=problem, user=user, reason=note)
    elif kind == Kind.URGE:
        loop.problem_urge(problem=problem, user=user, note=note)
    else:
        raise ValidationError({"kind": [_("Choose a decision.")]})
    return MeetingDecision.objects.create(
        meeting=meeting,
        problem=problem,
        kind=kind,
        department=department,
        deadline=deadline,
        note=note,
        decided_by=user,
    )


@transaction.atomic
def meeting_pick_topic(
    *,
    meeting: QuarterlyMeeting,
    user,
    title: str,
    question: str,
    category: str,
    lead_department: Department,
    deadline: datetime.date,
):
    """本季一题: the meeting picks a hot issue (a category of problems) as the quarter's topic,
    with a lead department and a deadline. It becomes a research topic that follows the
    quarter's open problems of the category as one; the next meetings show its progress."""
    _require(user, "liaison.pick_quarter_topic")
    meeting = QuarterlyMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.topic_id is not None:
        raise ValidationError(_("This meeting has already picked the topic of the quarter."))
    if deadline < meeting.date:
        raise ValidationError({"deadline": [_("The deadline cannot be before the meeting.")]})
    topic = topic_of_the_quarter_create(
        user=user,
        year=meeting.year,
        quarter=meeting.quarter,
        title=title,
        question=question,
        category=category,
        lead_department=lead_department,
        deadline=deadline,
        starts_on=meeting.date,
    )
    meeting.topic = topic
    meeting.save(update_fields=["topic"])
    return topic


def visible_meetings(user):
    """The organization department runs the meetings; department heads read them."""
    if may(user, "liaison.list_quarterlymeeting"):
        return QuarterlyMeeting.objects.all()
    return QuarterlyMeeting.objects.none()
