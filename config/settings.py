"""Parity settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envstr, generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("PARITY_VAR_DIR") or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)
SECRET_KEY = generated_secret("SECRET_KEY", VAR_DIR / "secret_key")
# 32 random bytes, urlsafe base64: the AES-256-GCM key for ID and phone numbers.
FIELD_ENCRYPTION_KEY = generated_secret("FIELD_ENCRYPTION_KEY", VAR_DIR / "field_encryption_key")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

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
    "parity.core",
    "parity.areas",
    "parity.accounts",
    "parity.housing",
    "parity.people",
    "parity.services",
    "parity.immunization",
    "parity.maternal",
    "parity.certificates",
    "parity.reports",
    "parity.indicators",
    "parity.demo",
    "parity.web",
    "parity.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parity.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parity.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Tests run against a database named by TEST_DATABASE_NAME, created by pytest-django.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = envstr("TEST_DATABASE_NAME")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parity" / "locale"]
TIME_ZONE = envstr("TIME_ZONE") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT") or BASE_DIR / "staticfiles")
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
MEDIA_ROOT = Path(envstr("MEDIA_ROOT") or VAR_DIR / "media")

# Rendered dashboard fragments, shared by every web worker of this machine (files, so
# that no cache server is needed); each entry is retired when the indicators are computed
# again. Several machines behind one address would each keep their own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(envstr("PARITY_CACHE_DIR") or VAR_DIR / "cache")),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
IMPORT_DIR = MEDIA_ROOT / "imports"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Django limits the form fields of a request, not its files: this limits each file.
PARITY_UPLOAD_MAX_MB = envint("PARITY_UPLOAD_MAX_MB", 100)
FILE_UPLOAD_HANDLERS = [
    "parity.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Error reports of imports are kept this many days, then `parity purge_uploads` deletes them.
PARITY_UPLOAD_RETENTION_DAYS = envint("PARITY_UPLOAD_RETENTION_DAYS", 7)
if PARITY_UPLOAD_MAX_MB < 1:
    raise ImproperlyConfigured("PARITY_UPLOAD_MAX_MB must be at least 1")
if PARITY_UPLOAD_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("PARITY_UPLOAD_RETENTION_DAYS must not be negative")

SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "parity.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parity API",
    "DESCRIPTION": "流动人口登记与基本公共服务均等化平台 — REST API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set where several fields share a name (``status``, ``outcome``)
    # or one set serves several fields (HousingType: residence and dwelling).
    "ENUM_NAME_OVERRIDES": {
        "HousingTypeEnum": "parity.people.choices.HousingType",
        "ServiceOutcomeEnum": "parity.services.choices.Outcome",
        "VisitOutcomeEnum": "parity.services.choices.VisitOutcome",
        "PersonStatusEnum": "parity.people.choices.Status",
        "PregnancyStatusEnum": "parity.maternal.choices.PregnancyStatus",
        "BirthOutcomeEnum": "parity.maternal.choices.BirthOutcome",
        "EndReasonEnum": "parity.maternal.choices.EndReason",
        "PermitStatusEnum": "parity.certificates.choices.PermitStatus",
    },
    # Browsable docs use the vendored Swagger UI (no CDN): see parity/web/static/vendor.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui-dist",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui-dist/favicon-32x32.png",
}

# The city this Parity instance serves: its GB/T 2260 prefix decides who is floating.
PARITY_CITY_CODE = envstr("PARITY_CITY_CODE") or "1502"
PARITY_CITY_NAME = envstr("PARITY_CITY_NAME") or "包头市"
# A grid worker's inflow residents are due a home visit after this many days.
PARITY_VISIT_INTERVAL_DAYS = envint("PARITY_VISIT_INTERVAL_DAYS", 90)
# The dashboard's 重新计算 button: run the city-wide refresh inside the request (small
# cities, tests) or, by default, as a separate `parity refresh_indicators` process so that
# a long refresh never meets the web server's request timeout.
PARITY_REFRESH_INLINE = envbool("PARITY_REFRESH_INLINE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
