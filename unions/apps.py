from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Organization")

    def ready(self):
        # Who may do what with contact points (rules.add_perm on import).
        from unions import history, permissions  # noqa: F401

        # Versions saved by the import carry its user; role changes are logged.
        history.connect_signals()
