"""Liaison settings: one file, every deployment difference read from the environment.

Variables are documented in `.env.example`. With nothing set, the app runs in development mode
on an SQLite file inside the project.
"""

import datetime
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Only ever used for local development; with DEBUG off the key must come from the environment.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "django.forms",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "unions",
    "records",
    "liaison",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the user's remembered choice, the cookie, else Chinese (never the browser's).
    "liaison.language.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison.security.SessionIdleMiddleware",
    # Logs every refused request (403, 429, a 404 from a page); sees the lockout answer too.
    "liaison.security.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
# A refused CSRF token: a page in Chinese in the site's layout, not Django's English one.
CSRF_FAILURE_VIEW = "liaison.errors.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unions.context_processors.roles",
                "liaison.context_processors.menu",
                "records.context_processors.notifications",
            ],
        },
    },
    {
        # Only the compliance dashboard's rows (liaison/compliance/views.py: rows_html): thousands
        # of rows at once (docs/decisions/0007-dashboard-rows-in-jinja2.md).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]

# Widgets render through the project's templates (templates/records/widgets/…).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "liaison.wsgi.application"

# Shared by every process (gunicorn's workers, the task worker): the cached homes are keyed by
# generations that a write in any process bumps (unions/cache.py). The database by default
# (its table made by `manage.py createcachetable`), Redis with CACHE_URL=redis://host:6379/0.
CACHES = {
    # Room for every cadre's home in both languages and the generations: beyond MAX_ENTRIES
    # (Django's default 300) the database cache deletes a third of its rows on the next write.
    "default": env.cache_url("CACHE_URL", default="dbcache://liaison_cache?max_entries=20000"),
    # What depends only on the code and the request (the menu), and copies of the homes cached
    # under the shared generations (liaison/home/views.py): exact in each process's memory, and
    # no round trip to the shared cache. Room for every cadre's home in one language.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
# The safety net of the cached home: the longest it is kept, in seconds (a change no service
# bumps a generation for, e.g. a union renamed in the admin, shows after it).
HOME_CACHE_SECONDS = env.int("HOME_CACHE_SECONDS", default=300)

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (a minute): a new connection per request cost every page a
# connection set-up (SQLite: opening the file and its pragmas; PostgreSQL: a backend process);
# health checks replace one that went away meanwhile (BENCHMARKS.md).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement a connection has run PREPARE_THRESHOLD
    # times prepared: the connection parses it once. Planned again for each run's values
    # (force_custom_plan): a plan made for any date range made the analysis 1.5 × slower.
    # Django turns preparing off for poolers in transaction mode (PgBouncer); we connect
    # straight to PostgreSQL. Pages 10-35 % faster (liaison/bench/NOTES.md).
    _threshold = env("DATABASE_PREPARE_THRESHOLD", default="5")
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("server_side_binding", True)
    _options.setdefault("prepare_threshold", None if _threshold == "off" else int(_threshold))
    _options.setdefault("options", "-c plan_cache_mode=force_custom_plan")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: a long read (an export of the whole register, built by its own
    # process) does not lock out the web app's writes, and readers never wait for a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # A transaction takes the write lock when it begins: one that read first and wrote after
    # (record_save) fails at once with "database is locked" when another process wrote
    # meanwhile, since SQLite cannot wait for a lock on a snapshot already stale; with
    # IMMEDIATE it waits up to the timeout instead (the mixed load of BENCHMARKS.md).
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

# The history (django-simple-history) is shown in the admin and never changed from a page: no
# "Revert" button (records.admin.HistoryReadOnlyAdmin also refuses the POST behind it).
SIMPLE_HISTORY_REVERT_DISABLED = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Who may do what (each app's permissions.py); views ask unions.permissions.may.
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, reading the user with their cadre (unions/backends.py).
    "unions.backends.CadreModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese, whatever the browser asks for: a phone set to English still shows the federation's
# Chinese UI. A user may choose English with the switch at the foot of every page (Django's
# set_language; remembered per user, liaison/language/). English msgids in the code, zh_Hans
# catalogue in locale/.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# Behind deploy/'s nginx: a download the permission check allowed is sent by nginx from its
# internal location over MEDIA_ROOT (an X-Accel-Redirect header, records/files.py) instead of
# being streamed by a gunicorn worker. Off: Django sends the file itself (runserver, tests).
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)
# jieba's prefix cache (records/terms/segment.py): built by the first process that segments a
# text, read by the next ones. Any directory the app may write.
TERMS_CACHE_DIR = env.path("TERMS_CACHE_DIR", default=Path(tempfile.gettempdir()) / "liaison-jieba")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="liaison@localhost")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; every value can be relaxed from the environment for a plain-HTTP
# intranet deployment, but the defaults are the safe ones.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# /healthz/ answers on plain HTTP too: it is asked by nginx and the monitoring on the machine.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A request body beyond these is answered 400 before any view sees it. Django's defaults,
# stated here: the largest form (a record sheet, six texts of at most 4,000 characters and its
# problems) is about 100 kB and 300 fields. Uploaded files do not count towards the memory size
# (they are streamed to disk above FILE_UPLOAD_MAX_MEMORY_SIZE); each upload checks its own
# size (RECORDS_ATTACHMENT_MAX_BYTES, ORG_IMPORT_MAX_BYTES), and a proxy in front should cap
# the whole request (nginx client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The only sources a page may use: our own static files (plus data: images, which Bootstrap's
# CSS uses for its icons). No inline script, style attribute or event handler anywhere; the
# shape is Django 6.0's SECURE_CSP (liaison/security.py sends it).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# A session ends after SESSION_IDLE_MINUTES without a request (each request moves the end
# forward), and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Each request moves it (liaison.security.SessionIdleMiddleware), writing the session at most
# once a minute instead of on every request.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address lock that pair (not the username for everyone, not the address for everyone) for
# LOGIN_LOCKOUT_MINUTES; a correct password during the lock does not get in. Counted in the
# database, so it holds across app processes. The address is read by the same rule as
# everywhere else (TRUSTED_PROXY_COUNT): a forged X-Forwarded-For does not dodge the lock.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "liaison.security.client_address"
AXES_LOCKOUT_CALLABLE = "liaison.security.lockout_response"
AXES_RESET_ON_SUCCESS = True

SILENCED_SYSTEM_CHECKS = [
    # security.W021: HSTS preload is a decision for the federation's network administrators
    # (submitting the domain to browsers' preload lists); off by default and settable above.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Logins and refused requests (liaison/security.py); each line says who, what, from where
    # and when. Point it at its own file or syslog handler in production if wanted.
    "loggers": {"liaison.security": {"level": "INFO"}},
}

# --- The programme's own numbers -------------------------------------------------------------
# "443": every division-level-or-above leader has 4 contact units ...
LEADER_UNITS = 4
# ... and every cadre's contact adds up to at least 21 working days a year.
ANNUAL_DAYS_TARGET = 21
# Count a contact on a rest day (weekend, holiday) as working days too. Off by default: such a
# contact is filed with 0 days and the sheet says why.
RECORDS_COUNT_REST_DAYS = env.bool("RECORDS_COUNT_REST_DAYS", default=False)
# Attachments to a record sheet (photos, sign-in sheets): images and PDF, at most this size.
RECORDS_ATTACHMENT_MAX_BYTES = env.int("RECORDS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Problems transferred to a department are answered within this many working days (by the
# calendar); urgent ones sooner. `send_reminders` warns this many working days ahead.
PROBLEM_DEADLINE_DAYS = env.int("PROBLEM_DEADLINE_DAYS", default=15)
PROBLEM_URGENT_DEADLINE_DAYS = env.int("PROBLEM_URGENT_DEADLINE_DAYS", default=7)
PROBLEM_DUE_SOON_DAYS = env.int("PROBLEM_DUE_SOON_DAYS", default=2)

# Background work: Django's tasks API (the django-tasks backport; Django 6's django.tasks by
# changing imports), stored in the database and run by `manage.py db_worker` (deploy/), no
# broker. Tests and TASKS_IMMEDIATE=true run each task at once, inside the request that
# enqueues it. Exports have a queue of their own: as many build at once as there are workers
# on it (`db_worker --queue-name exports`).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "exports"],
    }
}
# Large workbooks (the record register) are built by a task (records/exports.py). A try with
# no sign of life for EXPORT_STALE_SECONDS lost its worker: the job is tried again, up to
# EXPORT_ATTEMPTS tries, then failed. Files are kept EXPORT_KEEP_HOURS.
EXPORT_STALE_SECONDS = env.int("EXPORT_STALE_SECONDS", default=300)
EXPORT_ATTEMPTS = env.int("EXPORT_ATTEMPTS", default=2)
# /healthz/ (liaison/health): red when the task worker has not run a heartbeat for this many
# minutes; the cache it probes is the one every process shares.
HEALTH_WORKER_MINUTES = env.int("HEALTH_WORKER_MINUTES", default=5)
HEALTH_CACHE_ALIAS = "default"
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# --- Notifications beyond the bell (records/notifications/channels.py) -----------------------
# The in-app notice is written with the change that causes it; e-mail and WeChat Work are sent
# after by the tasks worker, each tried up to NOTIFY_ATTEMPTS times, waiting NOTIFY_RETRY_SECONDS,
# then twice as long each time (60 s, 2 min, 4 min, 8 min). Links in them start with
# PUBLIC_BASE_URL (below).
NOTIFY_ATTEMPTS = env.int("NOTIFY_ATTEMPTS", default=5)
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=60)
# WeChat Work (企业微信) app messages, on when the corp id, the app's agent id and its secret are
# set. The government edition (政务微信) serves the same API on the federation's own host: set
# its address as WECOM_BASE_URL. The access token is kept in the shared cache until it expires.
WECOM_BASE_URL = env.str("WECOM_BASE_URL", default="https://qyapi.weixin.qq.com")
WECOM_CORP_ID = env.str("WECOM_CORP_ID", default="")
WECOM_AGENT_ID = env.str("WECOM_AGENT_ID", default="")
WECOM_SECRET = env.str("WECOM_SECRET", default="")
# Whether users may enter their own WeChat Work account on their settings page (otherwise only
# an administrator or the org import sets it).
WECOM_USERID_EDITABLE = env.bool("WECOM_USERID_EDITABLE", default=False)

# --- Accounts ----------------------------------------------------------------------------------
# A one-time activation link (an account created without a password, e.g. by the org import)
# works this many days, and once: setting the password spends it.
ACTIVATION_DAYS = env.int("ACTIVATION_DAYS", default=14)
# A password reset link (Django's PASSWORD_RESET_TIMEOUT, in seconds): a day.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)

# --- Notice boards (联系基层公示牌) and the opinions workers leave through their QR code -------
# The Organization & Personnel Department's supervision phone, printed on every board.
SUPERVISION_PHONE = env.str("SUPERVISION_PHONE", default="")
# The site's public address, e.g. https://liaison.xcgh.example: where the boards' QR codes
# point, and the start of every link in an e-mail, a WeChat Work message or an activation sheet.
# Empty: the address a page was opened at (links sent by the worker are then bare paths: set it
# in production). Set it too when boards are printed from an intranet name phones cannot reach.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# One address (a phone, or a workplace's shared network) may leave this many opinions in
# OPINION_RATE_WINDOW seconds; counted in the database, so it holds across app processes.
OPINION_RATE_LIMIT = env.int("OPINION_RATE_LIMIT", default=5)
OPINION_RATE_WINDOW = 3600
# The worker's receipt (/u/<token>/r/<code>/): an address whose codes found nothing this many
# times within OPINION_RATE_WINDOW gets 429 for every code until the window ends. Counted in
# the shared cache (the database's by default), so it holds across app processes.
RECEIPT_RATE_LIMIT = env.int("RECEIPT_RATE_LIMIT", default=10)
RECEIPT_RATE_CACHE_ALIAS = "default"
# An opinion nobody has answered (for the worker) this many working days after it was left is
# in the daily reminders of its union's contact cadres.
OPINION_ANSWER_DAYS = env.int("OPINION_ANSWER_DAYS", default=5)
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client is
# REMOTE_ADDR and the header is ignored (anyone can forge it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- The Excel import of the organization (组织数据导入) ------------------------------------
# A workbook with more data rows than this (all sheets together), or a larger file, is refused
# with a message before anything is read. (A proxy in front of the app should also cap the
# request size, e.g. nginx client_max_body_size.)
ORG_IMPORT_MAX_ROWS = env.int("ORG_IMPORT_MAX_ROWS", default=10_000)
ORG_IMPORT_MAX_BYTES = env.int("ORG_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Checked from the zip's directory before anything is inflated or parsed (a "zip bomb"): the
# unpacked size of all parts together, how many times a large part may be compressed (a real
# workbook: 5 to 30; 10,000 rows unpack to about 6 MB), and how many sheets it may have.
ORG_IMPORT_MAX_UNZIPPED_BYTES = env.int("ORG_IMPORT_MAX_UNZIPPED_BYTES", default=100 * 1024 * 1024)
ORG_IMPORT_MAX_RATIO = env.int("ORG_IMPORT_MAX_RATIO", default=100)
ORG_IMPORT_MAX_SHEETS = env.int("ORG_IMPORT_MAX_SHEETS", default=20)

# --- Quarterly compliance (季度达标) and the annual assessment (年度考核) -----------------------
# A record sheet is filed on time when it is filed within this many days after its contact
# ended (its end date): 7 means the sheet of a contact ending on Monday is on time until the
# Monday after, whole day included.
COMPLIANCE_TIMELY_DAYS = env.int("COMPLIANCE_TIMELY_DAYS", default=7)
# The annual assessment's score: points per criterion, adding up to 100 (see the README,
# "Annual assessment (年度考核)"): working days against the annual target, assigned units
# contacted in each quarter, sheets filed on time, answered problems fed back to the grassroots.
ASSESSMENT_WEIGHTS = {"days": 40, "coverage": 30, "timely": 15, "feedback": 15}
