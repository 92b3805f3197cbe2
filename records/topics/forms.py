from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import DateInput
from records.models import ResearchTopic


class TopicForm(forms.ModelForm):
    class Meta:
        model = ResearchTopic
        fields = ["title", "question", "starts_on", "ends_on", "departments"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "departments": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("starts_on"), cleaned_data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned_data
