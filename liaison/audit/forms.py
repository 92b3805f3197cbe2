from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from liaison.audit.selectors import Filters, kind_choices
from records.forms import DateInput, FilterBar


class AuditFilterForm(FilterBar, forms.Form):
    """The audit page's filters, in the URL: who, from when to when, what kind, which one."""

    person = forms.ModelChoiceField(
        get_user_model().objects.order_by("username"), required=False, label=_("Person")
    )
    start = forms.DateField(required=False, label=_("From"), widget=DateInput())
    end = forms.DateField(required=False, label=_("To"), widget=DateInput())
    kind = forms.ChoiceField(required=False, label=_("Kind of object"))
    object = forms.IntegerField(required=False, min_value=1, label=_("Object number"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + kind_choices()
        self.fields["person"].label_from_instance = lambda user: user.get_username()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> Filters:
        """The valid filters (none on an unbound form; a field in error filters nothing)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {name: v for name, v in self.cleaned_data.items() if name not in self.errors}
        person = data.get("person")
        return Filters(
            person=person.pk if person else None,
            start=data.get("start"),
            end=data.get("end"),
            kind=data.get("kind") or "",
            object=data.get("object"),
        )
