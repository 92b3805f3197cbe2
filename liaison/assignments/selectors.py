"""Reads for the assignment desk: contact points per department and cadre, coverage of the
unions, the union search."""

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from unions.models import Cadre, GrassrootsUnion, LiaisonAssignment, Street, active_q


def current_points(year: int):
    """The year's current contact points held by active cadres: what makes a union covered."""
    return LiaisonAssignment.objects.for_year(year).current().filter(active_q("cadre__"))


def desk_departments(year: int) -> list[dict]:
    """Every active cadre, department by department (leaders first), each with `units` (current
    contact points in `year`), `quota` and `gap` (units still to assign; 0 when complete). One
    query."""
    cadres = assignable_cadres(year)
    departments: list[dict] = []
    for cadre in cadres:
        cadre.quota = cadre.unit_quota
        cadre.gap = max(cadre.quota - cadre.units, 0)
        if not departments or departments[-1]["department"].pk != cadre.department_id:
            departments.append({"department": cadre.department, "cadres": [], "gaps": 0})
        departments[-1]["cadres"].append(cadre)
        departments[-1]["gaps"] += 1 if cadre.gap else 0
    return departments


def assignable_cadres(year: int):
    """Active cadres to assign a union to, department by department (leaders first), each with
    `units` (current contact points in `year`). One query."""
    return (
        Cadre.objects.active()
        .select_related("department")
        .annotate(
            units=Count(
                "assignments",
                filter=Q(assignments__year=year, assignments__ended_at__isnull=True),
            )
        )
        .order_by("department__order", "department__name", "rank", "name")
    )


def desk_totals(year: int) -> dict:
    """Current contact points of `year` and of the year before (for the rollover). One query."""
    return LiaisonAssignment.objects.current().aggregate(
        this_year=Count("pk", filter=Q(year=year)),
        last_year=Count("pk", filter=Q(year=year - 1)),
    )


def _contacts(year: int):
    """A union's number of contact cadres in `year`, as a Subquery that is 0, not NULL."""
    return Coalesce(
        Subquery(
            current_points(year)
            .filter(union=OuterRef("pk"))
            .order_by()
            .values("union")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _covered(year: int):
    return Exists(current_points(year).filter(union=OuterRef("pk")))


def coverage(year: int) -> dict:
    """Coverage of the active unions and cadres in `year`: unions with no contact cadre (in all
    and street by street), unions with more than one, active cadres with none. Three queries."""
    unions = GrassrootsUnion.objects.active().annotate(contacts=_contacts(year))
    totals = unions.aggregate(
        total=Count("pk"),
        uncovered=Count("pk", filter=Q(contacts=0)),
        shared=Count("pk", filter=Q(contacts__gt=1)),
    )
    labels = dict(Street.choices)
    streets = [
        {"street": row["street"], "label": labels.get(row["street"], row["street"]), **row}
        for row in GrassrootsUnion.objects.active()
        .values("street")
        .annotate(total=Count("pk"), uncovered=Count("pk", filter=~Q(_covered(year))))
        .order_by("street")
    ]
    cadres = Cadre.objects.active().aggregate(
        total=Count("pk"),
        without_units=Count(
            "pk", filter=~Q(Exists(current_points(year).filter(cadre=OuterRef("pk"))))
        ),
    )
    return {"unions": totals, "streets": streets, "cadres": cadres}


def uncovered_unions(year: int, street: str = ""):
    """Active unions with no contact cadre in `year` (optionally of one street)."""
    unions = GrassrootsUnion.objects.active().filter(~Q(_covered(year)))
    if street:
        unions = unions.filter(street=street)
    return unions.order_by("street", "name")


def shared_unions(year: int):
    """Active unions with more than one contact cadre in `year`, each with `points` (its
    current contact points, cadre and department selected: one more query per page)."""
    return (
        GrassrootsUnion.objects.active()
        .annotate(contacts=_contacts(year))
        .filter(contacts__gt=1)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=current_points(year).select_related("cadre__department"),
                to_attr="points",
            )
        )
        .order_by("street", "name")
    )


def cadres_without_units(year: int):
    """Active cadres with no current contact point in `year`."""
    return (
        Cadre.objects.active()
        .filter(~Q(Exists(current_points(year).filter(cadre=OuterRef("pk")))))
        .select_related("department")
        .order_by("department__order", "department__name", "rank", "name")
    )


def cadre_points(cadre: Cadre, year: int):
    """The cadre's contact points of `year`, current ones first."""
    return (
        LiaisonAssignment.objects.for_year(year)
        .filter(cadre=cadre)
        .select_related("union", "assigned_by")
        .order_by(F("ended_at").asc(nulls_first=True), "union__name")
    )


def union_search(term: str, year: int):
    """Active unions whose name contains `term`, whose street's name (in the language of the
    page) contains it, or whose credit code starts with it; each with `contacts` in `year`."""
    term = term.strip()
    streets = [value for value, label in Street.choices if term in str(label)]
    return (
        GrassrootsUnion.objects.active()
        .filter(
            Q(name__icontains=term)
            | Q(street__in=streets)
            | Q(credit_code__startswith=term.upper())
        )
        .annotate(contacts=_contacts(year))
        .order_by("name", "pk")
    )
