"""Form parts shared by the record features: widgets, text limits, the filter bar, the year and
quarter filter. Forms clean values; the rules are in each feature's services."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

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
    them (BENCHMARKS.md). The same HTML, without option groups (a filter bar has none)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


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
