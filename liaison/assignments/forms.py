"""Forms of the assignment desk and the organization import: they only clean values; the
services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.assignments.selectors import assignable_cadres
from records.forms import FilterBar, NameChoiceField
from unions.models import YEAR_VALIDATORS, Cadre, Department, GrassrootsUnion, Street


class UnionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a grassroots union"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, street or credit code"),
                "autocomplete": "off",
            }
        ),
    )


class AssignForm(forms.Form):
    union = forms.ModelChoiceField(queryset=GrassrootsUnion.objects.all())
    # Where the desk returns to: the search the union was found by.
    q = forms.CharField(max_length=50, required=False)
    page = forms.IntegerField(min_value=1, required=False)


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cadre):
        # "李爱丽 · 宣传教育部 (1/2)": whom the union goes to and how many units they hold.
        return f"{cadre.name} · {cadre.department.name} ({cadre.units}/{cadre.unit_quota})"


class CoverageAssignForm(forms.Form):
    """An uncovered union of the list and the cadre to assign it to."""

    union = forms.ModelChoiceField(
        label=_("Grassroots union"),
        queryset=GrassrootsUnion.objects.all(),
        error_messages={"required": _("Choose a union in the list.")},
    )
    cadre = CadreChoiceField(
        label=_("Assign to"),
        queryset=None,
        empty_label=_("Choose a cadre"),
        error_messages={"required": _("Choose a cadre.")},
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = assignable_cadres(year)
        self.fields["cadre"].widget.attrs["class"] = "form-select"


class EndForm(forms.Form):
    ended_at = forms.DateField(
        label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the cadre left; the union closed")}),
    )


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    year = forms.IntegerField(
        label=_("Year of the contact points"),
        validators=YEAR_VALIDATORS,
        help_text=_("For the rows of the sheet 联系点 that give no year."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; import nothing"), required=False, initial=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PointFilterForm(FilterBar, forms.Form):
    """The contact point list's filters (the year is in the address)."""

    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Part of the name")}),
    )
    cadre = NameChoiceField(
        label=_("Cadre"), required=False, queryset=Cadre.objects.none(), empty_label=_("All cadres")
    )
    department = NameChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    street = forms.ChoiceField(
        label=_("Street"), required=False, choices=[("", _("All streets")), *Street.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), ("current", _("Current")), ("ended", _("Ended"))],
    )

    def __init__(self, *args, cadres, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["department"].queryset = departments
