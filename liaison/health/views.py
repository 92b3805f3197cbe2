"""/healthz/ for nginx, the monitoring and the upgrade procedure: 200 when every check passes,
500 otherwise. No login (it says nothing about anyone), never cached, plain text by default —
or JSON with ?format=json or Accept: application/json (django-health-check's formats)."""

from django.conf import settings
from health_check import Cache, Database, Storage
from health_check.views import HealthCheckView

from liaison.health.checks import Worker


class HealthView(HealthCheckView):
    def get_checks(self):
        yield Database()
        # The cache every process shares (the tests point it at their database cache).
        yield Cache(alias=settings.HEALTH_CACHE_ALIAS)
        # Writes, reads and deletes a file under MEDIA_ROOT (its health_check_storage_test/).
        yield Storage()
        yield Worker()

    def render_to_response(self, context, **response_kwargs):
        # The library's HTML page is English and needs its app's template: plain text instead.
        return self.render_to_response_text(response_kwargs.get("status", 200))


healthz = HealthView.as_view()
