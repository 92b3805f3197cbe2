"""/healthz/: whether this instance can serve — the database, the shared cache, MEDIA_ROOT
writable, and the task worker alive (django-health-check; the worker's check is ours)."""
