from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from liaison import selectors
from records.models import VisitRecord
from unions.roles import Role, cadre_of, headed_department, primary_role

RECENT_RECORDS = 10


@login_required
def home(request):
    """Each role lands on its own home page; a user with several roles sees each part."""
    user = request.user
    today = timezone.localdate()
    year = today.year
    role = primary_role(user)
    context = {"year": year, "today": today, "role": role}
    if role is None:
        return render(request, "liaison/home_no_role.html", context, status=403)

    cadre = cadre_of(user)
    if cadre is not None:
        context["mine"] = selectors.cadre_home(cadre, today)
    department = headed_department(user)
    if department is not None:
        context["department"] = department
        context["department_rows"] = selectors.department_cadre_rows(department, year)
    if role == Role.ORGANIZATION:
        context["federation"] = selectors.federation_summary(year)
        context["department_summary"] = selectors.department_rows(year)
    context["recent_records"] = (
        VisitRecord.objects.visible_to(user)
        .select_related("cadre", "union")
        # The columns the table shows, not every text of the sheets.
        .only("start_date", "days", "status", "cadre__name", "union__name")
        .order_by("-start_date", "-pk")[:RECENT_RECORDS]
    )
    return render(request, "liaison/home.html", context)
