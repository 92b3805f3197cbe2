"""Reads for the home pages: each figure comes from one aggregate query, never a loop over rows."""

import datetime

from django.conf import settings
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from liaison.compliance.pace import ZERO_DAYS, filed_days_subquery, year_progress
from records.calendar import quarter_span
from records.models import Problem, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion, LiaisonAssignment, active_q

# Each list on the cadre's home page shows this many rows, with the full count beside it.
HOME_LIST_LIMIT = 10

# Problems the cadre raised that still wait on someone: an answer from the department or
# leader they were transferred to, or — once answered — the cadre's feedback to the grassroots.
WAITING_STATUSES = (Problem.Status.TRANSFERRED, Problem.Status.ACCEPTED, Problem.Status.ANSWERED)


def _count(records):
    """The number of `records` as a Subquery that is 0, not NULL, when there are none."""
    return Coalesce(Subquery(records.values("union").annotate(n=Count("pk")).values("n")), 0)


def cadre_units(cadre: Cadre, today: datetime.date) -> list[LiaisonAssignment]:
    """This year's contact points of the cadre, current ones first, ended ones after. Each
    carries `last_contact` (the start date of the cadre's last filed sheet with that union, any
    year), `records_this_year` and `records_this_quarter` (filed sheets). One query: a Subquery
    per figure, never two reverse relations aggregated in one annotate (Django ticket #10060)."""
    quarter_start, quarter_end = quarter_span(today)
    filed = (
        VisitRecord.objects.filed()
        .filter(cadre=OuterRef("cadre"), union=OuterRef("union"))
        .order_by()
    )
    return list(
        LiaisonAssignment.objects.for_year(today.year)
        .filter(cadre=cadre)
        .select_related("union")
        .annotate(
            last_contact=Subquery(filed.order_by("-start_date").values("start_date")[:1]),
            records_this_year=_count(filed.for_year(today.year)),
            records_this_quarter=_count(
                filed.filter(start_date__range=(quarter_start, quarter_end))
            ),
        )
        .order_by(F("ended_at").asc(nulls_first=True), "union__name")
    )


def cadre_worklist(
    cadre: Cadre, limit: int = HOME_LIST_LIMIT, *, filed_in: int | None = None
) -> dict:
    """What the cadre still has to do, each a short list with its full count: drafts to finish,
    sheets returned for revision, and transferred problems waiting for an answer or for the
    cadre's feedback to the grassroots. Four queries, whatever the number of rows: the three
    counts, then each list. With `filed_in` (a year), the counts' query also sums the days the
    cadre filed that year (`filed_days`: the home's progress, without a query of its own)."""
    records = VisitRecord.objects.filter(cadre=cadre)
    waiting = Problem.objects.filter(
        record__cadre=cadre,
        resolution=Problem.Resolution.TRANSFER,
        status__in=WAITING_STATUSES,
    )

    def count(rows, key):
        # Grouped by the cadre (one group: the rows are all this cadre's) to count in SQL.
        grouped = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)

    # One query for the three counts, each a subquery on its own index (a join of sheets to
    # problems with COUNT(DISTINCT …) made PostgreSQL sort them). Every list is read, empty or
    # not, so that the page's queries are the same for every cadre.
    figures = {
        "drafts": count(records.filter(status=VisitRecord.Status.DRAFT), "cadre"),
        "returned": count(records.filter(status=VisitRecord.Status.RETURNED), "cadre"),
        "problems": count(waiting, "record__cadre"),
    }
    if filed_in is not None:
        figures["filed_days"] = filed_days_subquery(filed_in)
    counts = Cadre.objects.filter(pk=cadre.pk).annotate(**figures).values(*figures).get()
    latest_first = ("-updated_at", "-pk")
    # Only the columns the lists show: a sheet's row carries all its texts, a problem's row its
    # sheet's too (select_related), and the home page is the one every cadre opens.
    listed = records.select_related("union").only("start_date", "return_reason", "union__name")
    problems = (
        Problem.objects.filter(
            record__cadre=cadre,
            resolution=Problem.Resolution.TRANSFER,
            status__in=WAITING_STATUSES,
        )
        .select_related("department", "record__union")
        .only(
            "description",
            "deadline",
            "status",
            "record__union__name",
            "department__name",
        )
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )

    return {
        **({} if filed_in is None else {"filed_days": counts["filed_days"]}),
        "drafts": list(
            listed.filter(status=VisitRecord.Status.DRAFT).order_by(*latest_first)[:limit]
        ),
        "draft_count": counts["drafts"],
        "returned": list(
            listed.filter(status=VisitRecord.Status.RETURNED).order_by(*latest_first)[:limit]
        ),
        "returned_count": counts["returned"],
        "problems": list(problems[:limit]),
        "problem_count": counts["problems"],
    }


def cadre_home(cadre: Cadre, today: datetime.date) -> dict:
    """Everything of the cadre's own part of the home page (我的联系点)."""
    units = cadre_units(cadre, today)
    worklist = cadre_worklist(cadre, filed_in=today.year)
    return {
        "units": units,
        "current_units": sum(1 for unit in units if unit.ended_at is None),
        "quota": cadre.unit_quota,
        "progress": year_progress(cadre, today, filed=worklist.pop("filed_days")),
        **worklist,
    }


def department_cadre_rows(department: Department, year: int):
    """The department's active cadres, each with this year's units, filed days and records."""
    return (
        Cadre.objects.active()
        .filter(department=department)
        .annotate(
            units=Count(
                "assignments",
                filter=Q(assignments__year=year, assignments__ended_at__isnull=True),
                distinct=True,
            ),
            days_filed=filed_days_subquery(year),
        )
        .order_by("name")
    )


def federation_summary(year: int) -> dict:
    """The organization department's overview of the federation for the year."""
    records = VisitRecord.objects.for_year(year).aggregate(
        filed=Count("pk", filter=Q(status=VisitRecord.Status.FILED)),
        days=Coalesce(Sum("days", filter=Q(status=VisitRecord.Status.FILED)), ZERO_DAYS),
        integrity=Count(
            "pk",
            filter=Q(status=VisitRecord.Status.FILED)
            & (Q(transport_accepted=True) | Q(gifts_accepted=True) | Q(banquet_accepted=True)),
        ),
    )
    assigned = LiaisonAssignment.objects.for_year(year).current()
    unions = GrassrootsUnion.objects.active().aggregate(
        total=Count("pk"),
        covered=Count("pk", filter=Q(pk__in=assigned.values("union"))),
    )
    # A problem on a draft is not raised yet (the ledger, where the figure links, agrees).
    problems = Problem.objects.exclude(record__status=VisitRecord.Status.DRAFT).aggregate(
        open=Count("pk", filter=~Q(status=Problem.Status.CLOSED)),
        waiting=Count(
            "pk",
            filter=Q(status__in=[Problem.Status.TRANSFERRED, Problem.Status.ACCEPTED]),
        ),
    )
    return {
        "records": records,
        "unions": unions,
        "problems": problems,
        "cadres": Cadre.objects.active().count(),
        "target": settings.ANNUAL_DAYS_TARGET,
    }


def department_rows(year: int):
    """Every department with its active cadres, this year's filed records and days."""
    return Department.objects.annotate(
        cadre_count=Count("cadres", filter=active_q("cadres__"), distinct=True),
        days_filed=Coalesce(
            Subquery(
                VisitRecord.objects.filed()
                .for_year(year)
                .filter(cadre__department=OuterRef("pk"))
                .order_by()
                .values("cadre__department")
                .annotate(total=Sum("days"))
                .values("total")
            ),
            ZERO_DAYS,
        ),
        records_filed=Coalesce(
            Subquery(
                VisitRecord.objects.filed()
                .for_year(year)
                .filter(cadre__department=OuterRef("pk"))
                .order_by()
                .values("cadre__department")
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
        ),
    )


# --- The assignment desk (组织人事部): contact points and coverage of a year -----------------
