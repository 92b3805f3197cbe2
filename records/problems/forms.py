"""The problem loop's step forms and the ledger filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import (
    DateInput,
    FilterBar,
    NameChoiceField,
    YearQuarterForm,
    version_field,
)
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
        # "open": every status but closed; "waiting": with a department (the home's figures).
        choices=[
            ("", _("All statuses")),
            ("open", _("Open (not closed)")),
            ("waiting", _("With a department")),
            *Problem.Status.choices,
        ],
    )
    department = NameChoiceField(
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

    # The ledger is of transferred problems; the analysis links to all of a category's, or to
    # those solved on the spot.
    resolution = forms.ChoiceField(
        label=_("Handling"),
        required=False,
        choices=[
            ("", _("Transferred")),
            ("on_spot", _("Solved on the spot")),
            ("all", _("Transferred or solved on the spot")),
            # The analysis's count of transferred problems: those of filed sheets only.
            ("transfer", _("Transferred, on filed sheets")),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), ("answered", _("Answered")), ("fed_back", _("Fed back"))],
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        required=False,
        choices=[("", _("Any satisfaction")), *Problem.Satisfaction.choices],
    )
    topic = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Only the problems of filed sheets (those compliance and the assessment count).
    filed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # The raising cadre's department (the compliance dashboard's per department figures).
    cadre_department = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # One grassroots union (the assessment's per union figures).
    union = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    cadre = NameChoiceField(
        label=_("Cadre"), required=False, queryset=Cadre.objects.none(), empty_label=_("All cadres")
    )
    start = forms.DateField(label=_("Or from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    field_order = [
        "q",
        "status",
        "cadre",
        "department",
        "street",
        "category",
        "year",
        "quarter",
        "start",
        "end",
        "resolution",
        "outcome",
        "satisfaction",
        "overdue",
    ]

    def __init__(self, *args, cadres=None, **kwargs):
        """`cadres`: those whose problems the user may read; another's id is a form error."""
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres if cadres is not None else Cadre.objects.none()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The start date is after the end date."))
        return data


# --- Many problems in one step (the ledger) --------------------------------------------------

BULK_ACTION_CHOICES = [
    ("urge", _("Urge")),
    ("set_deadline", _("Change the deadline")),
    ("retransfer", _("Transfer to another department")),
]


class BulkStepForm(forms.Form):
    """What to do to many problems: the step and what it needs (a date, a department)."""

    action = forms.ChoiceField(label=_("Step"), choices=BULK_ACTION_CHOICES)
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DateInput())
    department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.all(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if (
            action == "set_deadline"
            and not cleaned.get("deadline")
            and "deadline" not in self.errors
        ):
            self.add_error("deadline", _("Give the new deadline."))
        if action == "retransfer" and not cleaned.get("department"):
            self.add_error("department", _("Choose the department the problem goes to."))
        return cleaned


class BulkForm(BulkStepForm):
    """The ledger's bulk bar: the problems ticked, or every overdue problem of the filter."""

    SELECTED, OVERDUE = "selected", "overdue"
    scope = forms.ChoiceField(
        label=_("Problems"),
        choices=[
            (SELECTED, _("The problems ticked")),
            (OVERDUE, _("All overdue problems in this filter")),
        ],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    problems = forms.TypedMultipleChoiceField(coerce=int, required=False)

    field_order = ["scope", "action", "deadline", "department", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id: which of them the user may act on is the ledger's query's to say.
        self.fields["problems"].valid_value = lambda value: str(value).isdigit()
        for name in ("action", "department"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("deadline", "note"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == self.SELECTED and not cleaned.get("problems"):
            self.add_error(
                "problems",
                _("Tick at least one problem, or choose all overdue problems in this filter."),
            )
        return cleaned


class BulkApplyForm(BulkStepForm):
    """The preview's confirmation: the step, and each problem with the version it showed."""

    versions = forms.CharField(widget=forms.MultipleHiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._versions = data.getlist("versions") if data is not None else []

    def clean_versions(self) -> dict[int, int]:
        versions = {}
        for pair in self._versions:
            pk, _sep, version = pair.partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("The list of problems is not valid."))
            versions[int(pk)] = int(version)
        if not versions:
            raise forms.ValidationError(_("The list of problems is not valid."))
        return versions
