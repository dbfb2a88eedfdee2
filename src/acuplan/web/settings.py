"""Django settings. SQLite in the data directory by default; DATABASE_URL selects PostgreSQL.

Production (ACUPLAN_ENV=production) refuses DEBUG, the development secret key and a mail
set-up that would not deliver (``ACUPLAN_EMAIL_URL`` is required there), and turns on
HTTPS-only cookies, HSTS and the SSL redirect. README.md, "Running it for real", lists
the environment variables.
"""

from __future__ import annotations

import datetime as dt

import dj_database_url

from acuplan.web.env import ConfigError, data_dir, env_bool, env_int, env_list, env_str
from acuplan.web.mail import parse_email_url

DEV_SECRET_KEY = "acuplan-development-key-do-not-use-in-production"  # noqa: S105

ENV = env_str("ACUPLAN_ENV", "development")
if ENV not in {"development", "production", "test"}:
    raise ConfigError(f"ACUPLAN_ENV must be development, production or test, not {ENV!r}")
PRODUCTION = ENV == "production"
DEBUG = env_bool("ACUPLAN_DEBUG", ENV == "development")
SECRET_KEY = env_str("ACUPLAN_SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION:
    if DEBUG:
        raise ConfigError("ACUPLAN_DEBUG must be off in production")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ConfigError("ACUPLAN_SECRET_KEY must be set to a long random value in production")

DATA_DIR = data_dir()
ALLOWED_HOSTS = env_list("ACUPLAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'acuplan.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
MEDIA_ROOT = DATA_DIR / "uploads"
#: The job queue (acuplan.followup.queue): SQLite in the data directory by default (no
#: server), or redis://host:6379/0 to share the work between machines.
ACUPLAN_QUEUE_URL = env_str("ACUPLAN_QUEUE_URL", f"sqlite:///{DATA_DIR / 'queue.sqlite3'}")
#: The shared cache (rendered outcome plots; keys are content hashes, so nothing goes
#: stale): files in the data directory by default, or redis://host:6379/1 across machines.
ACUPLAN_CACHE_URL = env_str("ACUPLAN_CACHE_URL", "")
if ACUPLAN_CACHE_URL.startswith(("redis://", "rediss://")):
    _cache: dict[str, object] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ACUPLAN_CACHE_URL,
    }
elif ACUPLAN_CACHE_URL:
    raise ConfigError(f"ACUPLAN_CACHE_URL must be a redis:// address, not {ACUPLAN_CACHE_URL!r}")
else:
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
CACHES = {"default": {**_cache, "TIMEOUT": 30 * 24 * 3600}}
#: The address patients' emails link to (questionnaires, portal sign-in, reminders).
ACUPLAN_BASE_URL = env_str("ACUPLAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Pages carry their CSS inline; the only static files are Swagger UI's, which django-ninja
# ships and WhiteNoise serves from the installed package (no collectstatic, no CDN).
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "csp",
    "acuplan.accounts",
    "acuplan.audit",
    "acuplan.clinic",
    "acuplan.outcomes",
    "acuplan.followup",
    "acuplan.booking",
    "acuplan.portal",
    "acuplan.billing",
    "acuplan.bridge",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "acuplan.web.hostile.HostileInputMiddleware",
    "acuplan.bridge.cors.CdsCorsMiddleware",
    "acuplan.web.headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "acuplan.accounts.middleware.SessionLimitsMiddleware",
    "acuplan.accounts.middleware.TwoFactorRequiredMiddleware",
    "acuplan.accounts.middleware.ClinicTimeZoneMiddleware",
    "acuplan.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "acuplan.accounts.backends.ClinicModelBackend",  # ModelBackend, clinic joined
]
ROOT_URLCONF = "acuplan.web.urls"
WSGI_APPLICATION = "acuplan.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour
LANGUAGE_CODE = "en-us"
# The server keeps UTC; each clinic has its own zone (Clinic.time_zone), activated for its
# users' requests (accounts.middleware.ClinicTimeZoneMiddleware) and used by every service
# that shows, sends or exports a time.
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- sessions -------------------------------------------------------------------------------
#: Idle timeout and absolute limit, enforced by accounts.middleware.SessionLimitsMiddleware.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env_int("ACUPLAN_SESSION_IDLE_MINUTES", 30, low=1))
SESSION_ABSOLUTE_LIMIT = dt.timedelta(hours=env_int("ACUPLAN_SESSION_MAX_HOURS", 12, low=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIMIT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION

# --- HTTPS and headers ----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("ACUPLAN_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("ACUPLAN_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ACUPLAN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ACUPLAN_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP
_PROXY_HEADER = env_str("ACUPLAN_PROXY_SSL_HEADER", "")
#: e.g. ACUPLAN_PROXY_SSL_HEADER=X-Forwarded-Proto when a TLS proxy sets it (and strips
#: any copy a client sent): requests carrying "https" in it count as secure.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_HEADER.upper().replace("-", "_"), "https") if _PROXY_HEADER else None
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline script, no eval, nothing from elsewhere
        "style-src": ["'self'", "'unsafe-inline'"],  # pages carry their CSS inline
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# --- logins (django-axes) -------------------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("ACUPLAN_LOGIN_FAILURE_LIMIT", 10, low=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ACUPLAN_LOGIN_LOCKOUT_MINUTES", 15, low=1))
#: Each is counted on its own: a username attacked from many addresses, or one address
#: trying many usernames, is locked out.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # acuplan's audit log records logins
AXES_LOCKOUT_CALLABLE = "acuplan.accounts.views.locked_out"
AXES_VERBOSE = False

# --- request limits -------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MiB: an intake is a few kB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 100

# --- mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("ACUPLAN_FROM_EMAIL", "acuplan <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: Backends that deliver nothing: in production they would put patients' links in a log.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}
_EMAIL_URL = env_str("ACUPLAN_EMAIL_URL", "" if PRODUCTION else "console://")
if not _EMAIL_URL:
    raise ConfigError(
        "ACUPLAN_EMAIL_URL must be set in production, e.g. smtp+tls://user:pass@host:587"
    )
_EMAIL = parse_email_url(_EMAIL_URL)
if PRODUCTION and _EMAIL["EMAIL_BACKEND"] in UNDELIVERING_BACKENDS:
    raise ConfigError(
        "ACUPLAN_EMAIL_URL must deliver mail in production (smtp://, smtp+tls:// ...)"
    )
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"]
EMAIL_PORT = _EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _EMAIL["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _EMAIL["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _EMAIL.get("EMAIL_TIMEOUT") or 20
if _EMAIL.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _EMAIL["EMAIL_FILE_PATH"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "acuplan.web.redact.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
