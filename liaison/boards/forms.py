"""Forms of the notice boards' pages: the public opinion form and the opinion list's filter."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from liaison.boards import receipts
from liaison.models import (
    OPINION_NAME_MAX_LENGTH,
    OPINION_PHONE_MAX_LENGTH,
    OPINION_TEXT_MAX_LENGTH,
    Opinion,
)
from records.forms import DateInput, NameChoiceField, YearQuarterForm
from records.models import Problem
from unions.models import Cadre, Department, Street

# A field people never see (moved off screen, skipped by the keyboard): a bot filling every
# input fills it too. Named like a field bots like to fill.
HONEYPOT_FIELD = "website"

validate_phone = RegexValidator(
    r"^[0-9+()\- ]*$", _("A phone number has only digits, spaces and + - ( ).")
)


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Your need or opinion"),
        max_length=OPINION_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Problem.Category.choices,
        initial=Problem.Category.OTHER,
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=OPINION_NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=OPINION_PHONE_MAX_LENGTH,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    @staticmethod
    def honeypot_filled(data) -> bool:
        """A bot filled the field no person sees: the submission is dropped without a word."""
        return bool(data.get(HONEYPOT_FIELD, "").strip())


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Problem.Satisfaction.choices,
        widget=forms.RadioSelect,
    )


class ReceiptFindForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_(
            "16 letters and digits, e.g. 7KQ2-M9XD-4HVA-3RTC; case and dashes do not matter."
        ),
    )

    def clean_code(self):
        code = receipts.normalized(self.cleaned_data["code"])
        if len(code) != receipts.CODE_LENGTH or set(code) - set(receipts.ALPHABET):
            raise forms.ValidationError(
                _("A receipt code has 16 letters and digits. Check it against your receipt.")
            )
        return code


class OpinionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the worker"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The worker reads it with their receipt, without anyone's name: write what was done "
            "or what they can do, no names or phone numbers."
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class OpinionFilterForm(YearQuarterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + Opinion.Status.choices,
        required=False,
    )
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Problem.Category.choices],
    )
    street = forms.ChoiceField(
        label=_("Street"), required=False, choices=[("", _("All streets")), *Street.choices]
    )

    cadre = NameChoiceField(
        label=_("Contact cadre"),
        required=False,
        queryset=Cadre.objects.none(),
        empty_label=_("All cadres"),
    )
    department = NameChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    start = forms.DateField(label=_("Or from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    field_order = [
        "q",
        "status",
        "category",
        "cadre",
        "department",
        "street",
        "year",
        "quarter",
        "start",
        "end",
    ]

    def __init__(self, *args, cadres=None, departments=None, **kwargs):
        """`cadres` and `departments`: those of the user's scope (a cadre only themselves)."""
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
