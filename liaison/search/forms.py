from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import FilterBar, YearQuarterForm


class SearchForm(FilterBar, YearQuarterForm):
    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. night shift, unpaid wages")}
        ),
    )
    field_order = ["q", "year", "quarter"]
