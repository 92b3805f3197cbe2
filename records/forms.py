"""Forms clean values; the rules of filing are in records.services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from records.models import (
    CONTENT_AREA_FIELDS,
    INTEGRITY_FIELDS,
    ContactForm,
    ContentArea,
    Problem,
    VisitRecord,
)
from unions.models import Cadre, Department, GrassrootsUnion, Street

INTEGRITY_ANSWERS = [("False", _("Declined")), ("True", _("Accepted (explain below)"))]

# What a file must begin with to be what it claims: the type is read from the content.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


# The longest text each box of the record sheet and of a problem takes. The model's fields are
# TextFields without a limit (the database keeps any length); the page refuses more, said by
# the field, and the browser stops typing at it.
RECORD_TEXT_LIMITS = {
    "questions_prepared": 4000,
    "people_met": 2000,
    "needs_and_opinions": 4000,
    "policies_publicised": 4000,
    "actions_on_spot": 4000,
    "integrity_explanation": 1000,
}
PROBLEM_TEXT_LIMITS = {"description": 2000, "action_on_spot": 2000}


def limit_text(form: forms.BaseForm, limits: dict[str, int]) -> None:
    for name, limit in limits.items():
        field = form.fields[name]
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = str(limit)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnionSelect(forms.Select):
    """Renders only the choices it is given (the cadre's own units and the chosen union):
    the field itself accepts any active union, found by the search box above it."""

    template_name = "records/widgets/union_select.html"


def version_field() -> forms.IntegerField:
    """The version of the sheet or problem the page showed (optimistic locking: the service
    refuses a save when the stored version has moved on). Empty on a new sheet."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class VisitRecordForm(forms.ModelForm):
    content_areas = forms.MultipleChoiceField(
        label=_("Content areas"),
        choices=ContentArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = version_field()

    class Meta:
        model = VisitRecord
        fields = [
            "union",
            "start_date",
            "end_date",
            "days",
            "contact_form",
            "questions_prepared",
            "people_met",
            "workers_met",
            "needs_and_opinions",
            "policies_publicised",
            "actions_on_spot",
            *INTEGRITY_FIELDS,
            "integrity_explanation",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "days": forms.NumberInput(attrs={"step": "0.5", "min": "0", "inputmode": "decimal"}),
            "contact_form": forms.RadioSelect,
            "workers_met": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "questions_prepared",
                    "people_met",
                    "needs_and_opinions",
                    "policies_publicised",
                    "actions_on_spot",
                    "integrity_explanation",
                )
            },
        }

    def __init__(self, *args, my_union_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = GrassrootsUnion.objects.active()
        self.fields["union"].widget = UnionSelect()
        self.fields["union"].widget.choices = self._union_choices(set(my_union_ids))
        self.fields["contact_form"].choices = ContactForm.choices
        limit_text(self, RECORD_TEXT_LIMITS)
        # A draft may be incomplete: filing (records.services) says what is missing.
        for name in ("contact_form", "days", "workers_met"):
            self.fields[name].required = False
        for name in INTEGRITY_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=INTEGRITY_ANSWERS,
                coerce=lambda value: value == "True",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["content_areas"] = [str(a) for a in self.instance.content_areas]
            for name in INTEGRITY_FIELDS:
                value = getattr(self.instance, name)
                self.initial[name] = "" if value is None else str(value)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Fieldset(
                _("The contact"),
                "union",
                Div(
                    Div("start_date", css_class="col-6"),
                    Div("end_date", css_class="col-6"),
                    css_class="row g-2",
                ),
                "days",
                "contact_form",
                "content_areas",
            ),
            Fieldset(
                _("Before and during the contact"),
                "questions_prepared",
                "people_met",
                "workers_met",
                "needs_and_opinions",
                "policies_publicised",
                "actions_on_spot",
            ),
            Fieldset(
                _("Integrity (the eight-point rules)"),
                HTML(
                    '<p class="small text-muted">{% load i18n %}{% translate "No transport, '
                    'no gifts, no banquets from the grassroots." %}</p>'
                ),
                *INTEGRITY_FIELDS,
                "integrity_explanation",
            ),
        )

    def _union_choices(self, my_union_ids: set[int]):
        """The cadre's units first; then the union already chosen (or typed), if another."""
        chosen = self.data.get(self.add_prefix("union")) if self.is_bound else None
        chosen = chosen or self.initial.get("union") or self.instance.union_id
        mine = list(
            GrassrootsUnion.objects.filter(pk__in=my_union_ids)
            .order_by("name")
            .values_list("pk", "name")
        )
        choices = [("", _("— choose a grassroots union —"))]
        if mine:
            choices.append((_("My contact units"), mine))
        if chosen and str(chosen).isdigit() and int(chosen) not in my_union_ids:
            other = GrassrootsUnion.objects.filter(pk=chosen).values_list("pk", "name").first()
            if other:
                choices.append((_("Other grassroots unions (not assigned to me)"), [other]))
        return choices

    def clean_content_areas(self):
        return [ContentArea(value) for value in self.cleaned_data["content_areas"]]

    def clean_days(self):
        days = self.cleaned_data.get("days")
        # An empty box on a draft keeps the default; filing checks the days against the dates.
        return days if days is not None else VisitRecord._meta.get_field("days").default

    def clean_workers_met(self):
        return self.cleaned_data.get("workers_met") or 0

    def clean(self):
        cleaned_data = super().clean()
        # Said here, on the end date: otherwise the model's check constraint answers first,
        # with its own name ("record_end_not_before_start") as the whole message.
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned_data

    def _post_clean(self):
        areas = set(self.cleaned_data.get("content_areas") or [])
        for area, name in CONTENT_AREA_FIELDS.items():
            setattr(self.instance, name, area in areas)
        super()._post_clean()


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["description", "category", "resolution", "action_on_spot", "department", "leader"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "action_on_spot": forms.Textarea(attrs={"rows": 2}),
            "resolution": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()
        self.fields["leader"].queryset = (
            Cadre.objects.active().leaders().select_related("department")
        )
        self.fields["leader"].label_from_instance = lambda c: f"{c.name}（{c.department}）"
        self.fields["resolution"].choices = Problem.Resolution.choices
        limit_text(self, PROBLEM_TEXT_LIMITS)


# Problems one sheet may raise. Also the most problem rows a POST can make the page build: the
# formset's default (up to 2,000 rows for any TOTAL_FORMS) let one request render 13 MB in 20 s.
PROBLEMS_PER_SHEET = 20
ProblemFormSet = inlineformset_factory(
    VisitRecord,
    Problem,
    form=ProblemForm,
    extra=0,
    can_delete=True,
    max_num=PROBLEMS_PER_SHEET,
    validate_max=True,
    absolute_max=PROBLEMS_PER_SHEET,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentField, self).clean(item, initial) for item in files]


class AttachmentForm(forms.Form):
    """New files for a sheet. Each valid file is stored at once (pending), so it survives a
    form error elsewhere on the page; `pending` carries those already stored."""

    files = AttachmentField(
        label=_("Photos and sign-in sheets"),
        required=False,
        help_text=_("Images (JPEG, PNG, GIF, WebP) or PDF."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    pending = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_files(self):
        limit = settings.RECORDS_ATTACHMENT_MAX_BYTES
        checked = []
        for upload in self.cleaned_data["files"]:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)s.")
                    % {"name": upload.name, "limit": filesizeformat(limit)}
                )
            head = upload.read(16)
            upload.seek(0)
            content_type = sniff_content_type(head)
            if content_type is None:
                raise forms.ValidationError(
                    _("%(name)s is not an image or a PDF.") % {"name": upload.name}
                )
            checked.append((upload, content_type))
        return checked

    def clean_pending(self):
        # Ids the page itself wrote: anything else (not a number, beyond any id a database
        # holds) names no file of this user's and is left out, never looked up.
        raw = self.cleaned_data["pending"]
        parts = (part.strip() for part in raw.split(",")[:MAX_PENDING])
        return [int(part) for part in parts if part.isdecimal() and len(part) <= 18]


MAX_PENDING = 50  # files chosen on one sheet


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


# Bootstrap's class for each kind of widget in a filter bar (templates/_filter_fields.html).
FILTER_WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select"}


def style_filter_fields(form: forms.Form) -> None:
    """Give every visible widget of a GET filter bar Bootstrap's class: the bar is rendered by
    templates/_filter_fields.html, not field by field through crispy-forms (BENCHMARKS.md)."""
    for field in form.visible_fields():
        css = FILTER_WIDGET_CLASSES.get(field.widget_type, "form-control")
        field.field.widget.attrs.setdefault("class", css)


class FilterBar:
    """A form shown as a filter bar (style_filter_fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self)


class YearQuarterForm(forms.Form):
    """A year and an optional quarter to filter by; the view gives the years to offer."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("All quarters")), (1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))],
    )
    all_years = True  # offer "all years" (a filter) or not (a period that needs a year)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = [(y, str(y)) for y in years]
        self.fields["year"].choices = (
            [("", _("All years")), *offered] if self.all_years else offered
        )


class RecordFilterForm(FilterBar, YearQuarterForm):
    union = forms.CharField(
        label=_("Grassroots union"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Part of the name"), "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *VisitRecord.Status.choices],
    )
    contact_form = forms.ChoiceField(
        label=_("Form of contact"),
        required=False,
        choices=[("", _("All forms")), *ContactForm.choices],
    )


# --- The problem loop ----------------------------------------------------------------------


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

    field_order = ["status", "department", "street", "category", "year", "quarter", "overdue"]


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
