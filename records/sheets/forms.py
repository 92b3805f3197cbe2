"""The work record sheet's forms: the sheet, its problems, attachments, return, the list filter.
Forms clean values; the rules of filing are in records.sheets.services."""

import operator
from collections.abc import Callable
from functools import cache, partial

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.choices import CallableChoiceIterator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from records.forms import (
    PROBLEM_TEXT_LIMITS,
    RECORD_TEXT_LIMITS,
    DateInput,
    FilterBar,
    NameChoiceField,
    UnionSelect,
    YearQuarterForm,
    limit_text,
    version_field,
)
from records.models import (
    CONTENT_AREA_FIELDS,
    INTEGRITY_FIELDS,
    REPEATED_TEXTS,
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


# The fields a sheet needs to be filed (a draft saves without them): each carries a mark,
# explained at the top of the form. The union is needed even by a draft (its own mark).
FILING_REQUIRED = (
    "start_date",
    "days",
    "contact_form",
    "content_areas",
    "questions_prepared",
    *INTEGRITY_FIELDS,
)


def to_file(name: str) -> Field:
    return Field(name, wrapper_class="filing-required")


class PickableTextarea(forms.Textarea):
    """A text box with the cadre's last entries under it, as chips: one tap fills it in
    (record_form.js)."""

    template_name = "records/widgets/pickable_textarea.html"
    # The entries, or a function giving them: read only when the box is shown.
    recent: list[str] | Callable[[], list[str]] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["recent"] = self.recent() if callable(self.recent) else self.recent
        return context


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
            "topic",
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

    def __init__(self, *args, my_union_ids=(), recent_texts=None, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A research topic the contact served: the open topics the cadre may see (and the one
        # already chosen); without any, the field is left out.
        offered = list(topics) if topics is not None else []
        if offered:
            # Read once: the choices shown from the list, a posted one checked in the query.
            self.fields["topic"].queryset = topics
            self.fields["topic"].choices = [("", _("None"))] + [(t.pk, str(t)) for t in offered]
            self.fields["topic"].help_text = _(
                "If the contact served a research topic of the organization department."
            )
        else:
            del self.fields["topic"]
        # What only the page shows (the last entries, the union chips) is read when it is shown:
        # a sheet saved or filed at once never reads them. `recent_texts` and `my_union_ids`
        # may be lazy (the view's SimpleLazyObject).
        if recent_texts is not None:
            for name in REPEATED_TEXTS:
                widget = PickableTextarea(attrs=self.fields[name].widget.attrs)
                widget.recent = partial(operator.getitem, recent_texts, name)
                self.fields[name].widget = widget
        self.fields["union"].queryset = GrassrootsUnion.objects.active()
        self.fields["union"].widget = UnionSelect()
        self.fields["union"].widget.choices = CallableChoiceIterator(
            cache(lambda: self._union_choices(set(my_union_ids)))
        )
        self.fields["contact_form"].choices = ContactForm.choices
        limit_text(self, RECORD_TEXT_LIMITS)
        # The page's order, which the error summary follows.
        self.order_fields(
            ["version", "union", "start_date", "end_date", "days", "contact_form", "content_areas"]
        )
        self.fields["questions_prepared"].help_text = _("Not needed for a phone or WeChat contact.")
        self.fields["end_date"].help_text = _(
            "Follows the start date: change it only for a contact over several days."
        )
        self.fields["days"].help_text = _(
            "Proposed from the working days of the dates and the days you have already filed "
            "on them; in half-day steps; a phone or WeChat contact may count 0."
        )
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
        if not self.is_bound and not self.instance.workers_met:
            # Counts start empty: a 0 would only be cleared again.
            self.initial["workers_met"] = None
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
                    Div(to_file("start_date"), css_class="col-6"),
                    Div("end_date", css_class="col-6"),
                    css_class="row g-2",
                ),
                to_file("days"),
                to_file("contact_form"),
                to_file("content_areas"),
            ),
            Fieldset(
                _("Before and during the contact"),
                to_file("questions_prepared"),
                "people_met",
                "workers_met",
                "needs_and_opinions",
                "policies_publicised",
                "actions_on_spot",
                *(["topic"] if "topic" in self.fields else []),
            ),
            Fieldset(
                _("Integrity (the eight-point rules)"),
                # A gettext call, not {% translate %} inside the HTML string: makemessages
                # does not read template tags in a Python string, so that text stayed English.
                HTML(
                    format_html(
                        '<p class="small text-muted">{}</p>'
                        # One tap answers the three (record_form.js); each stays a choice.
                        '<button type="button" class="btn btn-outline-success w-100 mb-2 '
                        'd-none" id="integrity-all-declined">{}</button>',
                        _("No transport, no gifts, no banquets from the grassroots."),
                        _("I declined all three"),
                    )
                ),
                *(to_file(name) for name in INTEGRITY_FIELDS),
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
        choices = list(mine)
        if chosen and str(chosen).isdigit() and int(chosen) not in my_union_ids:
            other = GrassrootsUnion.objects.filter(pk=chosen).values_list("pk", "name").first()
            if other:
                choices.append(other)
        return choices

    def clean_content_areas(self):
        return [ContentArea(value) for value in self.cleaned_data["content_areas"]]

    def clean_workers_met(self):
        return self.cleaned_data.get("workers_met") or 0

    def clean(self):
        cleaned_data = super().clean()
        # Said here, on the end date: otherwise the model's check constraint answers first,
        # with its own name ("record_end_not_before_start") as the whole message.
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end is None and "end_date" not in self.errors:
            # A one-day contact gives its start date only.
            cleaned_data["end_date"] = end = start
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


class RecordFilterForm(FilterBar, YearQuarterForm):
    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("In the needs and opinions")}
        ),
    )
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
    street = forms.ChoiceField(
        label=_("Street"), required=False, choices=[("", _("All streets")), *Street.choices]
    )
    needs = forms.BooleanField(label=_("Recorded workers' needs"), required=False)
    cadre = NameChoiceField(
        label=_("Cadre"), required=False, queryset=Cadre.objects.none(), empty_label=_("All cadres")
    )
    department = NameChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    start = forms.DateField(label=_("Or from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    integrity = forms.BooleanField(label=_("Integrity exception"), required=False)
    outside = forms.BooleanField(label=_("Outside the assignment"), required=False)
    # The analysis and a topic's page link here; the topic is only a filter of the sheets the
    # user may read anyway, so its id needs no check of its own.
    topic = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, cadres=None, departments=None, **kwargs):
        """`cadres` and `departments`: the choices this user's scope offers (a cadre only
        themselves): another's id is a form error, never a wider list."""
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres if cadres is not None else Cadre.objects.none()
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The start date is after the end date."))
        return data


# --- The problem loop ----------------------------------------------------------------------
