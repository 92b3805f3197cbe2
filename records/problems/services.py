"""The problem loop: raised → transferred (派遣) → accepted (受理) → answered (办结) → fed back
to the grassroots (反馈) → closed, modelled on how the 12345 hotline handles an order.

Every transition is one function here. Each locks the problem's row, checks that the step is
allowed from the status it finds and that the user may take it, writes a `ProblemEvent`, and
notifies whoever must act next. Two people acting on the same problem at once: the second
finds the status changed and is refused. A page also sends the `version` of the problem it
showed: a step taken from a page that is out of date (someone changed the deadline, urged,
answered…) is refused with EditConflict, never applied over the other person's change.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from records.calendar import add_working_days, is_working_day
from records.models import Notification, Problem, ProblemEvent
from records.notifications.services import (
    answerers_of,
    notices,
    notify,
    notify_all,
    organization_users,
    problem_url,
)
from records.versions import claim_version, conflict
from unions import cache as generations
from unions.models import Cadre, Department
from unions.permissions import may

Status = Problem.Status


WITH_A_DEPARTMENT = (Status.TRANSFERRED, Status.ACCEPTED)
OPEN = (Status.RAISED, Status.TRANSFERRED, Status.ACCEPTED, Status.ANSWERED, Status.FED_BACK)


class NotAllowed(ValidationError):
    """The step is not allowed: wrong status (perhaps someone else just acted), or a user who
    may not take it. The message says which, in Chinese."""


# --- Reads ---------------------------------------------------------------------------------


# Who may take each step is the permission `records.<step>_problem` (records/permissions.py),
# the one rule the services, the views and the templates share.
def may_take(problem: Problem, action: str, user) -> bool:
    return may(user, f"records.{action}_problem", problem)


FROM = {
    "transfer": (Status.RAISED,),
    "accept": (Status.TRANSFERRED,),
    "answer": (Status.TRANSFERRED, Status.ACCEPTED),
    "hand_back": (Status.TRANSFERRED, Status.ACCEPTED),
    "feedback": (Status.ANSWERED,),
    "urge": WITH_A_DEPARTMENT,
    "retransfer": (Status.RAISED, Status.TRANSFERRED, Status.ACCEPTED),
    "set_deadline": WITH_A_DEPARTMENT,
    "close": OPEN,
}


def allowed_actions(problem: Problem, user) -> list[str]:
    """The steps `user` may take on `problem` now (for the page's buttons)."""
    if problem.resolution != Problem.Resolution.TRANSFER:
        return []
    return [
        action
        for action, statuses in FROM.items()
        if problem.status in statuses and may_take(problem, action, user)
    ]


def _begin(problem_id: int, action: str, user, version: int | None = None) -> Problem:
    """Lock the row, and check the step against what is stored now (not what the page saw):
    the status, the user, and the version the page showed (when it says)."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("record__cadre__user", "department", "leader")
        .get(pk=problem_id)
    )
    check_allowed(problem, action, user)
    if version is not None and problem.version != version:
        raise conflict(problem)
    return problem


def check_allowed(problem: Problem, action: str, user) -> None:
    """Raise NotAllowed, saying why, unless `user` may take `action` on `problem` as given.
    The services check again on the locked row; a page checks first so that a refused step
    is reported as refused, whatever its form holds."""
    if problem.resolution != Problem.Resolution.TRANSFER:
        raise NotAllowed(_("This problem was solved on the spot; it has no transfer to handle."))
    if not may_take(problem, action, user):
        raise NotAllowed(_("You may not take this step on this problem."))
    if problem.status not in FROM[action]:
        raise NotAllowed(
            _(
                "This problem is now “%(status)s”: the step cannot be taken (someone may have "
                "just acted on it; reload the page)."
            )
            % {"status": problem.get_status_display()}
        )


class Writes:
    """The writes of many steps taken at once (the ledger's bulk actions), written together by
    `flush`: each problem's row and history, its timeline entry and its notifications, a few
    statements for all of them instead of a dozen for each. What each step writes is decided
    by the step's own function, exactly as when it is taken alone; only the writing waits."""

    # Every field a bulk step may change besides the version (urge: none; a deadline; a move).
    FIELDS = (
        "status",
        "department_id",
        "leader_id",
        "deadline",
        "answer",
        "answered_at",
        "answered_by_id",
        "updated_at",
    )
    # Relations a bulk step does not change, or sets from a row just read: their existence is
    # not looked up again for each problem by full_clean.
    KNOWN = ("record", "department", "leader", "answered_by", "feedback_by")

    def __init__(self, user):
        self.user = user
        self.now = timezone.now()
        self.problems: list[Problem] = []
        self.events: list[ProblemEvent] = []
        self.notifications: list[Notification] = []
        self._answerers: dict[tuple, list] = {}

    def answerers_of(self, problem: Problem) -> list:
        """As `answerers_of`, asked once per department and leader."""
        key = (problem.department_id, problem.leader_id)
        if key not in self._answerers:
            self._answerers[key] = answerers_of(problem)
        return self._answerers[key]

    @functools.cache  # noqa: B019 — one Writes lives for one step
    def organization_users(self) -> list:
        return organization_users()

    @functools.cache  # noqa: B019
    def deadline_for(self, urgent: bool) -> datetime.date:
        """As `deadline_for`, counted once per kind of deadline (it reads the calendar)."""
        return deadline_for(Problem(urgent=urgent))

    def notify(self, users, problem, kind, message, url="") -> None:
        self.notifications += notices(users, problem, kind, message, url)

    def finish(self, problem: Problem, action: str, from_status: str, note: str) -> None:
        # The rows were locked in this transaction: their version cannot move before the flush.
        # The one check constraint (a problem with a department names it) is the database's too.
        problem.full_clean(exclude=self.KNOWN, validate_unique=False, validate_constraints=False)
        problem.version += 1
        problem.updated_at = self.now
        self.problems.append(problem)
        self.events.append(
            ProblemEvent(
                problem=problem,
                actor=self.user,
                action=action,
                from_status=from_status,
                to_status=problem.status,
                note=note,
            )
        )

    def flush(self) -> None:
        # The problems of one step mostly end alike (the same deadline, the same department):
        # one UPDATE per set of values, not a CASE per row and field (bulk_update built 4,500
        # expressions for 500 problems and took seconds of Python).
        groups = defaultdict(list)
        for problem in self.problems:
            groups[tuple(getattr(problem, name) for name in self.FIELDS)].append(problem.pk)
        for values, ids in groups.items():
            Problem.objects.filter(pk__in=ids).update(
                version=F("version") + 1, **dict(zip(self.FIELDS, values, strict=True))
            )
        Problem.history.bulk_history_create(
            self.problems, update=True, default_user=self.user, batch_size=500
        )
        ProblemEvent.objects.bulk_create(self.events, batch_size=500)
        notify_all(self.notifications)
        generations.cadres_changed(
            *{p.record.cadre_id: p.record.cadre for p in self.problems}.values()
        )
        generations.departments_changed(*{p.department_id for p in self.problems})


def _answerers(problem: Problem, writes: Writes | None) -> list:
    return writes.answerers_of(problem) if writes else answerers_of(problem)


def _notify(writes: Writes | None, users, problem, kind, message, url="") -> None:
    if writes is None:
        notify(users, problem, kind, message, url)
    else:
        writes.notify(users, problem, kind, message, url)


def _finish(
    problem: Problem,
    user,
    action: str,
    from_status: str,
    note: str = "",
    writes: Writes | None = None,
) -> Problem:
    if writes is not None:
        writes.finish(problem, action, from_status, note)
        return problem
    problem.full_clean()
    claim_version(problem)
    problem._history_user = user
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        actor=user,
        action=action,
        from_status=from_status,
        to_status=problem.status,
        note=note,
    )
    # The raiser's home (their worklist) and the department's that answers it.
    generations.cadres_changed(problem.record.cadre)
    generations.departments_changed(problem.department_id)
    return problem


def deadline_for(problem: Problem, start: datetime.date | None = None) -> datetime.date:
    days = (
        settings.PROBLEM_URGENT_DEADLINE_DAYS if problem.urgent else settings.PROBLEM_DEADLINE_DAYS
    )
    return add_working_days(start or timezone.localdate(), days)


# --- Transitions ---------------------------------------------------------------------------


@transaction.atomic
def problem_transfer(
    *,
    problem: Problem,
    user,
    department: Department | None = None,
    leader: Cadre | None = None,
    urgent: bool | None = None,
    note: str = "",
    version: int | None = None,
) -> Problem:
    """派遣: send a raised problem to a department (and optionally a leader) with a deadline
    in working days."""
    problem = _begin(problem.pk, "transfer", user, version)
    return _send(problem, user, "transfer", department, leader, urgent, note)


@transaction.atomic
def problem_retransfer(
    *,
    problem: Problem,
    user,
    department: Department,
    leader: Cadre | None = None,
    note: str = "",
    version: int | None = None,
) -> Problem:
    """转交: the organization department sends a problem on to another department. The new
    department gets the usual deadline from today, unless the problem already had a later one:
    an extension granted (set_deadline, a meeting's decision) is not lost by moving it."""
    if department is None:
        raise ValidationError({"department": [_("Choose the department the problem goes to.")]})
    problem = _begin(problem.pk, "retransfer", user, version)
    return _retransfer(problem, user, department, leader, note)


def _retransfer(problem, user, department, leader, note, writes=None) -> Problem:
    if problem.status in WITH_A_DEPARTMENT and problem.department_id == department.pk:
        raise ValidationError(
            {
                "department": [
                    _("The problem is already with %(department)s; choose another department.")
                    % {"department": department}
                ]
            }
        )
    return _send(
        problem, user, "retransfer", department, leader, None, note, problem.deadline, writes
    )


def _send(problem, user, action, department, leader, urgent, note, keep_deadline=None, writes=None):
    from_status = problem.status
    problem.department = department or problem.department
    problem.leader = leader if department else (leader or problem.leader)
    if problem.department is None:
        raise ValidationError({"department": [_("Choose the department the problem goes to.")]})
    if urgent is not None:
        problem.urgent = urgent
    problem.status = Status.TRANSFERRED
    new = writes.deadline_for(problem.urgent) if writes else deadline_for(problem)
    problem.deadline = max(filter(None, (new, keep_deadline)))
    problem.answer, problem.answered_at, problem.answered_by = "", None, None
    _finish(problem, user, action, from_status, note, writes)
    answerers = _answerers(problem, writes)
    if answerers:
        _notify(
            writes,
            answerers,
            problem,
            Notification.Kind.TRANSFERRED,
            _("A problem from %(union)s was transferred to you; answer by %(deadline)s.")
            % {"union": problem.record.union, "deadline": problem.deadline},
        )
    else:
        # A department with no head yet (just created): never silently nobody's problem.
        _notify(
            writes,
            writes.organization_users() if writes else organization_users(),
            problem,
            Notification.Kind.TRANSFERRED,
            _(
                "A problem from %(union)s was transferred to %(department)s, which has no head "
                "yet: give the department a head or transfer the problem elsewhere (answer by "
                "%(deadline)s)."
            )
            % {
                "union": problem.record.union,
                "department": problem.department,
                "deadline": problem.deadline,
            },
        )
    return problem


@transaction.atomic
def problem_accept(
    *, problem: Problem, user, note: str = "", version: int | None = None
) -> Problem:
    """受理: the department takes the problem on."""
    problem = _begin(problem.pk, "accept", user, version)
    from_status = problem.status
    problem.status = Status.ACCEPTED
    return _finish(problem, user, "accept", from_status, note)


@transaction.atomic
def problem_answer(*, problem: Problem, user, answer: str, version: int | None = None) -> Problem:
    """办结: the department answers; the cadre who raised it is told to give feedback."""
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    problem = _begin(problem.pk, "answer", user, version)
    from_status = problem.status
    problem.status = Status.ANSWERED
    problem.answer = answer.strip()
    problem.answered_at = timezone.now()
    problem.answered_by = user
    _finish(problem, user, "answer", from_status, problem.answer)
    notify(
        [problem.record.cadre.user],
        problem,
        Notification.Kind.ANSWERED,
        _(
            "%(department)s answered the problem from %(union)s: please give feedback to the "
            "grassroots."
        )
        % {"department": problem.department, "union": problem.record.union},
        url=problem_url(problem, "feedback"),
    )
    return problem


@transaction.atomic
def problem_hand_back(
    *, problem: Problem, user, reason: str, version: int | None = None
) -> Problem:
    """The department hands the problem back (not ours to answer), with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the problem is handed back.")]})
    problem = _begin(problem.pk, "hand_back", user, version)
    from_status = problem.status
    department = problem.department
    problem.status = Status.RAISED
    problem.deadline = None
    _finish(problem, user, "hand_back", from_status, reason.strip())
    notify(
        [problem.record.cadre.user, *organization_users()],
        problem,
        Notification.Kind.HANDED_BACK,
        _("%(department)s handed back the problem from %(union)s: %(reason)s")
        % {"department": department, "union": problem.record.union, "reason": reason.strip()},
    )
    return problem


@transaction.atomic
def problem_feedback(
    *,
    problem: Problem,
    user,
    on: datetime.date,
    method: str,
    satisfaction: str,
    note: str = "",
    version: int | None = None,
) -> Problem:
    """反馈: the cadre who raised it tells the grassroots the outcome. Unsatisfied reopens the
    problem with the same department and a new deadline."""
    errors = {}
    if on is None or on > timezone.localdate():
        errors["feedback_on"] = [_("Give the date the feedback was given (not in the future).")]
    if method not in Problem.FeedbackMethod.values:
        errors["feedback_method"] = [_("Choose how the feedback was given.")]
    if satisfaction not in Problem.Satisfaction.values:
        errors["satisfaction"] = [_("Choose how satisfied the grassroots are.")]
    if errors:
        raise ValidationError(errors)
    problem = _begin(problem.pk, "feedback", user, version)
    # The answer's date as read on the locked row, in Beijing time.
    answered_on = problem.answered_at and timezone.localdate(problem.answered_at)
    if answered_on and on < answered_on:
        raise ValidationError(
            {
                "feedback_on": [
                    _("The feedback cannot be dated before the answer (%(date)s).")
                    % {"date": answered_on.isoformat()}
                ]
            }
        )
    from_status = problem.status
    problem.feedback_on, problem.feedback_method = on, method
    problem.satisfaction = satisfaction
    problem.feedback_by = problem.record.cadre
    problem.status = Status.FED_BACK
    _finish(problem, user, "feedback", from_status, note)
    if satisfaction == Problem.Satisfaction.UNSATISFIED:
        # The department answers again; the first answer stays in the timeline.
        problem.status = Status.TRANSFERRED
        problem.deadline = deadline_for(problem)
        problem.answer, problem.answered_at, problem.answered_by = "", None, None
        _finish(problem, user, "reopen", Status.FED_BACK, note)
        notify(
            [*answerers_of(problem), *organization_users()],
            problem,
            Notification.Kind.REOPENED,
            _(
                "The grassroots of %(union)s are unsatisfied with the answer; the problem is "
                "reopened, answer by %(deadline)s."
            )
            % {"union": problem.record.union, "deadline": problem.deadline},
        )
    return problem


@transaction.atomic
def problem_urge(*, problem: Problem, user, note: str = "", version: int | None = None) -> Problem:
    """催办: the organization department presses the department for an answer."""
    problem = _begin(problem.pk, "urge", user, version)
    return _urge(problem, user, note)


def _urge(problem, user, note, writes=None) -> Problem:
    _finish(problem, user, "urge", problem.status, note, writes)
    _notify(
        writes,
        _answerers(problem, writes),
        problem,
        Notification.Kind.URGED,
        _(
            "The Organization & Personnel Department urges an answer to the problem from "
            "%(union)s (deadline %(deadline)s)."
        )
        % {"union": problem.record.union, "deadline": problem.deadline},
    )
    return problem


@transaction.atomic
def problem_set_deadline(
    *,
    problem: Problem,
    user,
    deadline: datetime.date | None,
    note: str = "",
    version: int | None = None,
) -> Problem:
    """A new deadline, decided by the organization department (e.g. at the quarterly meeting)."""
    check_deadline(deadline)
    problem = _begin(problem.pk, "set_deadline", user, version)
    return _set_deadline(problem, user, deadline, note)


def check_deadline(deadline: datetime.date | None) -> None:
    if deadline is None:
        raise ValidationError({"deadline": [_("Give the new deadline.")]})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("The new deadline cannot be in the past.")]})
    if not is_working_day(deadline):
        raise ValidationError(
            {
                "deadline": [
                    _("%(date)s is not a working day; a deadline falls on a working day.")
                    % {"date": deadline.isoformat()}
                ]
            }
        )


def _set_deadline(problem, user, deadline, note, writes=None) -> Problem:
    problem.deadline = deadline
    return _finish(problem, user, "set_deadline", problem.status, note, writes)


@transaction.atomic
def problem_close(
    *, problem: Problem, user, reason: str = "", version: int | None = None
) -> Problem:
    """Close: after satisfied feedback, or with a reason (e.g. a quarterly meeting decision)."""
    problem = _begin(problem.pk, "close", user, version)
    if problem.status != Status.FED_BACK and not reason.strip():
        raise ValidationError({"reason": [_("Say why the problem is closed before feedback.")]})
    from_status = problem.status
    problem.status = Status.CLOSED
    return _finish(problem, user, "close", from_status, reason.strip())


# --- Many problems in one step (the ledger) -------------------------------------------------

BULK_ACTIONS = ("urge", "set_deadline", "retransfer")
BULK_LIMIT = 1000


def _bulk_step(problem, user, action, *, note, deadline, department, writes) -> Problem:
    """One problem's step, by the same function the single step calls once its row is locked."""
    if action == "urge":
        return _urge(problem, user, note, writes)
    if action == "set_deadline":
        return _set_deadline(problem, user, deadline, note, writes)
    return _retransfer(problem, user, department, None, note, writes)


@dataclass
class BulkOutcome:
    """What a bulk step will do to one problem (the preview), or why it will leave it out."""

    problem: Problem
    change: str = ""
    refusal: str = ""


def bulk_preview(
    problems,
    *,
    action: str,
    user,
    deadline: datetime.date | None = None,
    department: Department | None = None,
) -> list[BulkOutcome]:
    """Each problem's outcome of `action`, checked as `problems_bulk` will check it, without
    writing. The problems need their department selected."""
    deadlines: dict[bool, datetime.date] = {}
    outcomes = []
    for problem in problems:
        try:
            check_allowed(problem, action, user)
        except NotAllowed as refused:
            outcomes.append(BulkOutcome(problem, refusal=" ".join(refused.messages)))
            continue
        old = problem.deadline.isoformat() if problem.deadline else "—"
        if action == "urge":
            change = _("Urge %(department)s (deadline %(deadline)s)") % {
                "department": problem.department,
                "deadline": old,
            }
        elif action == "set_deadline":
            change = _("Deadline %(old)s → %(new)s") % {"old": old, "new": deadline.isoformat()}
        elif problem.status in WITH_A_DEPARTMENT and problem.department_id == department.pk:
            outcomes.append(
                BulkOutcome(
                    problem,
                    refusal=_("The problem is already with %(department)s.")
                    % {"department": department},
                )
            )
            continue
        else:
            if problem.urgent not in deadlines:
                deadlines[problem.urgent] = deadline_for(problem)
            new = max(filter(None, (deadlines[problem.urgent], problem.deadline)))
            change = _("%(old)s → %(new)s, answer by %(deadline)s") % {
                "old": problem.department or "—",
                "new": department,
                "deadline": new.isoformat(),
            }
        outcomes.append(BulkOutcome(problem, change=change))
    return outcomes


@transaction.atomic
def problems_bulk(
    *,
    problem_ids: list[int],
    action: str,
    user,
    note: str = "",
    deadline: datetime.date | None = None,
    department: Department | None = None,
    versions: dict[int, int] | None = None,
) -> list[Problem]:
    """Urge, give a new deadline to, or move to another department every problem of
    `problem_ids`, all or nothing: every row is locked first (one query, in the order of their
    ids, so two such steps never deadlock), each is checked as the single step checks it
    (status, permission, the `versions` its preview showed), then each goes through that
    step's own function: one timeline entry and its notifications each. The first refusal
    raises, naming the problem, and rolls back every step already taken."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"{action!r} is not a step taken on many problems")
    if not problem_ids:
        raise ValidationError({"problems": [_("Choose at least one problem.")]})
    if len(problem_ids) > BULK_LIMIT:
        raise ValidationError(
            {
                "problems": [
                    _("At most %(limit)s problems in one step; narrow them down with the filters.")
                    % {"limit": BULK_LIMIT}
                ]
            }
        )
    if action == "set_deadline":
        check_deadline(deadline)
    if action == "retransfer" and department is None:
        raise ValidationError({"department": [_("Choose the department the problem goes to.")]})
    problems = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("record__cadre__user", "record__union", "department", "leader__user")
        .filter(pk__in=problem_ids)
        .order_by("pk")
    )
    found = {problem.pk for problem in problems}
    missing = sorted(set(problem_ids) - found)
    if missing:
        raise NotAllowed(
            _("Problem No. %(pk)s no longer exists; reload the ledger.") % {"pk": missing[0]}
        )
    done = []
    writes = Writes(user)
    for problem in problems:
        try:
            check_allowed(problem, action, user)
            if versions is not None and problem.version != versions.get(problem.pk):
                raise conflict(problem)
            done.append(
                _bulk_step(
                    problem,
                    user,
                    action,
                    note=note,
                    deadline=deadline,
                    department=department,
                    writes=writes,
                )
            )
        except ValidationError as error:
            raise type(error)(
                _("Problem No. %(pk)s: %(reason)s")
                % {"pk": problem.pk, "reason": " ".join(error.messages)}
            ) from error
    writes.flush()
    return done


# --- Notifications -------------------------------------------------------------------------
