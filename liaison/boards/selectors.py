"""Reads of the workers' opinions: the opinion list's one filter, for its page and export."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from liaison.boards.forms import OpinionFilterForm
from liaison.models import Opinion
from records.terms.search import matching
from unions.models import Cadre, Department, LiaisonAssignment
from unions.roles import cadre_of, sees_everything

YEARS_OFFERED = 5


def filtered_opinions(user, data) -> tuple[OpinionFilterForm, QuerySet]:
    """The opinion list's filter form for `user` and the opinions it selects, newest first.

    The scope is Opinion.objects.visible_to (a contact cadre their units of this year, the
    organization department all); the filters only narrow it. An opinion's cadre is its
    union's contact cadre this year (a current contact point), its department theirs; the
    cadres offered are those the user may see, and a form with an error selects nothing."""
    year = timezone.localdate().year
    assigned = LiaisonAssignment.objects.for_year(year).current()
    if sees_everything(user):
        cadres = Cadre.objects.filter(pk__in=assigned.values("cadre"))
    else:
        own = cadre_of(user)
        cadres = Cadre.objects.filter(pk=own.pk if own else None)
    form = OpinionFilterForm(
        data or None,
        years=range(year, year - YEARS_OFFERED, -1),
        cadres=cadres.order_by("name", "pk"),
        departments=Department.objects.filter(pk__in=cadres.values("department")).order_by("name"),
    )
    shown = (
        Opinion.objects.visible_to(user, year)
        .select_related("union", "problem__record__cadre")
        .order_by("-created_at", "-pk")
    )
    if not data:
        return form, shown
    if not form.is_valid():
        return form, shown.none()
    data = form.cleaned_data
    exact = {
        "status": data["status"],
        "category": data["category"],
        "union__street": data["street"],
        "created_at__year": data["year"],
        "created_at__quarter": data["quarter"],
    }
    shown = shown.filter(**{name: value for name, value in exact.items() if value})
    if data["start"]:
        shown = shown.filter(created_at__gte=_day_start(data["start"]))
    if data["end"]:
        shown = shown.filter(created_at__lt=_day_start(data["end"] + datetime.timedelta(days=1)))
    if data["cadre"]:
        shown = shown.filter(union__in=assigned.filter(cadre=data["cadre"]).values("union"))
    if data["department"]:
        shown = shown.filter(
            union__in=assigned.filter(cadre__department=data["department"]).values("union")
        )
    if data["q"]:
        shown = matching(shown, data["q"])
    return form, shown


def _day_start(date: datetime.date) -> datetime.datetime:
    """The first moment of `date` in Beijing."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
