"""Django settings. SQLite in the data directory by default; DATABASE_URL selects PostgreSQL.

Production (ACUPLAN_ENV=production) refuses DEBUG and the development secret key.
"""

from __future__ import annotations

import dj_database_url

from acuplan.web.env import ConfigError, data_dir, env_bool, env_list, env_str

DEV_SECRET_KEY = "acuplan-development-key-do-not-use-in-production"  # noqa: S105

ENV = env_str("ACUPLAN_ENV", "development")
if ENV not in {"development", "production", "test"}:
    raise ConfigError(f"ACUPLAN_ENV must be development, production or test, not {ENV!r}")
DEBUG = env_bool("ACUPLAN_DEBUG", ENV == "development")
SECRET_KEY = env_str("ACUPLAN_SECRET_KEY", DEV_SECRET_KEY)
if ENV == "production":
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
STATIC_URL = "/static/"  # no static files are served: pages carry their CSS inline

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "acuplan.accounts",
    "acuplan.audit",
    "acuplan.clinic",
    "acuplan.outcomes",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("ACUPLAN_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ENV == "production"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
DEFAULT_FROM_EMAIL = env_str("ACUPLAN_FROM_EMAIL", "acuplan <no-reply@localhost>")
EMAIL_BACKEND = env_str("ACUPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
