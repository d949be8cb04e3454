"""Parity settings, read from the environment (see README, "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    envbool,
    envchoice,
    envint,
    envlist,
    envnetworks,
    envstr,
    generated_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("PARITY_VAR_DIR") or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)
# 48 bytes: Django's deploy check wants at least 50 characters.
SECRET_KEY = generated_secret("SECRET_KEY", VAR_DIR / "secret_key", nbytes=48)
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
    "health_check",
    "django_prometheus",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Installed for its translations: the strength check's messages in Chinese.
    "django_zxcvbn_password_validator",
    "django_tasks",
    "django_tasks.backends.database",
    "parity.core",
    "parity.areas",
    "parity.accounts",
    "parity.housing",
    "parity.people",
    "parity.services",
    "parity.immunization",
    "parity.maternal",
    "parity.certificates",
    "parity.exchange",
    "parity.dedup",
    "parity.reports",
    "parity.indicators",
    "parity.demo",
    "parity.web",
    "parity.api",
    # Last: Django's own widget templates, for FORM_RENDERER (Parity's come first).
    "django.forms",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parity.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parity.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parity.accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parity.accounts.middleware.TwoFactorRequiredMiddleware",
    "parity.core.middleware.PrivateResponsesNotStoredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parity.core.middleware.StatementTimeoutMiddleware",
    # Last but the metrics, as django-axes requires: it turns a lockout into the page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Benchmarks only (bench/pages.py): each response carries its SQL statement count.
if envbool("PARITY_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(
        MIDDLEWARE.index("parity.core.middleware.RequestLogMiddleware") + 1,
        "parity.core.middleware.QueryCountHeaderMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Forms render through the template engine, so that Parity's widget templates (in
# parity/core/templates/django/forms/) replace Django's: the empty choice reads 请选择.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
    # PostgreSQL's JIT compiles a query whose estimated cost passes its thresholds: on the
    # key groups' and lists' queries (dozens of correlated sub-plans) that took 10-20 s of
    # a 21 s request at scale 1, for queries that run in well under 1 s without it
    # (bench/README.md, "pages"). Off unless PARITY_DB_JIT asks for it.
    if not envbool("PARITY_DB_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# The same backends wrapped by django-prometheus: query counts, durations and errors.
_ENGINE = DATABASES["default"]["ENGINE"]
if _ENGINE in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    DATABASES["default"]["ENGINE"] = _ENGINE.replace(
        "django.db.backends.", "django_prometheus.db.backends.", 1
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out client before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "parity.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PARITY_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score from 0 (guessed at once) to 4 (very hard); 3 refuses "Parity123" and its kin.
PASSWORD_MINIMAL_STRENGTH = envint("PARITY_PASSWORD_MIN_STRENGTH", 3)
# Words a password must not resemble, beyond the user's own name and username.
PASSWORD_EXTRA_DICTIONARY = ["parity", "baotou", "admin"]
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
# Files written by export jobs, one folder per user; purged with the uploads (below).
EXPORT_DIR = MEDIA_ROOT / "exports"
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
# Error reports of imports and the files of export jobs are kept this many days, then
# `parity purge_uploads` deletes them.
PARITY_UPLOAD_RETENTION_DAYS = envint("PARITY_UPLOAD_RETENTION_DAYS", 7)
if PARITY_UPLOAD_MAX_MB < 1:
    raise ImproperlyConfigured("PARITY_UPLOAD_MAX_MB must be at least 1")
if PARITY_UPLOAD_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("PARITY_UPLOAD_RETENTION_DAYS must not be negative")

SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)

# --- sign-in security (see README, "Security") -------------------------------------------
# A session ends after this many minutes without a request, and this many hours after the
# sign-in however active it is (parity.accounts.middleware.SessionLimitsMiddleware).
PARITY_SESSION_IDLE_MINUTES = envint("PARITY_SESSION_IDLE_MINUTES", 30)
PARITY_SESSION_MAX_HOURS = envint("PARITY_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = PARITY_SESSION_MAX_HOURS * 3600
# Roles that must sign in with a one-time code (TOTP); superusers always must.
PARITY_2FA_REQUIRED_ROLES = envlist("PARITY_2FA_REQUIRED_ROLES", ["admin", "official"])
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER") or "Parity"

# How many reverse proxies in front of Parity append to X-Forwarded-For. 0 (embedded mode,
# or a proxy that does not set the header): the client is REMOTE_ADDR and the header is
# ignored, since any client can write it.
PARITY_TRUSTED_PROXY_COUNT = envint("PARITY_TRUSTED_PROXY_COUNT", 0)

# django-axes: a username is locked out after AXES_FAILURE_LIMIT failures from one address,
# and after PARITY_LOCKOUT_USER_LIMIT failures from any addresses (rotating addresses does
# not help); the lock lifts after the cool-off. parity.accounts.lockout holds the rule.
AXES_FAILURE_LIMIT = envint("PARITY_LOCKOUT_LIMIT", 5)
PARITY_LOCKOUT_USER_LIMIT = envint("PARITY_LOCKOUT_USER_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("PARITY_LOCKOUT_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "parity.accounts.lockout.TieredLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "parity.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "parity.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# No banner at every start of every command (lockouts are logged and audited themselves).
AXES_VERBOSE = False
# Masked in the attempt rows and axes' log lines (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# --- response headers ----------------------------------------------------------------------
# HTTPS: all off in the embedded mode (plain http on 127.0.0.1); on behind TLS.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Trust the proxy's X-Forwarded-Proto: only behind a proxy that sets it on every request.
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = []
if _ENGINE == "django.db.backends.sqlite3":
    # W040: SQLite ignores an index's INCLUDE columns (PostgreSQL's covering indexes); the
    # index still works, so the warning every command printed says nothing to act on.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
if not SECURE_HSTS_PRELOAD:
    # W021 asks to opt into the browsers' built-in HSTS preload list, which only public
    # domains can join (not a city intranet name); HSTS itself is checked by W004.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
X_FRAME_OPTIONS = "DENY"
# The pages load scripts and style sheets from Parity itself only; no inline script.
# Style *attributes* (not <style> elements) stay allowed: ECharts writes its tooltips as
# HTML with style attributes, and the coverage bars set their width in one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page of Parity uses, refused to any script that would.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "screen-wake-lock",
        "xr-spatial-tracking",
    )
}

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
    "EXCEPTION_HANDLER": "parity.core.api.errors.exception_handler",
    # Throttles key anonymous clients on their address: the same trusted-proxy count as the
    # login lockout, so a forged X-Forwarded-For gives no new bucket.
    "NUM_PROXIES": PARITY_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parity API",
    "DESCRIPTION": "流动人口登记与基本公共服务均等化平台 — REST API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint and field: for signed-in users only, like the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "parity.api.schema.add_error_responses",
    ],
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
        "CheckOutcomeEnum": "parity.certificates.choices.CheckOutcome",
    },
    # Browsable docs use the vendored Swagger UI (no CDN): see parity/web/static/vendor.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui-dist",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui-dist/favicon-32x32.png",
    # No validator badge: Swagger UI would otherwise fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# The city this Parity instance serves: its GB/T 2260 prefix decides who is floating.
PARITY_CITY_CODE = envstr("PARITY_CITY_CODE") or "1502"
PARITY_CITY_NAME = envstr("PARITY_CITY_NAME") or "包头市"
# The exchange between Parity instances (parity/exchange): the region code we answer for,
# our Ed25519 signing key (a 32-byte seed, base64url; generated in the embedded mode), how
# far a message's timestamp may be from our clock, and the delivery worker's batch/backoff.
PARITY_EXCHANGE_CODE = envstr("PARITY_EXCHANGE_CODE") or PARITY_CITY_CODE
PARITY_EXCHANGE_KEY = generated_secret("PARITY_EXCHANGE_KEY", VAR_DIR / "exchange_key")
PARITY_EXCHANGE_WINDOW_SECONDS = envint("PARITY_EXCHANGE_WINDOW_SECONDS", 300)
PARITY_EXCHANGE_BATCH = envint("PARITY_EXCHANGE_BATCH", 100)
PARITY_EXCHANGE_TIMEOUT_SECONDS = envint("PARITY_EXCHANGE_TIMEOUT_SECONDS", 20)
PARITY_EXCHANGE_RETRY_BASE_SECONDS = envint("PARITY_EXCHANGE_RETRY_BASE_SECONDS", 30)
PARITY_EXCHANGE_RETRY_MAX_SECONDS = envint("PARITY_EXCHANGE_RETRY_MAX_SECONDS", 3600)
# The two-way items' targets in the assessment (parity/exchange/rules.py): "key=percent".
PARITY_EXCHANGE_TWO_WAY_TARGETS = envlist("PARITY_EXCHANGE_TWO_WAY_TARGETS", [])
# A grid worker's inflow residents are due a home visit after this many days.
PARITY_VISIT_INTERVAL_DAYS = envint("PARITY_VISIT_INTERVAL_DAYS", 90)
# Clear ID and phone numbers one user may reveal per hour; past it a reveal is refused.
PARITY_REVEAL_LIMIT_PER_HOUR = envint("PARITY_REVEAL_LIMIT_PER_HOUR", 60)
# The dashboard's 重新计算 button: run the city-wide refresh inside the request (small
# cities, tests) or, by default, as a separate `parity refresh_indicators` process so that
# a long refresh never meets the web server's request timeout.
PARITY_REFRESH_INLINE = envbool("PARITY_REFRESH_INLINE", False)
# Database connections an indicator refresh computes on at once (PostgreSQL; SQLite uses
# one): its independent parts are shared out between them.
PARITY_REFRESH_WORKERS = envint("PARITY_REFRESH_WORKERS", 2)
if PARITY_REFRESH_WORKERS < 1:
    raise ImproperlyConfigured("PARITY_REFRESH_WORKERS must be at least 1")
# A web request's queries are cancelled after this many seconds on PostgreSQL (0: never), so
# that a runaway query ends with its request; commands (imports, refreshes) have no limit.
# Background jobs (django-tasks, database backend): `parity worker` runs them (README,
# "Operations").
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.database.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Duplicate people (parity/dedup): a merge can be undone for this many days; pairs scoring
# below the threshold (0-1) are not queued for review.
PARITY_DEDUP_UNMERGE_DAYS = envint("PARITY_DEDUP_UNMERGE_DAYS", 30)
if PARITY_DEDUP_UNMERGE_DAYS < 0:
    raise ImproperlyConfigured("PARITY_DEDUP_UNMERGE_DAYS must not be negative")
# An export of more rows than this is written by the worker, not inside the request.
PARITY_EXPORT_INLINE_MAX_ROWS = envint("PARITY_EXPORT_INLINE_MAX_ROWS", 5000)
if PARITY_EXPORT_INLINE_MAX_ROWS < 0:
    raise ImproperlyConfigured("PARITY_EXPORT_INLINE_MAX_ROWS must not be negative")

PARITY_WEB_STATEMENT_TIMEOUT_S = envint("PARITY_WEB_STATEMENT_TIMEOUT_S", 30)
# PostgreSQL parallel workers per query of a web request (max_parallel_workers_per_gather):
# none by default, the cores serve concurrent requests; commands keep the server's setting.
PARITY_WEB_PARALLEL_WORKERS = envint("PARITY_WEB_PARALLEL_WORKERS", 0)
# A list's total is counted for its pager when PostgreSQL can count it within this many
# milliseconds; past it the pages show "this page, next page" without a total (0: always count).
PARITY_LIST_COUNT_BUDGET_MS = envint("PARITY_LIST_COUNT_BUDGET_MS", 300)
# After a list's count ran over that budget, the same list (the same query: scope, filters)
# is not counted again for this many seconds: no request spends the budget to learn it again.
PARITY_LIST_COUNT_RETRY_S = envint("PARITY_LIST_COUNT_RETRY_S", 600)
# The people import on PostgreSQL: through a staging table, merged set-based (true), or
# chunk by chunk through the row writer (false; SQLite always uses it).
PARITY_IMPORT_STAGING = envbool("PARITY_IMPORT_STAGING", True)
# A file with more data rows than this is checked or imported by the worker, not inside the
# import page's request (people, service records, targets).
PARITY_IMPORT_BACKGROUND_ROWS = envint("PARITY_IMPORT_BACKGROUND_ROWS", 2000)
if PARITY_IMPORT_BACKGROUND_ROWS < 0:
    raise ImproperlyConfigured("PARITY_IMPORT_BACKGROUND_ROWS must not be negative")
# API writes to an existing record without If-Match: accepted (false) or refused with 428.
PARITY_API_REQUIRE_IF_MATCH = envbool("PARITY_API_REQUIRE_IF_MATCH", False)

# Health and metrics (README, "Operations").
# A nightly refresh older than this is reported as a warning by /health/.
PARITY_HEALTH_REFRESH_MAX_AGE_HOURS = envint("PARITY_HEALTH_REFRESH_MAX_AGE_HOURS", 36)
# /health/ warns when the cache or upload directory's disk has less free space than this.
PARITY_HEALTH_MIN_FREE_MB = envint("PARITY_HEALTH_MIN_FREE_MB", 500)
# `parity worker` touches this file while it runs; set it empty where no worker runs
# (its check is then skipped).
PARITY_WORKER_HEARTBEAT_FILE = envstr(
    "PARITY_WORKER_HEARTBEAT_FILE", str(VAR_DIR / "run" / "worker.heartbeat")
)
PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS = envint("PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS", 300)
# Who may read /metrics: these addresses (unproxied), or a bearer token.
PARITY_METRICS_ALLOWED_IPS = envnetworks("PARITY_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
PARITY_METRICS_TOKEN = envstr("PARITY_METRICS_TOKEN") or ""

# One JSON object a line (or plain text for a terminal), every record passing the filter
# that masks ID and mobile numbers. Parity's loggers are named after their modules
# (``parity.people.imports.engine``), children of one logger per app (``parity.people``)
# whose level is LOG_LEVEL unless LOG_LEVEL_<APP> (``LOG_LEVEL_PEOPLE=debug``) says
# otherwise; requests log under ``parity.requests``, security events under
# ``parity.security``.
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_LEVEL = envchoice("LOG_LEVEL", "info", LOG_LEVELS).upper()
LOG_FORMAT = envchoice("LOG_FORMAT", "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_numbers": {"()": "parity.core.logs.MaskPersonalNumbers"},
        "request_context": {"()": "parity.core.logs.RequestContext"},
    },
    "formatters": {
        "json": {"()": "parity.core.logs.JsonFormatter"},
        "text": {"()": "parity.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "mask_personal_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Every request is logged once by parity.requests; Django's own line for each
        # 4xx/5xx would repeat it (and a 500 keeps its traceback, at ERROR).
        "django.request": {"level": "ERROR"},
        # runserver's access line repeats parity.requests with the query string (a search
        # value can be an ID number): only its warnings, through the masking handler.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # A failing check is in /health/'s answer (and a 503 in the request log); the
        # library's traceback at every load-balancer probe would drown the log.
        "health_check": {"level": "ERROR"},
        # Security events are kept whatever LOG_LEVEL says.
        "parity.security": {"level": "INFO"},
        **{
            app: {"level": envchoice(f"LOG_LEVEL_{label.upper()}", LOG_LEVEL, LOG_LEVELS).upper()}
            for app, label in (
                (app, app.removeprefix("parity."))
                for app in INSTALLED_APPS
                if app.startswith("parity.")
            )
        },
    },
}
