"""The problem ledger's rows, rendered by Jinja2 (docs/decisions/0007-dashboard-rows-in-jinja2.md):
Django's templates spent most of the page's time on 30 rows, each with its own include of the
badges, its link and its labels resolved through the variable machinery."""

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from records.models import Problem
from unions.models import Street


def _detail_url(pk: int) -> str:
    return reverse("records:problem-detail", args=[pk])


def _shorten(text: str) -> str:
    """What Django's `truncatechars:60` shows."""
    return Truncator(text).chars(60)


def ledger_rows_html(problems) -> str:
    """The rows of `problems` (with `is_overdue`, their sheet's union and cadre and their
    department selected), every word translated here, once."""
    if not problems:
        return ""
    return mark_safe(  # noqa: S308 — Jinja2's autoescape escaped every value
        engines["jinja2"]
        .get_template("records/_ledger_rows.html")
        .render(
            {
                "problems": problems,
                "detail_url": _detail_url,
                "shorten": _shorten,
                "streets": {value: str(label) for value, label in Street.choices},
                "statuses": {value: str(label) for value, label in Problem.Status.choices},
                "overdue": _("Overdue"),
                "urgent": _("urgent"),
            }
        )
    )
