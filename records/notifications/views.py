"""The bell: a user's notifications, marking them read, opening one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from records.models import Notification, Problem
from records.notifications import services


@login_required
def notifications(request):
    items = request.user.notifications.select_related("problem__record__union")[:100]
    return render(request, "records/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    services.mark_all_read(request.user)
    return redirect("records:notifications")


@login_required
def notification_open(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(item)
    if (
        item.problem_id
        and not Problem.objects.visible_to(request.user).filter(pk=item.problem_id).exists()
    ):
        # Moved on since (transferred to another department): back to the list, not a 404.
        return redirect("records:notifications")
    # The page to act on, as the service that wrote the notice said (a path of this site; the
    # page itself checks who may open it).
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    if item.problem_id:
        return redirect("records:problem-detail", pk=item.problem_id)
    return redirect("records:notifications")
