"""Settings for Đôn đốc 389.

Every setting comes from the environment (12-factor, django-environ); the defaults serve the
embedded mode: SQLite in ./var, no broker, e-mail to the console.
"""

import datetime as dt
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from ops.json_logging import logging_config
from ops.secret_key import load_or_create_secret_key

# pyHanko imports cryptography's DSA key type (which it never uses for our signatures); the
# deprecation notice would otherwise open every command's output and every worker's log.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for (`make dev` asks): a server left in DEBUG shows its settings to anyone.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A machine given no key makes its own on first run, in var/ (never committed). Machines that
# share a database (web and workers on several hosts) must share DJANGO_SECRET_KEY.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or load_or_create_secret_key(
    VAR_DIR / "secret_key"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "django_celery_beat",
    "axes",
    "rest_framework.authtoken",
    "agencies",
    "documents",
    "tasks",
    "reporting",
    "chasing",
    "exports",
    "workflows",
    "fixtures",
    "audit",
    "ops",
    "egov",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",  # first: times and logs every request
    "django.middleware.security.SecurityMiddleware",
    "project.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (a page is ~28 KB, ~6 KB gzipped: a fifth of the time on a slow link).
    # BREACH: compressing a page that reflects a secret beside user input lets an observer
    # guess the secret from sizes. Django's CSRF token is masked afresh for every response (a
    # new random mask each time), so its compressed size gives nothing away; sessions are in
    # cookies, not in pages. Static files are compressed by WhiteNoise at collectstatic.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "project.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "project.security.SessionTimeoutMiddleware",
    "project.security.PrivateResponseMiddleware",
    "audit.middleware.DeniedAccessMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chasing.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "project.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)  # the embedded database's home, on a fresh clone too
    # WAL and a busy timeout let the web server and the tick share the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

AUTHENTICATION_BACKENDS = [
    "project.security.LoginLockoutBackend",  # first: refuses a locked-out username + address
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The project's catalogue first; then Vietnamese for viewflow's strings, kept apart so that
# `make messages` (which rewrites locale/) never drops them.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
# The product's own static files (the frame's style sheet and script, the subset fonts).
STATICFILES_DIRS = [BASE_DIR / "project" / "static"]
# WhiteNoise serves collected files in production; in the embedded mode it finds them in the apps.
WHITENOISE_USE_FINDERS = DEBUG
# Files with a content hash in their name (all of them, once collected) are cached for a year
# and marked immutable by WhiteNoise whatever this says; this is for the few without one
# (favicon.ico, robots.txt): a day, not WhiteNoise's 60 s.
WHITENOISE_MAX_AGE = 0 if DEBUG else 24 * 3600
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files go out only through views that check permission (project/downloads.py).
# "nginx": the view answers with X-Accel-Redirect to SENDFILE_URL (an `internal` location in
# deploy/nginx-site.conf) and nginx sends the bytes; "xsendfile": X-Sendfile (Apache);
# "django": Django streams them (the default, and the embedded server's).
SENDFILE_BACKEND = env.str("SENDFILE_BACKEND", default="django")
SENDFILE_URL = env.str("SENDFILE_URL", default="/protected-media/")
if SENDFILE_BACKEND not in ("django", "nginx", "xsendfile"):
    raise ImproperlyConfigured("SENDFILE_BACKEND must be django, nginx or xsendfile")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic names each file by its content's hash (so a page never gets a stale style
    # sheet and browsers may keep them for a year) and writes .br (Brotli) and .gz beside it.
    # `make run`, `make prod-up` and CI's stack all collect before serving; DEBUG uses the
    # plain names, found in the apps.
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="project.staticfiles.StaticStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bounded work: a request body without files is at most DATA_UPLOAD_MAX_MEMORY_SIZE; each
# uploaded file at most UPLOAD_MAX_FILE_MB, all files of one request at most UPLOAD_MAX_REQUEST_MB
# (project/uploads.py); a directive's text at most DIRECTIVE_TEXT_MAX_CHARS characters.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
UPLOAD_MAX_FILE_MB = env.int("UPLOAD_MAX_FILE_MB", default=20)
UPLOAD_MAX_REQUEST_MB = env.int("UPLOAD_MAX_REQUEST_MB", default=50)
DIRECTIVE_TEXT_MAX_CHARS = env.int("DIRECTIVE_TEXT_MAX_CHARS", default=200_000)
# .docx: refuse an archive that would unpack to more than this (a zip bomb).
DOCX_MAX_UNCOMPRESSED_MB = env.int("DOCX_MAX_UNCOMPRESSED_MB", default=50)

# The e-government exchange (egov/): an edXML package is at most EDXML_MAX_MB (its attachments
# each at most UPLOAD_MAX_FILE_MB once decoded). OCR runs Tesseract (optional: Debian's
# tesseract-ocr and tesseract-ocr-vie) on at most OCR_MAX_PAGES pages of a scan, for at most
# OCR_BUDGET_SECONDS per request (below gunicorn's timeout: the office types what is left).
EDXML_MAX_MB = env.int("EDXML_MAX_MB", default=50)
TESSERACT_CMD = env("TESSERACT_CMD", default="tesseract")
OCR_LANGUAGE = env("OCR_LANGUAGE", default="vie")
OCR_MAX_PAGES = env.int("OCR_MAX_PAGES", default=30)
OCR_PAGE_TIMEOUT_SECONDS = env.int("OCR_PAGE_TIMEOUT_SECONDS", default=40)
OCR_BUDGET_SECONDS = env.int("OCR_BUDGET_SECONDS", default=45)
# The breakdown engine stops after this many seconds and says so (the proposals so far stand).
BREAKDOWN_TIME_BUDGET_SECONDS = env.float("BREAKDOWN_TIME_BUDGET_SECONDS", default=10.0)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dondoc389@localhost")
# A stalling mail server must not hold the outbox worker (and the tick) for minutes.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The outbox (chasing/outbox.py): a failed send is retried after OUTBOX_RETRY_SECONDS, doubling
# each time up to OUTBOX_RETRY_MAX_SECONDS, OUTBOX_MAX_ATTEMPTS times; a message claimed by a
# worker that died is taken over after OUTBOX_LEASE_SECONDS.
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=5 * 60)
# The access log (logins, failed logins, denied requests…) is kept this many days in the
# database, then archived to compressed JSON lines under ACCESS_LOG_ARCHIVE_DIR and deleted
# (audit/retention.py, run by the tick). 0 keeps it in the database for good.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
ACCESS_LOG_ARCHIVE_DIR = env.path("ACCESS_LOG_ARCHIVE_DIR", default=str(VAR_DIR / "audit-archive"))
# Notifications (about 18M rows a year at national scale before reminders were bundled): read
# ones older than NOTIFICATION_RETENTION_DAYS are archived to compressed JSON lines under
# NOTIFICATION_ARCHIVE_DIR and deleted by the daily tick (chasing/retention.py); unread ones stay.
# 0 keeps them all in the database.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
NOTIFICATION_ARCHIVE_DIR = env.path(
    "NOTIFICATION_ARCHIVE_DIR", default=str(VAR_DIR / "notification-archive")
)

SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env.bool("DJANGO_BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"  # the urging-letter preview embeds its PDF
# …so `check --deploy` need not suggest DENY (CSP frame-ancestors 'self' says the same).
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# HTTPS switches for production (off in the embedded mode, which serves plain HTTP on loopback).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
)
# Sessions: a signed-in page left alone for SESSION_IDLE_MINUTES logs out; no session outlives
# SESSION_MAX_HOURS however busy (Django's default was 14 days).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=10)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp): scripts only from this site; no inline script, no eval.
# Styles allow inline: viewflow's Material templates put style="" attributes in their markup.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# Behind a reverse proxy, the client's address is in a header the proxy sets (e.g.
# X-Forwarded-For); name it, and how many proxies append to it, or one office's NAT address
# would be every user's address. Empty: the connection's own address (REMOTE_ADDR).
CLIENT_IP_HEADER = env("DJANGO_CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("DJANGO_CLIENT_IP_PROXY_COUNT", default=1)

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address lock that pair for LOGIN_LOCKOUT_MINUTES. Username and address together, so an
# attacker cannot lock a whole office out from behind its shared address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, named here: the lockout page and the log use it
AXES_CLIENT_IP_CALLABLE = "project.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "audit.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # the audit app records every login and logout
AXES_VERBOSE = False

# Celery runs only in production; the embedded default runs `manage.py tick` every minute.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")

# Long exports (exports/background.py): a list or PDF of more than EXPORT_BACKGROUND_ROWS rows is
# made in the background — by a Celery worker when there is a broker, else by the embedded
# server's export thread (`manage.py run`) — and its file kept EXPORT_KEEP_DAYS days under
# MEDIA_ROOT/exports/, then deleted by the daily tick. Progress is written every
# EXPORT_PROGRESS_ROWS rows; an export whose progress has not moved for EXPORT_STALE_MINUTES is
# taken to be lost with its process: queued again once, then marked failed.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=5000)
EXPORT_PROGRESS_ROWS = env.int("EXPORT_PROGRESS_ROWS", default=500)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
EXPORT_STALE_MINUTES = env.int("EXPORT_STALE_MINUTES", default=15)
EXPORT_WORKER = env(
    "EXPORT_WORKER", default="embedded" if CELERY_BROKER_URL.startswith("memory") else "celery"
)

# The API throttles count in the cache: in production every worker must share one (Redis,
# e.g. CACHE_URL=redis://127.0.0.1:6379/1); the embedded mode's single process keeps it local.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING (JSON in production)
# The tick task and the long exports; beat's schedule is in the database.
CELERY_IMPORTS = ["chasing.celery_tasks", "exports.celery_tasks"]

# Chasing (chasing/reminders.py): reminders go out on working days from this hour (Vietnam time),
# digests from DIGEST_HOUR; the embedded server ticks every TICK_INTERVAL_SECONDS.
REMINDER_HOUR = env.int("REMINDER_HOUR", default=7)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
TICK_INTERVAL_SECONDS = env.int("TICK_INTERVAL_SECONDS", default=60)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # for links in e-mails

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A signed-in browser, or a per-user token (admin → Tokens); never Basic, which would let
    # anyone guess passwords at /api/ past the login lockout.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: a bad token answers 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đôn đốc 389 API",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "project.api_schema.document_error_statuses",
    ],
}

# Domain defaults; each committee may override them on its own record.
DUE_SOON_WORKING_DAYS = env.int("DUE_SOON_WORKING_DAYS", default=3)

# DJANGO_LOG_FORMAT=json (production): one JSON line per request and per job on stderr.
LOGGING = logging_config(
    json=env("DJANGO_LOG_FORMAT", default="text") == "json",
    level=env("DJANGO_LOG_LEVEL", default="WARNING"),
)
# Audit lines (who mapped which name to which agency…) are INFO: keep them.
LOGGING["loggers"]["dondoc.audit"] = {"level": "INFO"}
