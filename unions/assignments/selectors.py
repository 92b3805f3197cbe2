"""Reads of the contact points (联系点): who contacts which union."""

from django.contrib.auth import get_user_model

from unions.models import Cadre, LiaisonAssignment


def assigned_union_ids(cadre: Cadre, year: int) -> set[int]:
    """The unions of the cadre's current (not ended) contact points in `year`. One query."""
    return set(
        LiaisonAssignment.objects.for_year(year)
        .current()
        .filter(cadre=cadre)
        .values_list("union_id", flat=True)
    )


def contact_users(union_id: int, year: int) -> list:
    """The logins of the union's contact cadres in `year`: current contact points, active
    cadres, active logins (who is told of a worker's new opinion). One query."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            cadre__active=True,
            cadre__assignments__union_id=union_id,
            cadre__assignments__year=year,
            cadre__assignments__ended_at__isnull=True,
        )
        .distinct()
    )
