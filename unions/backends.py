"""The login backend: Django's ModelBackend, reading a request's user with their cadre profile
and its department in the same query. Every page shows the cadre in its header and most pages
ask for it (`roles.cadre_of`): a query of its own on every request, a sixth of a cached home's
time (BENCHMARKS.md)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class CadreModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("cadre__department")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
