"""The test run: the project's one settings file, with the environment a test client needs.

Only what cannot come from the environment is overridden here (the password hasher: the
production one is deliberately slow, and factories create hundreds of users).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tasks (exports, e-mail, reminders) run within the request that enqueues them: a test's
# database is not one a worker process can see (tests/records/register/test_worker.py starts
# real workers on a database of its own).
os.environ.setdefault("TASKS_IMMEDIATE", "true")

from liaison.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Static files come from the finders in tests; there is no collectstatic output to scan.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Each test is a transaction rolled back, so the generations the services bump on commit never
# change and a cached home would hide a test's own writes: no shared cache here, and no
# per-process one either (it keeps homes under keys of the shared cache's generations).
# tests/liaison/home/test_home_cache.py uses the database cache where it is the subject (the
# "database" alias only makes the test database get its table, as createcachetable does).
CACHES = {
    **CACHES,  # noqa: F405
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "local": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "liaison_cache",
    },
}

# /healthz/ probes a cache that keeps what it is given: the default one here is a dummy.
HEALTH_CACHE_ALIAS = "database"
# The receipt page counts misses in a cache that keeps them (rolled back with each test).
RECEIPT_RATE_CACHE_ALIAS = "database"
