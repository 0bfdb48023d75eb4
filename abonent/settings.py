"""Abonent settings: everything comes from environment variables.

The defaults make ``make run`` work on an embedded SQLite database. ``ABONENT_ENV=production``
switches on the checks that refuse to start with DEBUG on or with the default secret key.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from abonent.core.lib.env import (
    envbool,
    envint,
    envlist,
    envstr,
    parse_database_url,
    parse_rate_limits,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("ABONENT_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = envstr("ABONENT_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("ABONENT_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DEFAULT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = envbool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY: a random value of at least 32 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated).")
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks_db",
    "abonent.core",
    "abonent.workdays",
    "abonent.notify",
    "abonent.appeals",
    "abonent.appeals.book",
    "abonent.appeals.boxes",
    "abonent.appeals.reception",
    "abonent.equeue",
    "abonent.cabinet",
    "abonent.calls",
    "abonent.calls.ivr",
    "abonent.visits",
    "abonent.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Bearer-token machine calls on the busiest operations skip the browser's middleware.
    "abonent.core.direct.DirectApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "abonent.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "abonent.urls"
ASGI_APPLICATION = "abonent.asgi.application"
WSGI_APPLICATION = "abonent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "abonent" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "abonent.core.context_processors.site",
            ],
        },
    }
]

_db = parse_database_url(
    envstr("DATABASE_URL", "sqlite:///" + str(VAR_DIR / "abonent.sqlite3")), base_dir=BASE_DIR
)
if _db.vendor == "sqlite":
    Path(_db.settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db.settings}
DATABASE_VENDOR = _db.vendor
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = (
    [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    if PRODUCTION
    else []
)
AUTHENTICATION_BACKENDS = ["abonent.core.auth.StaffBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

# Languages: Russian is the default; Kazakh is equal; English is welcome.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "abonent" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"  # Astana local time (UTC+5 since 1 March 2024)
LANGUAGE_COOKIE_NAME = "abonent_lang"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing one before collectstatic
STATICFILES_DIRS = [BASE_DIR / "abonent" / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root: served only through permission checks

CACHE_URL = envstr("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL or empty (in-process cache)")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: django.tasks with the database backend. Enqueueing is an INSERT in the
# same transaction as the business change: a rolled-back change leaves no task behind.
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "mail"],
    }
}

# Outgoing mail (Django's mailers). MAIL_MODE=smtp sends through SMTP_HOST:SMTP_PORT;
# MAIL_MODE=file (the development default) writes each message under var/outbox/.
MAIL_MODE = envstr("MAIL_MODE", "smtp" if PRODUCTION else "file")
if MAIL_MODE == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": envstr("SMTP_HOST", "127.0.0.1"),
                "port": envint("SMTP_PORT", 25, minimum=1),
                "username": envstr("SMTP_USER", "") or None,
                "password": envstr("SMTP_PASSWORD", "") or None,
                "use_tls": envbool("SMTP_USE_TLS", False),
                "timeout": envint("SMTP_TIMEOUT", 20, minimum=1),
            },
        }
    }
elif MAIL_MODE == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "outbox")},
        }
    }
else:
    raise ImproperlyConfigured("MAIL_MODE must be 'smtp' or 'file'")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "info@aesbyt.kz")
ABONENT_WEBMASTER_EMAIL = envstr("ABONENT_WEBMASTER_EMAIL", "webmaster@aesbyt.kz")

# Legal terms: "procedure" (the company's procedure, default) or "appk" (АППК art. 76).
ABONENT_TERMS_POLICY = envstr("ABONENT_TERMS_POLICY", "procedure")
# Rate limits on public endpoints and forms; "off" for benchmarks and acceptance runs.
ABONENT_RATE_LIMITS = envstr("ABONENT_RATE_LIMITS", "on").lower() != "off"
# Per-scope limits instead of the defaults in code, e.g. "book-entry=120/3600,appeal-form=40/3600".
ABONENT_RATE_LIMIT_OVERRIDES = parse_rate_limits(envstr("ABONENT_RATE_LIMIT_OVERRIDES", ""))
# How long a server process keeps its copy of rarely edited tables (calendar overrides,
# topics) before it reads them again; the process that edits them drops its copy at once.
ABONENT_SNAPSHOT_SECONDS = envint("ABONENT_SNAPSHOT_SECONDS", 30, minimum=0)
# Receipts (K-4) are written by one task per process and this many seconds (see
# appeals.notices.queue_receipt); 0 gives every registration its own task.
ABONENT_RECEIPT_DELAY_SECONDS = envint("ABONENT_RECEIPT_DELAY_SECONDS", 1, minimum=0)
# The electronic queue (Q-3..Q-5): no-show only this long after a call; after this many
# priority calls in a row a regular ticket waiting this long goes next; the service time
# assumed for waiting estimates until there is history.
ABONENT_QUEUE_NO_SHOW_GRACE_SECONDS = envint("ABONENT_QUEUE_NO_SHOW_GRACE_SECONDS", 120, minimum=0)
ABONENT_QUEUE_PRIORITY_STREAK = envint("ABONENT_QUEUE_PRIORITY_STREAK", 2, minimum=1)
ABONENT_QUEUE_REGULAR_MAX_WAIT_MINUTES = envint(
    "ABONENT_QUEUE_REGULAR_MAX_WAIT_MINUTES", 10, minimum=0
)
ABONENT_QUEUE_DEFAULT_SERVICE_MINUTES = envint(
    "ABONENT_QUEUE_DEFAULT_SERVICE_MINUTES", 5, minimum=1
)
# The statistics count the consumers who waited longer than this (a request may ask for
# another target up to a working day).
ABONENT_QUEUE_WAIT_TARGET_MINUTES = envint("ABONENT_QUEUE_WAIT_TARGET_MINUTES", 15, minimum=1)
if ABONENT_QUEUE_WAIT_TARGET_MINUTES > 480:
    raise ImproperlyConfigured("ABONENT_QUEUE_WAIT_TARGET_MINUTES must be <= 480 (8 hours).")
ABONENT_TRUSTED_PROXY_HOPS = envint("ABONENT_TRUSTED_PROXY_HOPS", 0, minimum=0)
# The contact centre (CC-4, abonent/calls): call recordings are kept this many days (the
# procedure: 1 year); their files live under this folder (Oktell's record folder, mounted);
# recordings referenced by URL are proxied only from these PBX hosts; Oktell's local times
# (without an offset) are in this zone.
ABONENT_RECORDING_RETENTION_DAYS = envint("ABONENT_RECORDING_RETENTION_DAYS", 365, minimum=1)
ABONENT_RECORDINGS_DIR = Path(envstr("ABONENT_RECORDINGS_DIR", str(MEDIA_ROOT / "recordings")))
ABONENT_RECORDING_URL_HOSTS = envlist("ABONENT_RECORDING_URL_HOSTS", [])
ABONENT_OKTELL_TIME_ZONE = envstr("ABONENT_OKTELL_TIME_ZONE", "Asia/Almaty")
# PBX events commit without waiting for the disk (calls/ingest.py says what that risks).
ABONENT_PBX_ASYNC_COMMIT = envbool("ABONENT_PBX_ASYNC_COMMIT", True)
# On PostgreSQL, PBX events are answered in the event loop where they can be (calls/lane.py).
ABONENT_PBX_LANE = envbool("ABONENT_PBX_LANE", True)
try:
    __import__("zoneinfo").ZoneInfo(ABONENT_OKTELL_TIME_ZONE)
except (ValueError, LookupError) as _zone_error:
    raise ImproperlyConfigured(
        f"ABONENT_OKTELL_TIME_ZONE is not a time zone: {ABONENT_OKTELL_TIME_ZONE!r}"
    ) from _zone_error
# Live events (the queue's display boards, consoles) between server processes: "auto" (the
# default) is PostgreSQL LISTEN/NOTIFY on a PostgreSQL database, in-process on SQLite; or
# "local", "postgres", "redis://host:port/db" (see abonent/core/lib/bus.py).
ABONENT_EVENT_BUS = envstr("ABONENT_EVENT_BUS", "auto").strip()
if ABONENT_EVENT_BUS not in {"auto", "local", "postgres"} and not ABONENT_EVENT_BUS.startswith(
    ("redis://", "rediss://")
):
    raise ImproperlyConfigured(
        "ABONENT_EVENT_BUS must be 'auto', 'local', 'postgres' or a redis://host:port/db URL, "
        f"not {ABONENT_EVENT_BUS!r}"
    )
if ABONENT_EVENT_BUS == "postgres" and DATABASE_VENDOR != "postgresql":
    raise ImproperlyConfigured(
        "ABONENT_EVENT_BUS=postgres needs a PostgreSQL DATABASE_URL (use 'auto' or 'local')"
    )
# Meter readings (PC-1): the monthly submission window (days of the month, inclusive; the
# procedure names none, so the 1st-25th by default; a meter may have its own days), what a
# reading outside it does ("refuse" -> 422 outside_window, "next_period" -> counted for the
# next window), and the monthly consumption, as a multiple of the meter's average, above which
# a reading needs the consumer's confirmation (then it is flagged for review) and above which
# it is refused as implausible.
ABONENT_READINGS_WINDOW_FIRST_DAY = envint("ABONENT_READINGS_WINDOW_FIRST_DAY", 1, minimum=1)
ABONENT_READINGS_WINDOW_LAST_DAY = envint("ABONENT_READINGS_WINDOW_LAST_DAY", 25, minimum=1)
if not ABONENT_READINGS_WINDOW_FIRST_DAY <= ABONENT_READINGS_WINDOW_LAST_DAY <= 31:
    raise ImproperlyConfigured(
        "ABONENT_READINGS_WINDOW_FIRST_DAY..ABONENT_READINGS_WINDOW_LAST_DAY must be days 1-31"
    )
ABONENT_READINGS_OUTSIDE_WINDOW = envstr("ABONENT_READINGS_OUTSIDE_WINDOW", "next_period")
if ABONENT_READINGS_OUTSIDE_WINDOW not in {"refuse", "next_period"}:
    raise ImproperlyConfigured("ABONENT_READINGS_OUTSIDE_WINDOW must be 'refuse' or 'next_period'")
ABONENT_READINGS_HIGH_FACTOR = envint("ABONENT_READINGS_HIGH_FACTOR", 3, minimum=2)
ABONENT_READINGS_IMPLAUSIBLE_FACTOR = envint("ABONENT_READINGS_IMPLAUSIBLE_FACTOR", 20, minimum=3)
if ABONENT_READINGS_IMPLAUSIBLE_FACTOR <= ABONENT_READINGS_HIGH_FACTOR:
    raise ImproperlyConfigured(
        "ABONENT_READINGS_IMPLAUSIBLE_FACTOR must be above ABONENT_READINGS_HIGH_FACTOR"
    )
# Home visits (V-1..V-4): the daily window for visits on working days ("HH:MM-HH:MM", checked
# at start by abonent.visits.apps), how long a visit code stays valid after the visit's end,
# and the global lockout of the public code check: that many failed lookups in an hour, from
# all clients together, close the check for the rest of the hour.
ABONENT_VISITS_HOURS = envstr("ABONENT_VISITS_HOURS", "09:00-18:00")
ABONENT_VISITS_CODE_GRACE_MINUTES = envint("ABONENT_VISITS_CODE_GRACE_MINUTES", 120, minimum=0)
ABONENT_VISITS_VERIFY_GLOBAL_FAILURES = envint(
    "ABONENT_VISITS_VERIFY_GLOBAL_FAILURES", 500, minimum=1
)
# The address of the public verify page as notices print it.
ABONENT_VISITS_VERIFY_URL = envstr("ABONENT_VISITS_VERIFY_URL", "https://aesbyt.kz/visits/verify/")
# SMS: "file" (development: one file per message under ABONENT_SMS_DIR), "console" (log), or
# "http" (the gateway at ABONENT_SMS_GATEWAY_URL, bearer ABONENT_SMS_GATEWAY_TOKEN).
ABONENT_SMS_BACKEND = envstr("ABONENT_SMS_BACKEND", "http" if PRODUCTION else "file")
ABONENT_SMS_DIR = Path(envstr("ABONENT_SMS_DIR", str(VAR_DIR / "sms")))
ABONENT_SMS_GATEWAY_URL = envstr("ABONENT_SMS_GATEWAY_URL", "")
ABONENT_SMS_GATEWAY_TOKEN = envstr("ABONENT_SMS_GATEWAY_TOKEN", "")
ABONENT_SMS_SENDER = envstr("ABONENT_SMS_SENDER", "AES")
ABONENT_SMS_TIMEOUT = envint("ABONENT_SMS_TIMEOUT", 10, minimum=1)
# The largest request body Django reads into memory (forms, JSON).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024, minimum=1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
