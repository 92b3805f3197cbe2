"""Lists of problems rendered by Jinja2 (docs/decisions/0007-dashboard-rows-in-jinja2.md): the
ledger's rows and the problem items of the department inbox and of my problems. Django's
templates spent most of these pages' time on their 30 rows, each with its includes (the item,
the badges), its link and its labels resolved through the variable machinery."""

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from records.models import Problem
from unions.models import Street


def _detail_url(pk: int) -> str:
    return reverse("records:problem-detail", args=[pk])


def _shorten(text: str, length: int) -> str:
    """What Django's `truncatechars:length` shows."""
    return Truncator(text).chars(length)


def _deadline(day) -> str:
    return _("deadline %(date)s") % {"date": day.isoformat()}


def _render(template: str, problems, **context) -> str:
    """`problems` (with `is_overdue`, their sheet's union and cadre and their department
    selected) through `template`, every word translated here, once."""
    if not problems:
        return ""
    words = {
        "statuses": {value: str(label) for value, label in Problem.Status.choices},
        "overdue": _("Overdue"),
        "urgent": _("urgent"),
    }
    return mark_safe(  # noqa: S308 — Jinja2's autoescape escaped every value
        engines["jinja2"]
        .get_template(template)
        .render(
            {
                "problems": problems,
                "detail_url": _detail_url,
                "shorten": _shorten,
                "words": words,
                **context,
            }
        )
    )


def ledger_rows_html(problems, selected=frozenset(), *, selectable: bool = True) -> str:
    """The ledger's table rows: with `selectable`, a checkbox each for the bulk bar, those of
    `selected` ticked."""
    streets = {value: str(label) for value, label in Street.choices}
    return _render(
        "records/_ledger_rows.html",
        problems,
        streets=streets,
        selected=selected,
        selectable=selectable,
        tick=_("Select problem %(pk)s"),
    )


def problem_items_html(problems, *, show_cadre: bool = False) -> str:
    """The problems as list-group items linking to each problem (the cadre who raised it with
    `show_cadre`)."""
    return _render(
        "records/_problem_items.html", problems, show_cadre=show_cadre, deadline=_deadline
    )
