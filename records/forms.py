"""Form parts shared by the record features: widgets, text limits, the filter bar, the year and
quarter filter. Forms clean values; the rules are in each feature's services."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

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


class UnionSelect(forms.widgets.ChoiceWidget):
    """The union as one tap: the choices it is given (the cadre's own units and the chosen
    union) as radio chips, and a search box that adds any other active union as a chip
    (record_form.js) — the field itself accepts any active union. A ChoiceWidget, not a
    RadioSelect, so that crispy-forms renders this template instead of its radio list."""

    input_type = "radio"
    template_name = "records/widgets/union_select.html"
    option_template_name = "django/forms/widgets/radio_option.html"
    use_fieldset = True

    def id_for_label(self, id_, index=None):
        # A link to the field (the error summary) goes to the first chip.
        return f"{id_}_0" if id_ and index is None else super().id_for_label(id_, index)


def version_field() -> forms.IntegerField:
    """The version of the sheet or problem the page showed (optimistic locking: the service
    refuses a save when the stored version has moved on). Empty on a new sheet."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class QuickSelect(forms.Select):
    """A <select> written in one pass. Django's Select renders a template per option: a filter
    bar offering the federation's 300 cadres spent ~70 ms of the record list and the ledger on
    them (BENCHMARKS.md). The same HTML, straight from the choices (no option dict per option),
    for a flat list: one with option groups goes through Django's Select."""

    def render(self, name, value, attrs=None, renderer=None):
        # Through iter(): list() of the choices themselves would count them first (len).
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        rows, chosen = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            # As Django's Select: only the first option of the value is selected.
            selected = not chosen and option_value in wanted
            chosen = chosen or selected
            # markupsafe's escape (C), not format_html per option: Django's escape checks
            # every argument for a lazy string first, most of the bar's time for 300 options.
            rows.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(rows)),
        )


class NameChoiceIterator(forms.models.ModelChoiceIterator):
    """A ModelChoiceField's choices as (pk, name) read straight from the database: no model
    instance per option (the filter bars' 300 cadres, BENCHMARKS.md)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField of a model shown by its `name` (cadres, departments) in a filter bar.
    Its value is cleaned as any ModelChoiceField's: an id outside the queryset is refused."""

    iterator = NameChoiceIterator


# Bootstrap's class for each kind of widget in a filter bar (templates/_filter_fields.html).
FILTER_WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select"}


def style_filter_fields(form: forms.Form) -> None:
    """Give every visible widget of a GET filter bar Bootstrap's class: the bar is rendered by
    templates/_filter_fields.html, not field by field through crispy-forms (BENCHMARKS.md)."""
    for field in form.visible_fields():
        css = FILTER_WIDGET_CLASSES.get(field.widget_type, "form-control")
        field.field.widget.attrs.setdefault("class", css)
        if type(field.field.widget) is forms.Select:
            field.field.widget.__class__ = QuickSelect


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
