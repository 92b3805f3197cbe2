"""The worker's heartbeat: a task that does nothing but say when it ran."""

from django.utils import timezone
from django_tasks import task

from liaison.models import WorkerHeartbeat

# Before any waiting export: the check asks whether the worker runs tasks at all, not how long
# the queue is.
HEARTBEAT_PRIORITY = 100


@task(priority=HEARTBEAT_PRIORITY)
def heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(pk=1, defaults={"beat_at": timezone.now()})
