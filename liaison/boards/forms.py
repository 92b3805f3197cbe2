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
from records.forms import YearQuarterForm
from records.models import Problem
from unions.models import Street

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

    field_order = ["q", "status", "category", "street", "year", "quarter"]
