"""Research topics: the list (and a new one, for the organization department), a topic's page,
its printable A4 brief and its workbook."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from records import excel
from records.models import ResearchTopic
from records.topics import selectors, services, workbook
from records.topics.forms import TopicForm
from unions.permissions import may, require_permission


@require_permission("records.list_researchtopic")
def topic_list(request):
    form = None
    if may(request.user, "records.add_researchtopic"):
        form = TopicForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                topic = services.topic_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("records:topic-detail", pk=topic.pk)
    elif request.method == "POST":
        raise PermissionDenied
    topics = (
        ResearchTopic.objects.visible_to(request.user)
        .select_related("lead_department")
        .prefetch_related("departments")
    )
    return render(
        request,
        "records/topics/list.html",
        {"topics": topics, "form": form, "today": timezone.localdate()},
        status=400 if form is not None and form.errors else 200,
    )


def _page(request, pk: int, template: str):
    topic = selectors.get_topic_for_user(request.user, pk)
    figures = selectors.topic_figures(request.user, topic, timezone.localdate())
    context = {"topic": topic, "figures": figures, "departments": topic.departments.all()}
    return render(request, template, context)


@require_permission("records.list_researchtopic")
@require_GET
def topic_detail(request, pk: int):
    return _page(request, pk, "records/topics/detail.html")


@require_permission("records.list_researchtopic")
@require_GET
def topic_print(request, pk: int):
    return _page(request, pk, "records/topics/print.html")


@require_permission("records.list_researchtopic")
@require_GET
def topic_export(request, pk: int):
    topic = selectors.get_topic_for_user(request.user, pk)
    figures = selectors.topic_figures(request.user, topic, timezone.localdate())
    return excel.workbook_response(
        workbook.topic_workbook(topic, figures), f"research-topic-{topic.pk}.xlsx"
    )
