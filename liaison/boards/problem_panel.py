"""On the page of a problem a worker's opinion became: the opinion's status, the answer the
worker reads with their receipt and their rating, and the answer form for who may answer
(registered with records.problems.panels at start-up). No name or phone of the worker here:
the problem's page is open to the department it went to."""

from django.template.loader import render_to_string

from liaison.boards.opinions import may_answer
from liaison.models import Opinion
from records.problems.panels import panel


@panel
def opinions_of_problem(request, problem) -> str:
    """One query for the opinions; one more per opinion for who may answer it."""
    rows = [
        (opinion, may_answer(request.user, opinion))
        for opinion in Opinion.objects.filter(problem=problem).order_by("created_at", "pk")
    ]
    if not rows:
        return ""
    return render_to_string(
        "liaison/_problem_opinions.html",
        {"rows": rows, "next": request.get_full_path()},
        request=request,
    )
