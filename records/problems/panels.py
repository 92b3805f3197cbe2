"""Parts the programme's app adds to a problem's page without records importing it (the
layering: liaison → records): liaison registers a function at start-up (LiaisonConfig.ready),
the problem's page renders what each returns. Today one: the workers' opinions the problem came
from, with the answer to them (liaison.boards.problem_panel)."""

from collections.abc import Callable

from django.http import HttpRequest

from records.models import Problem

# (request, problem) -> HTML, or "" when it has nothing to show for this problem or user.
PANELS: list[Callable[[HttpRequest, Problem], str]] = []


def panel(function: Callable[[HttpRequest, Problem], str]):
    if function not in PANELS:
        PANELS.append(function)
    return function


def render_panels(request: HttpRequest, problem: Problem) -> list[str]:
    return [html for html in (render(request, problem) for render in PANELS) if html]
