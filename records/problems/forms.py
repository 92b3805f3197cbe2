"""The problem loop's step forms and the ledger filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import DateInput, FilterBar, YearQuarterForm, version_field
from records.models import (
    Problem,
)
from unions.models import Cadre, Department, Street


def _leaders():
    return Cadre.objects.active().leaders().select_related("department")


class ProblemStepForm(forms.Form):
    """A step of the problem loop, carrying the version of the problem its page showed."""

    version = version_field()


class NoteForm(ProblemStepForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(NoteForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    leader = forms.ModelChoiceField(
        label=_("Leader (optional)"), queryset=Cadre.objects.none(), required=False
    )
    urgent = forms.BooleanField(label=_("Urgent (a shorter deadline)"), required=False)

    field_order = ["department", "leader", "urgent", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _leaders()
        self.fields["leader"].label_from_instance = lambda c: f"{c.name}（{c.department}）"


class RetransferForm(TransferForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["urgent"]


class AnswerForm(ProblemStepForm):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(ProblemStepForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(ProblemStepForm):
    reason = forms.CharField(
        label=_("Reason (required before feedback)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(NoteForm):
    feedback_on = forms.DateField(label=_("Feedback date"), widget=DateInput())
    feedback_method = forms.ChoiceField(
        label=_("How"), choices=Problem.FeedbackMethod.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("The grassroots' satisfaction"),
        choices=Problem.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    field_order = ["feedback_on", "feedback_method", "satisfaction", "note"]


class DeadlineForm(NoteForm):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    field_order = ["deadline", "note"]


class LedgerFilterForm(FilterBar, YearQuarterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Problem.Status.choices],
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )
    street = forms.ChoiceField(
        label=_("Street"), required=False, choices=[("", _("All streets")), *Street.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Problem.Category.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("In the descriptions")}),
    )

    field_order = ["q", "status", "department", "street", "category", "year", "quarter", "overdue"]
