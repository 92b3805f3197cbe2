"""The report's period: a year, and a quarter or the whole year."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.compliance.forms import PeriodForm
from liaison.models import QUARTER_CHOICES


class ReportForm(PeriodForm):
    """The dashboard's period (a quarter not started is refused there too), or a whole year."""

    quarter = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Whole year")), *QUARTER_CHOICES],
    )

    @staticmethod
    def with_defaults(data):
        """This year when none is given; no quarter is the whole year."""
        if data.get("year"):
            return data
        data = data.copy()
        data["year"] = str(timezone.localdate().year)
        return data
