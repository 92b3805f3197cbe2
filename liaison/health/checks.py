"""The task worker's health check (a django-health-check plugin).

Each run of the check makes sure a heartbeat is on its way to the worker (enqueued unless one
is already waiting), and is green when the worker ran one within HEALTH_WORKER_MINUTES. A
heartbeat waiting longer than that is taken as lost (its task row deleted, a worker killed in
the middle) and a new one is enqueued. The monitoring polls /healthz/ more often than that
limit, so a live worker always has a recent heartbeat to show.
"""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from health_check import HealthCheck
from health_check.exceptions import ServiceUnavailable

from liaison.health.tasks import heartbeat
from liaison.models import WorkerHeartbeat


def heartbeat_request(now: datetime.datetime, *, limit: datetime.timedelta) -> bool:
    """Enqueue a heartbeat unless one enqueued within `limit` still waits for the worker.
    True when this call enqueued it (of two checks at once, one does)."""
    WorkerHeartbeat.objects.get_or_create(pk=1)
    claimed = (
        WorkerHeartbeat.objects.filter(pk=1)
        .filter(
            Q(enqueued_at__isnull=True)
            | Q(enqueued_at__lte=F("beat_at"))
            | Q(enqueued_at__lt=now - limit)
        )
        .update(enqueued_at=now)
    )
    if claimed:
        heartbeat.enqueue()
    return bool(claimed)


@dataclasses.dataclass
class Worker(HealthCheck):
    """The task worker (`manage.py db_worker`, liaison-worker.service) ran a heartbeat within
    `minutes`."""

    minutes: int = dataclasses.field(default_factory=lambda: settings.HEALTH_WORKER_MINUTES)

    async def run(self):
        # In the request's own thread and database connection (thread_sensitive).
        await sync_to_async(self.check)()

    def check(self) -> None:
        limit = datetime.timedelta(minutes=self.minutes)
        heartbeat_request(timezone.now(), limit=limit)
        beat_at = WorkerHeartbeat.objects.values_list("beat_at", flat=True).get(pk=1)
        now = timezone.now()
        if beat_at is None:
            raise ServiceUnavailable(
                _("The task worker has never reported: is liaison-worker running?")
            )
        if now - beat_at > limit:
            raise ServiceUnavailable(
                _(
                    "The task worker last reported %(minutes)d minutes ago, at %(time)s (the "
                    "limit is %(limit)d minutes): is liaison-worker running?"
                )
                % {
                    "minutes": (now - beat_at) // datetime.timedelta(minutes=1),
                    "time": timezone.localtime(beat_at).strftime("%Y-%m-%d %H:%M"),
                    "limit": self.minutes,
                }
            )
