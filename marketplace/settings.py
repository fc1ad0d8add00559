"""Brugwerk settings, read from the environment (see .env.example).

Two modes:
- ``local`` (the default, no environment needed): SQLite file, Celery eager, console e-mail,
  DEBUG on. For `make demo` and development.
- ``production``: every secret and address must come from the environment; DEBUG off and
  `manage.py check --deploy` clean.
Tests and CI use local mode with DATABASE_URL/CELERY_BROKER_URL pointing at PostgreSQL/Redis.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from marketplace.env import env_bool, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

MODE = env_str("BRUGWERK_MODE", "local")
if MODE not in {"local", "production"}:
    raise ImproperlyConfigured("BRUGWERK_MODE must be 'local' or 'production'.")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production mode.")

SECRET_KEY = env_str(
    "SECRET_KEY",
    "local-only-insecure-key-do-not-use-in-production-0123456789abcdef",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production mode.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "marketplace",
    "geo",
    "partners",
    "requests",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

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
                "django.template.context_processors.i18n",
                "marketplace.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user:pass@host:5432/brugwerk. Local default: SQLite file.
_database_url = (
    env_str("DATABASE_URL", required=PRODUCTION) or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
)
DATABASES = {
    "default": dj_database_url.parse(
        _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles queries whose estimated cost is high. Ours are index-driven (the
    # matching query) or medium aggregates (the audit): compiling took 40-250 ms and saved less,
    # measured with `make bench`. Off for the application's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

# Dutch first; English as the second language.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Invoices and statements are private: never under MEDIA_ROOT, served only by views that check
# who may see them (payments.storage).
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(BASE_DIR / "var" / "documents")))
PAYMENT_TERM_DAYS = 14

# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite (the demo) builds them without the
# extra columns, which is fine there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: console in local mode, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if PRODUCTION else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", PRODUCTION)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Brugwerk <noreply@brugwerk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", required=PRODUCTION)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Task modules beyond each app's tasks.py (autodiscovered).
CELERY_IMPORTS = ["payments.payment_tasks"]
CELERY_BEAT_SCHEDULE = {
    "expire-organisation-invitations": {
        "task": "marketplace.tasks.expire_invitations_task",
        "schedule": crontab(minute=15),
    },
    "expire-request-invitations": {
        "task": "marketplace.tasks.expire_request_invitations_task",
        "schedule": crontab(minute="*/15"),
    },
    "expire-support-requests": {
        "task": "requests.tasks.expire_requests_task",
        "schedule": crontab(minute=5),
    },
    "purge-geocode-cache": {
        "task": "geo.tasks.purge_geocode_cache_task",
        "schedule": crontab(minute=40, hour=3),
    },
    "retry-stale-payouts": {
        "task": "payments.payment_tasks.retry_stale_payouts_task",
        "schedule": crontab(minute="*/10"),
    },
    "verify-ledger": {
        "task": "payments.tasks.verify_ledger_task",
        "schedule": crontab(minute=10, hour=4),
    },
    "issue-month-end-documents": {
        "task": "payments.tasks.issue_month_end_documents_task",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
}

# Stripe: every call goes through payments' gateway; the base address is configurable so
# tests can point it at localstripe.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
# Load Stripe.js from js.stripe.com on the pay page (production with real keys). Off in local and
# demo mode: card payment is then simulated and staff mark it.
STRIPE_JS_ENABLED = env_bool("STRIPE_JS_ENABLED", PRODUCTION and bool(STRIPE_PUBLISHABLE_KEY))
# Pay partners to Stripe Connect accounts (onboarding link); otherwise by SEPA batch files.
STRIPE_CONNECT_ENABLED = env_bool("STRIPE_CONNECT_ENABLED", False)
# The platform's account that care organisations transfer to and SEPA batches are paid from.
PLATFORM_SEPA_NAME = env_str("PLATFORM_SEPA_NAME", "Stichting Brugwerk")
PLATFORM_SEPA_IBAN = env_str("PLATFORM_SEPA_IBAN", "NL91ABNA0417164300")
PLATFORM_SEPA_BIC = env_str("PLATFORM_SEPA_BIC", "ABNANL2A")
PLATFORM_SEPA_TOWN = env_str("PLATFORM_SEPA_TOWN", "Den Haag")
PLATFORM_SEPA_COUNTRY = env_str("PLATFORM_SEPA_COUNTRY", "NL")
# A payout that fails transiently is retried with backoff this many times, then marked failed.
PAYOUT_MAX_RETRIES = env_int("PAYOUT_MAX_RETRIES", 8)

# Geocoding: the offline gazetteer by default; "nominatim" or "pdok" online, cached and
# rate-limited (see geo/).
GEOCODER = env_str("GEOCODER", "gazetteer")
GEOCODER_USER_AGENT = env_str("GEOCODER_USER_AGENT", f"Brugwerk ({SITE_URL})")
GEOCODER_DOMAIN = env_str("GEOCODER_DOMAIN")  # e.g. an own Nominatim instance
GEOCODER_MIN_DELAY_SECONDS = env_int("GEOCODER_MIN_DELAY_SECONDS", 1)
GEOCODER_TIMEOUT_SECONDS = env_int("GEOCODER_TIMEOUT_SECONDS", 5)
GEOCODER_CACHE_DAYS = env_int("GEOCODER_CACHE_DAYS", 90)

ORGANISATION_INVITATION_DAYS = env_int("ORGANISATION_INVITATION_DAYS", 14)

# Matching: overrides of the engine's default weights (marketplace/matching/engine.py), e.g.
# MATCHING_WEIGHTS='{"fairness": 0.4}'; how far back "recent engagements" reach for fairness;
# how far partners may travel at most (the database prefilter).
MATCHING_WEIGHTS = env_json("MATCHING_WEIGHTS", {})
MATCHING_RECENT_DAYS = env_int("MATCHING_RECENT_DAYS", 90)
MATCHING_MAX_TRAVEL_KM = env_int("MATCHING_MAX_TRAVEL_KM", 50)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.errors.problem_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brugwerk API",
    "DESCRIPTION": "Formal-informal partnerships in youth care: organisations, partners, "
    "support requests, engagements, invoices and audit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "SupportRequestStatusEnum": "requests.models.Status",
        "ProficiencyEnum": "partners.models.Proficiency",
        "OrganisationKindEnum": "marketplace.models.OrganisationKind",
        "PartnerKindEnum": "partners.models.PartnerKind",
        "DocumentKindEnum": "payments.models.DocumentKind",
    },
}

# Security: strict in production, relaxed only for local http.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"brugwerk.audit": {"level": "INFO"}},
}
