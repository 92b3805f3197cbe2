"""Accounts: a user's own settings, the activation of an account through its one-time link, and
for the organization department the accounts still to activate (a printable sheet of links and
QR codes, or the links sent by e-mail and WeChat Work). Django's own password change and reset
views are wired in liaison/accounts/urls.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.accounts import services
from liaison.accounts.forms import AccountSettingsForm
from liaison.accounts.tokens import LinkStatus
from liaison.boards.board import qr_svg
from records.notifications import wecom
from unions.models import UserPreference
from unions.permissions import require_permission
from unions.roles import cadre_of


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    user = request.user
    preference = UserPreference.objects.filter(user=user).first() or UserPreference(user=user)
    initial = {
        "email": user.email,
        "mobile": preference.mobile,
        "wecom_userid": preference.wecom_userid,
        "notify_email": preference.notify_email,
        "notify_wecom": preference.notify_wecom,
    }
    form = AccountSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.account_settings_update(
                    user=user,
                    email=data["email"],
                    mobile=data["mobile"],
                    notify_email=data["notify_email"],
                    notify_wecom=data.get("notify_wecom", preference.notify_wecom),
                    wecom_userid=data.get("wecom_userid"),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your settings are saved."))
                return redirect("accounts:settings")
        status = 400
    return render(
        request,
        "liaison/account_settings.html",
        {
            "form": form,
            "cadre": cadre_of(user),
            "preference": preference,
            "wecom_configured": wecom.configured(),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, uidb64: str, token: str):
    """The person's first visit: set a password, then they are logged in. A used, expired or
    foreign link says so, and what to do."""
    user = services.user_for_link(uidb64)
    status = services.link_status(user, token)
    if status != LinkStatus.VALID:
        return render(request, "liaison/activate.html", {"status": status}, status=200)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_activate(
                user=user, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error("new_password2", error)
        else:
            login(request, user, backend="unions.backends.CadreModelBackend")
            messages.success(request, _("Your password is set. Welcome!"))
            return redirect("home")
    return render(
        request,
        "liaison/activate.html",
        {"status": status, "form": form, "account": user, "cadre": getattr(user, "cadre", None)},
        status=400 if form.is_bound else 200,
    )


@require_permission("liaison.activate_accounts")
@require_GET
def activation_list(request):
    accounts = list(services.accounts_to_activate())
    for account in accounts:
        account.channels = services.activation_channels(account)
    return render(
        request,
        "liaison/activation_list.html",
        {
            "accounts": accounts,
            "reachable": sum(1 for account in accounts if account.channels),
            "days": settings.ACTIVATION_DAYS,
        },
    )


@require_permission("liaison.activate_accounts")
@require_GET
def activation_sheet(request):
    """One card per person on A4: name, department, login name, the link as text and as a QR
    code. Each print makes new links (valid ACTIVATION_DAYS from now)."""
    cards = []
    for account in services.accounts_to_activate():
        link = services.activation_link(account, request)
        cards.append({"account": account, "link": link, "qr": qr_svg(link)})
    return render(
        request,
        "liaison/activation_sheet.html",
        {"cards": cards, "days": settings.ACTIVATION_DAYS},
    )


@require_permission("liaison.activate_accounts")
@require_POST
def activation_send(request):
    reached, unreachable = services.activation_links_send(
        users=services.accounts_to_activate(), base_url=request.build_absolute_uri("/")
    )
    messages.success(
        request,
        _(
            "Activation links are being sent to %(reached)s people. %(unreachable)s have neither "
            "an e-mail address nor a WeChat Work account: print their cards."
        )
        % {"reached": reached, "unreachable": unreachable},
    )
    return redirect("accounts:activation-list")


class ResetView(PasswordResetView):
    """Django's reset by e-mail (only for accounts with an address and a password: an account
    never activated needs its activation link), the link on PUBLIC_BASE_URL when set."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        self.extra_email_context = {"base_url": settings.PUBLIC_BASE_URL.rstrip("/")}
        return super().form_valid(form)
