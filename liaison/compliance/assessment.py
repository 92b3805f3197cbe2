"""The annual assessment (年度考核): each cadre's score from the year's quarters, and each
grassroots union's contacts."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from liaison.compliance.rules import (
    FILED,
    POINT_PLACES,
    UNANSWERED,
    contacted_points,
    count_by,
    days_by,
    default_order,
    filed_between,
    one_place,
    points_current_on,
    scoped_cadres,
    share_of,
    timely_q,
)
from liaison.compliance.selectors import STREET_RANK
from liaison.models import Opinion
from records.calendar import quarter_bounds, quarter_of
from records.models import Problem
from unions.models import Cadre, Department, GrassrootsUnion, active_q

# --- The annual assessment (年度考核) --------------------------------------------------------

ASSESSMENT_CRITERIA = {
    "days": gettext_lazy("Working days filed against the annual target"),
    "coverage": gettext_lazy("Assigned units contacted in each quarter"),
    "timely": gettext_lazy("Record sheets filed on time"),
    "feedback": gettext_lazy("Answered problems fed back to the grassroots"),
}


def assessment_weights() -> list[tuple[str, str, int]]:
    """The criteria with their labels and weights (settings.ASSESSMENT_WEIGHTS), for the page."""
    weights = settings.ASSESSMENT_WEIGHTS
    return [(key, str(label), weights[key]) for key, label in ASSESSMENT_CRITERIA.items()]


def _points(weight: int | Decimal, share: Decimal) -> Decimal:
    return (Decimal(weight) * min(share, Decimal(1))).quantize(POINT_PLACES, ROUND_HALF_UP)


@dataclass
class QuarterContact:
    quarter: int
    contacted: int
    assigned: int

    @property
    def share(self) -> Decimal | None:
        if not self.assigned:
            return None
        return min(Decimal(1), Decimal(self.contacted) / Decimal(self.assigned))


@dataclass
class CadreScore:
    """A cadre's annual assessment: the figures of each criterion and the points they earn."""

    cadre_id: int
    name: str
    department_id: int
    department_name: str
    department_order: int
    rank: str
    is_leader: bool
    days_filed: Decimal
    target: Decimal
    quarters: list[QuarterContact]
    records_filed: int
    records_timely: int
    problems_answered: int
    problems_fed_back: int
    weights: dict = field(default_factory=dict)

    @property
    def rank_label(self) -> str:
        return str(Cadre.Rank(self.rank).label) if self.rank in Cadre.Rank.values else self.rank

    @property
    def days_points(self) -> Decimal:
        return _points(self.weights["days"], self.days_filed / self.target)

    @property
    def coverage_share(self) -> Decimal | None:
        """The mean over the quarters in which the cadre held units; None when none did."""
        shares = [q.share for q in self.quarters if q.share is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def coverage_points(self) -> Decimal:
        share = self.coverage_share
        return _points(self.weights["coverage"], Decimal(1) if share is None else share)

    @property
    def timely_share(self) -> Decimal | None:
        return share_of(self.records_timely, self.records_filed)

    @property
    def timely_points(self) -> Decimal:
        share = self.timely_share
        return _points(self.weights["timely"], share if share is not None else Decimal(0))

    @property
    def feedback_share(self) -> Decimal | None:
        return share_of(self.problems_fed_back, self.problems_answered)

    @property
    def feedback_points(self) -> Decimal:
        share = self.feedback_share
        return _points(self.weights["feedback"], share if share is not None else Decimal(1))

    @property
    def score(self) -> Decimal:
        return self.days_points + self.coverage_points + self.timely_points + self.feedback_points


def assessed_quarters(year: int, today: datetime.date) -> list[int]:
    """The quarters of `year` the assessment covers: all four of a past year, up to the one
    under way for the current year."""
    if year > today.year:
        raise ValueError(f"{year} has not started on {today}")
    if year < today.year:
        return [1, 2, 3, 4]
    return list(range(1, quarter_of(today) + 1))


def assessment_for_year(
    *,
    year: int,
    today: datetime.date,
    department: Department | None = None,
    cadre: Cadre | None = None,
) -> tuple[list[CadreScore], QuerySet]:
    """The annual assessment of `year` as of `today` (final once the year has ended).

    Returns the cadres' scores (one query) and the grassroots unions as a lazy QuerySet (to
    paginate, or to stream into a workbook), each annotated with `q1`..`q4` (contacted — a
    filed sheet by anyone — in that quarter), `contact_cadres` (current contact points) and its
    problems of the year by how they ended: `problems`, `solved_on_spot`, `fed_back` (feedback
    given, closed or not), `closed_without_feedback`, `still_open`, and the grassroots'
    satisfaction `satisfied`, `basically_satisfied`, `unsatisfied`, and beside it the workers'
    own ratings of the answers they read with their receipts, `workers_satisfied`,
    `workers_basically_satisfied`, `workers_unsatisfied` (see `rated_opinions`).
    """
    quarters = assessed_quarters(year, today)
    year_end = min(datetime.date(year, 12, 31), today)
    weights = dict(settings.ASSESSMENT_WEIGHTS)
    year_records = filed_between(datetime.date(year, 1, 1), year_end).filter(cadre=OuterRef("pk"))
    # Problems the cadre could feed back: transferred ones whose answer reached them (answered,
    # or already fed back — an unsatisfied feedback reopens the problem and clears its answer).
    answered = Problem.objects.filter(
        record__cadre=OuterRef("pk"),
        record__status=FILED,
        record__start_date__range=(datetime.date(year, 1, 1), year_end),
        resolution=Problem.Resolution.TRANSFER,
    ).filter(Q(answered_at__isnull=False) | Q(feedback_on__isnull=False))
    per_quarter = {}
    for q in quarters:
        start, end = quarter_bounds(year, q)
        as_of = min(end, today)
        per_quarter[f"assigned_q{q}"] = count_by(
            points_current_on(year, as_of).filter(cadre=OuterRef("pk")), "cadre"
        )
        per_quarter[f"contacted_q{q}"] = count_by(
            contacted_points(year, start, end, as_of), "cadre"
        )
    cadres = (
        scoped_cadres(Cadre.objects.filter(active_q() | Exists(year_records)), department, cadre)
        .select_related("department")
        .annotate(
            days_year=days_by(year_records, "cadre"),
            records_year=count_by(year_records, "cadre"),
            timely_year=count_by(year_records.filter(timely_q()), "cadre"),
            answered=count_by(answered, "record__cadre"),
            fed_back=count_by(answered.filter(feedback_on__isnull=False), "record__cadre"),
            **per_quarter,
        )
    )
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    scores = [
        CadreScore(
            cadre_id=c.pk,
            name=c.name,
            department_id=c.department_id,
            department_name=c.department.name,
            department_order=c.department.order,
            rank=c.rank,
            is_leader=c.is_leader,
            days_filed=one_place(c.days_year),
            target=target,
            quarters=[
                QuarterContact(
                    quarter=q,
                    contacted=getattr(c, f"contacted_q{q}"),
                    assigned=getattr(c, f"assigned_q{q}"),
                )
                for q in quarters
            ],
            records_filed=c.records_year,
            records_timely=c.timely_year,
            problems_answered=c.answered,
            problems_fed_back=c.fed_back,
            weights=weights,
        )
        for c in default_order(cadres)
    ]
    return scores, union_assessment(year=year, today=today)


def rated_opinions(year: int, year_end: datetime.date) -> QuerySet:
    """The workers' ratings that count in `year`: an opinion taken up as a problem counts where
    its problem counts (a filed sheet of the year, as the grassroots' satisfaction does); one
    answered without becoming a problem counts in the year it was left."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime.combine(year_end, datetime.time.max))
    return Opinion.objects.exclude(rating="").filter(
        Q(
            problem__record__status=FILED,
            problem__record__start_date__range=(datetime.date(year, 1, 1), year_end),
        )
        | Q(problem__isnull=True, created_at__range=(start, end))
    )


def union_assessment(*, year: int, today: datetime.date) -> QuerySet:
    """The grassroots unions of the assessment (active ones, and those no longer active that
    were contacted in `year`), each annotated as `assessment_for_year` says. Lazy."""
    year_end = min(datetime.date(year, 12, 31), today)
    year_records = filed_between(datetime.date(year, 1, 1), year_end).filter(union=OuterRef("pk"))
    contacted = {}
    for q in (1, 2, 3, 4):
        start, end = quarter_bounds(year, q)
        contacted[f"q{q}"] = Exists(filed_between(start, end).filter(union=OuterRef("pk")))
    problems = Problem.objects.filter(
        record__union=OuterRef("pk"),
        record__status=FILED,
        record__start_date__range=(datetime.date(year, 1, 1), year_end),
    )
    transferred = problems.filter(resolution=Problem.Resolution.TRANSFER)
    satisfaction = Problem.Satisfaction
    key = "record__union"
    rated = rated_opinions(year, year_end).filter(union=OuterRef("pk"))
    return (
        GrassrootsUnion.objects.filter(active_q() | Exists(year_records))
        .annotate(
            **contacted,
            contact_cadres=count_by(
                points_current_on(year, year_end).filter(union=OuterRef("pk")), "union"
            ),
            problems=count_by(problems, key),
            solved_on_spot=count_by(problems.filter(resolution=Problem.Resolution.ON_SPOT), key),
            fed_back=count_by(
                transferred.exclude(status__in=UNANSWERED).filter(feedback_on__isnull=False), key
            ),
            closed_without_feedback=count_by(
                transferred.filter(status=Problem.Status.CLOSED, feedback_on__isnull=True), key
            ),
            still_open=count_by(transferred.filter(status__in=UNANSWERED), key),
            satisfied=count_by(transferred.filter(satisfaction=satisfaction.SATISFIED), key),
            basically_satisfied=count_by(
                transferred.filter(satisfaction=satisfaction.BASICALLY), key
            ),
            unsatisfied=count_by(transferred.filter(satisfaction=satisfaction.UNSATISFIED), key),
            workers_satisfied=count_by(rated.filter(rating=satisfaction.SATISFIED), "union"),
            workers_basically_satisfied=count_by(
                rated.filter(rating=satisfaction.BASICALLY), "union"
            ),
            workers_unsatisfied=count_by(rated.filter(rating=satisfaction.UNSATISFIED), "union"),
        )
        .order_by(STREET_RANK, "name", "pk")
    )
