"""Reads for the home pages: each figure comes from one aggregate query, never a loop over rows."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from liaison.models import LiaisonAssignment
from records.models import Problem, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion

ZERO_DAYS = Value(Decimal("0"), output_field=DecimalField(max_digits=6, decimal_places=1))


def filed_days_subquery(year: int):
    """Days a cadre filed in `year`, as a subquery on `Cadre` (a Subquery per relation keeps
    record sums from multiplying with assignment rows — Django ticket #10060)."""
    return Coalesce(
        Subquery(
            VisitRecord.objects.filed()
            .for_year(year)
            .filter(cadre=OuterRef("pk"))
            .order_by()
            .values("cadre")
            .annotate(total=Sum("days"))
            .values("total")
        ),
        ZERO_DAYS,
    )


def cadre_year_summary(cadre: Cadre, year: int) -> dict:
    """A cadre's own figures for the year: their units and their filed days and records."""
    assignments = list(
        LiaisonAssignment.objects.for_year(year)
        .filter(cadre=cadre)
        .select_related("union")
        .order_by("ended_at", "union__name")
    )
    totals = (
        VisitRecord.objects.filter(cadre=cadre)
        .for_year(year)
        .aggregate(
            days=Coalesce(Sum("days", filter=Q(status=VisitRecord.Status.FILED)), ZERO_DAYS),
            filed=Count("pk", filter=Q(status=VisitRecord.Status.FILED)),
            drafts=Count("pk", filter=Q(status=VisitRecord.Status.DRAFT)),
            returned=Count("pk", filter=Q(status=VisitRecord.Status.RETURNED)),
        )
    )
    target = Decimal(settings.ANNUAL_DAYS_TARGET)
    return {
        "assignments": assignments,
        "quota": cadre.unit_quota,
        "target": target,
        "percent": min(100, int(totals["days"] * 100 / target)) if target else 100,
        **totals,
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
    problems = Problem.objects.aggregate(
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
        cadre_count=Count("cadres", filter=Q(cadres__active=True), distinct=True),
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
