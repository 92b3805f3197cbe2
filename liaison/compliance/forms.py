"""The GET forms of the compliance pages: they only clean the chosen period, filters and order."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.compliance.rules import ComplianceStatus
from liaison.models import QUARTER_CHOICES
from records.calendar import quarter_bounds, quarter_of
from records.forms import style_filter_fields
from unions.models import Department, Street

FIRST_YEAR = 2016  # as the contact points' years allow


def year_choices() -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class YearField(forms.TypedChoiceField):
    """A year the compliance pages cover, from FIRST_YEAR to this year. The dashboard and the
    assessment share it, so both refuse any other year with the same message."""

    def __init__(self, **kwargs):
        super().__init__(label=_("Year"), coerce=int, choices=year_choices, **kwargs)

    def validate(self, value):
        try:
            super().validate(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s."),
                code="invalid_choice",
                params={"first": FIRST_YEAR, "last": timezone.localdate().year},
            ) from None


class RankFilter:
    LEADER = "leader"
    OTHER = "other"
    CHOICES = [
        ("", _("All ranks")),
        (LEADER, _("Division level and above")),
        (OTHER, _("Other cadres")),
    ]


# The dashboard's columns, in the table's order, each sortable: the query parameter and the header.
SORT_CHOICES = [
    ("name", _("Cadre")),
    ("status", _("Status")),
    ("department", _("Department")),
    ("rank", _("Rank")),
    ("units", _("Contact units")),
    ("days", _("Days filed this year")),
    ("contacted", _("Units contacted")),
    ("records", _("Records filed")),
    ("timely", _("Filed on time")),
    ("raised", _("Problems raised")),
    ("transferred", _("Transferred")),
    ("overdue", _("Overdue")),
    ("fed_back", _("Fed back")),
    ("integrity", _("Integrity exceptions")),
]


class PeriodForm(forms.Form):
    """A year and a quarter that has started (the current one when none is given)."""

    year = YearField()
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=QUARTER_CHOICES)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = self.with_defaults(data)
        super().__init__(data, *args, **kwargs)
        style_filter_fields(self)

    @staticmethod
    def with_defaults(data):
        """The query with the period filled in, so the selects show what the page shows: this
        year, and its current quarter (the fourth of a past year)."""
        data = data.copy()
        today = timezone.localdate()
        if not data.get("year"):
            data["year"] = str(today.year)
        if not data.get("quarter"):
            this_year = data["year"] == str(today.year)
            data["quarter"] = str(quarter_of(today) if this_year else 4)
        return data

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if year and quarter and quarter_bounds(year, quarter)[0] > timezone.localdate():
            self.add_error("quarter", _("This quarter has not started yet."))
        return cleaned


class DashboardForm(PeriodForm):
    """The dashboard's period, filters and order. A department head does not choose the
    department (theirs), a cadre neither the department nor the rows (their own)."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    rank = forms.ChoiceField(label=_("Rank"), choices=RankFilter.CHOICES, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *ComplianceStatus.choices],
        required=False,
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)
    dir = forms.ChoiceField(
        choices=[("asc", "asc"), ("desc", "desc")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, choose_department: bool = True, choose_rows: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_department:
            self.fields["department"].queryset = Department.objects.all()
        else:
            del self.fields["department"]
        if not choose_rows:  # a cadre's page has one row: nothing to filter or sort
            for name in ("rank", "status", "sort", "dir"):
                del self.fields[name]
        style_filter_fields(self)


class AssessmentForm(forms.Form):
    year = YearField(required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    street = forms.ChoiceField(label=_("Street"), required=False)

    def __init__(self, data=None, *args, choose_department: bool = True, **kwargs):
        if data is not None and not data.get("year"):
            data = data.copy()
            data["year"] = str(timezone.localdate().year)
        super().__init__(data, *args, **kwargs)
        self.fields["street"].choices = [("", _("All streets")), *Street.choices]
        if choose_department:
            self.fields["department"].queryset = Department.objects.all()
        else:
            del self.fields["department"]
            del self.fields["street"]
        style_filter_fields(self)

    def clean_year(self):
        return self.cleaned_data.get("year") or timezone.localdate().year
