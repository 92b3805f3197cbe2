from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.models import QUARTER_CHOICES, MeetingDecision, QuarterlyMeeting
from records.forms import DateInput
from records.models import Problem
from unions.models import Cadre, Department


class MeetingCreateForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=QUARTER_CHOICES)
    date = forms.DateField(label=_("Meeting date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in (year - 1, year, year + 1)]


class MeetingRecordForm(forms.ModelForm):
    class Meta:
        model = QuarterlyMeeting
        fields = ["date", "attendees", "other_attendees", "minutes"]
        widgets = {
            "date": DateInput(),
            "attendees": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The federation's leaders and department heads attend; a few dozen people at most.
        self.fields["attendees"].queryset = (
            Cadre.objects.active().leaders().select_related("department")
        )
        self.fields["attendees"].label_from_instance = lambda c: f"{c.name}（{c.department}）"


class DecisionForm(forms.Form):
    """One per agenda problem. The departments are read once for the whole page and handed
    in (`departments`), so twenty forms do not make twenty queries."""

    kind = forms.ChoiceField(label=_("Decision"), choices=MeetingDecision.Kind.choices)
    department = forms.TypedChoiceField(
        label=_("To department (for a transfer)"), coerce=int, required=False, empty_value=None
    )
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Reason / note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, departments: dict[int, Department], **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = departments
        self.fields["department"].choices = [("", "---------")] + [
            (pk, department.name) for pk, department in departments.items()
        ]

    def clean_department(self):
        pk = self.cleaned_data["department"]
        return self.departments.get(pk) if pk is not None else None


class TopicOfTheQuarterForm(forms.Form):
    """本季一题: the hot issue the meeting picks, who leads it and by when."""

    category = forms.ChoiceField(label=_("Hot issue (category)"), choices=Problem.Category.choices)
    title = forms.CharField(label=_("Topic title"), max_length=100)
    question = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.all()
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
