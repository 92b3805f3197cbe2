from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from liaison.home import selectors
from records.models import VisitRecord
from unions import cache as generations
from unions.permissions import may
from unions.roles import Role, cadre_of, headed_department, primary_role

RECENT_RECORDS = 10


@login_required
def home(request):
    """Each role lands on its own home page; a user with several roles sees each part."""
    user = request.user
    today = timezone.localdate()
    role = primary_role(user)
    if role is None and may(user, "liaison.view_audit"):
        return redirect("audit:audit")  # 纪检: the audit trail is their one page
    if role is None:
        context = {"year": today.year, "today": today, "role": role}
        return render(request, "liaison/home_no_role.html", context, status=403)
    # The page's own part is cached under the generations of what it shows, which the services
    # bump on commit (unions/cache.py; docs/decisions/0001-cadre-home-cache.md).
    keys = home_generation_keys(user, role)
    # The bell's unread count is kept under the user's inbox generation, read with the rest.
    inbox = generations.inbox_key(user.pk)
    found, made = generations.read([*keys, inbox])
    request.inbox_generation = found[inbox]
    current = generations.joined(found, keys)
    key = f"home:{user.pk}:{today.isoformat()}:{get_language()}:{current}"
    # A part under a key is never stale while its generations are current, so each process also
    # keeps it in its own memory: a hit is one read of the shared cache (the generations).
    local = caches["local"]
    content = local.get(key)
    if content is None:
        # Under a generation made just now nothing is cached yet: no read of the shared cache.
        content = None if made & set(keys) else cache.get(key)
        if content is None:
            context = home_context(user, today, role)
            content = render_to_string("liaison/_home_content.html", context)
            cache.set(key, content, settings.HOME_CACHE_SECONDS)
        local.set(key, content, settings.HOME_CACHE_SECONDS)
    return render(request, "liaison/home.html", {"content": content})


def home_generation_keys(user, role) -> list[str]:
    """The generation keys of everything `user`'s home shows (see home_context)."""
    keys = [generations.EVERYONE]
    cadre = cadre_of(user)
    if cadre is not None:
        # A cadre's own part shows only their own sheets, problems and contact points.
        keys.append(generations.cadre_key(cadre.pk))
    department = headed_department(user)
    if department is not None:
        keys.append(generations.department_key(department.pk))
    if role == Role.ORGANIZATION:  # the federation's figures, as home_context shows them
        keys.append(generations.FEDERATION)
    return keys


def home_context(user, today, role) -> dict:
    """The figures and lists of `user`'s home page on `today`, part by part of their roles."""
    year = today.year
    context = {"year": year, "today": today, "role": role}
    cadre = cadre_of(user)
    if cadre is not None:
        context["mine"] = selectors.cadre_home(cadre, today)
    department = headed_department(user)
    if department is not None:
        context["department"] = department
        context["department_rows"] = selectors.department_cadre_rows(department, year)
    if role == Role.ORGANIZATION:
        context["federation"] = selectors.federation_summary(year)
        # A link inside the translated sentence: built here, where it can be marked safe.
        title = _("The problems with a department, in the ledger")
        context["waiting_link"] = format_html(
            '<a href="{}?resolution=all&amp;status=waiting" data-testid="waiting-problems-link"'
            ' title="{}">{}</a>',
            reverse("records:ledger"),
            title,
            context["federation"]["problems"]["waiting"],
        )
        context["department_summary"] = selectors.department_rows(year)
    context["recent_records"] = (
        VisitRecord.objects.visible_to(user)
        .select_related("cadre", "union")
        # The columns the table shows, not every text of the sheets.
        .only("start_date", "days", "status", "cadre__name", "union__name")
        .order_by("-start_date", "-pk")[:RECENT_RECORDS]
    )
    return context
