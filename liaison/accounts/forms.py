"""The settings page's form: it only cleans values; accounts.services applies the rules."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from records.notifications import wecom


class AccountSettingsForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("Notifications and password resets are sent here."),
    )
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    wecom_userid = forms.CharField(
        label=_("WeChat Work account"),
        max_length=64,
        required=False,
        help_text=_("Your account (userid) in the federation's WeChat Work."),
    )
    notify_email = forms.BooleanField(label=_("Notify me by e-mail"), required=False)
    notify_wecom = forms.BooleanField(label=_("Notify me in WeChat Work"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.WECOM_USERID_EDITABLE:
            # Set by an administrator or the org import; shown read-only on the page.
            del self.fields["wecom_userid"]
        if not wecom.configured():
            del self.fields["notify_wecom"]
