"""Reads of the contact points (联系点): who contacts which union."""

from unions.models import Cadre, LiaisonAssignment


def assigned_union_ids(cadre: Cadre, year: int) -> set[int]:
    """The unions of the cadre's current (not ended) contact points in `year`. One query."""
    return set(
        LiaisonAssignment.objects.for_year(year)
        .current()
        .filter(cadre=cadre)
        .values_list("union_id", flat=True)
    )
