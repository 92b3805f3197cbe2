"""The register's form: a period and its filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import DateInput, YearQuarterForm
from unions.models import Department


class RegisterForm(YearQuarterForm):
    """The period and department of the record register: a year (and quarter), or two dates."""

    all_years = False
    start = forms.DateField(label=_("Or from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            # A department head: their own department, and no "all".
            self.fields["department"].queryset = departments
            self.fields["department"].empty_label = None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both dates, or none and a year."))
            if start > end:
                raise forms.ValidationError(_("The start date is after the end date."))
        elif not data.get("year"):
            self.add_error("year", _("Choose a year, or give two dates."))
        return data
