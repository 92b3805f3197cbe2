"""The report's period: a year, and a quarter or the whole year."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.compliance.forms import YearField
from liaison.models import QUARTER_CHOICES
from records.calendar import quarter_bounds
from records.forms import style_filter_fields


class ReportForm(forms.Form):
    year = YearField()
    quarter = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Whole year")), *QUARTER_CHOICES],
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("year"):
            data = data.copy()
            data["year"] = str(timezone.localdate().year)
        super().__init__(data, *args, **kwargs)
        style_filter_fields(self)

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if year and quarter and quarter_bounds(year, quarter)[0] > timezone.localdate():
            self.add_error("quarter", _("This quarter has not started yet."))
        return cleaned
