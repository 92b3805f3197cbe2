from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Work records")

    def ready(self):
        # The export kinds register their builders (records.exports.BUILDERS) on import.
        # Who may do what with sheets and problems (rules.add_perm on import).
        from records import permissions  # noqa: F401
