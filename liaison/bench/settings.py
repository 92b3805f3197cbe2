"""Settings of a benchmark worker and of the gunicorn it starts: production's settings (read
from the environment the bench command sets: DEBUG off, the bench database), with collected
static files kept in the bench folder instead of the project's `staticfiles/`."""

import os

from liaison.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
