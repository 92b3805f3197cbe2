from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("443 contact points")

    def ready(self):
        from django.contrib import messages
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        def say_goodbye(sender, request, user, **kwargs):
            messages.success(request, _("You have logged out."))

        user_logged_out.connect(say_goodbye, dispatch_uid="liaison.say_goodbye", weak=False)

        from liaison.language.views import apply_at_login

        user_logged_in.connect(apply_at_login, dispatch_uid="liaison.language", weak=False)

        from liaison import permissions, security  # noqa: F401

        # Adds the workers' opinions to a problem's page and to the daily reminders (records
        # keeps the registries: it may not import liaison).
        from liaison.boards import problem_panel, reminders  # noqa: F401

        security.connect_signals()
