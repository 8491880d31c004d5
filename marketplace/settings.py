"""Settings, driven by the environment variables of the public contract (api.md).

Every variable has an embedded default so that a fresh clone runs with SQLite,
tasks in-process after commit and emails on the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from marketplace.cache_config import default_cache_url
from marketplace.log_config import logging_config
from marketplace.sentry import init_sentry
from marketplace.storage_config import storage_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# The development key is published in the repository: with DEBUG off the
# site refuses to start on it, or on any key Django would call weak (shorter
# than 50 characters, fewer than 5 different ones, or "django-insecure-").
DEVELOPMENT_SECRET_KEY = (
    "django-insecure-development-only-key-change-me-in-production-0123456789"  # noqa: S105
)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or weak while DEBUG is off: set SECRET_KEY to a "
        "random value of at least 50 characters, e.g. "
        '`python -c "import secrets; print(secrets.token_urlsafe(64))"`.'
    )
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "staff.apps.StaffAdminConfig",  # Django's admin with the escalation queue
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "csp",
    "django_countries",
    "anymail",
    "marketplace",
    "accounts",
    "marketplace.notifications",
    "messaging",
    "axes",
    "artists",
    "orders",
    "returns",
    "reviews",
    "payouts",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    # First: every answer carries X-Request-ID, every log line its id.
    "marketplace.request_id.RequestIdMiddleware",
    # GET /health/ answers here, before the HTTPS redirect and the host
    # check (a load balancer polls each node by its address, over HTTP).
    "marketplace.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or the database: a NUL byte in the
    # path, query, headers or a form body is a 400 (PostgreSQL refuses it).
    "marketplace.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a login locked out by django-axes into a clear answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "marketplace.context_processors.site",
                "orders.context_processors.cart_size",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests on the embedded database wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "catalog:home"

# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",
    "accounts.backends.UserBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# Dates with the month's name in both languages (marketplace/formats/).
FORMAT_MODULE_PATH = ["marketplace.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Public files (shop and item photos) and private files (personalisation,
# return, message and review photos) live apart: only the public ones have
# URLs; private files go through views that check who asks. STORAGE_URL
# unset: two folders of MEDIA_ROOT; s3://bucket?endpoint_url=...: object
# storage, public/ and private/ prefixes (marketplace/storage_config.py).
STORAGE_URL = env.str("STORAGE_URL", default="")
_storage = storage_config(STORAGE_URL, media_root=MEDIA_ROOT, media_url=MEDIA_URL)
STORAGES = {
    **_storage.storages,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# CACHE_URL: e.g. redis://127.0.0.1:6379/1 (rate limits live there, shared
# by every web process). Unset with a Redis broker: the broker's Redis on the
# next database number; unset without a broker: in-process memory
# (marketplace/cache_config.py). check --deploy refuses an in-process cache.
CACHES = {
    "default": env.cache_url_config(
        default_cache_url(
            env.str("CACHE_URL", default=""), env.str("CELERY_BROKER_URL", default="")
        )
    )
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000

# Email: EMAIL_URL picks the backend and its options; EMAIL_BACKEND overrides
# the backend alone (for instance an anymail backend).
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
if env.str("EMAIL_FILE_PATH", default=""):  # for the file-based backend
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
# An SMTP server that hangs must not hold a worker (and the outbox claim) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Atelier <hello@atelier.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = env.json("ANYMAIL", default={})
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery. Without a broker every task runs in-process; callers schedule them
# with transaction.on_commit so they still run after the commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Workers and beat wait for the broker for as long as it is away (None: retry
# forever; with 0 a worker exits as soon as Redis restarts).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Publishing from a web request never waits on the broker: no retry, and a
# broker that refuses (or hangs) fails within 1 s (or 2 s); the outbox row
# stays pending and the sweep sends it later (marketplace/notifications).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_DB_REUSE_MAX = 200
# The periodic jobs: functions taking no argument and returning a count,
# run in this order by marketplace.jobs (beat, and manage.py run_due_jobs).
DUE_JOBS = [
    "orders.jobs.fail_stale_payments",
    "orders.jobs.remind_acceptance_deadlines",
    "orders.jobs.refuse_overdue_acceptances",
    "orders.jobs.auto_confirm_deliveries",
    "orders.jobs.complete_finished_orders",
    "orders.jobs.flag_overdue_shipping",
    "orders.jobs.retry_pending_refunds",
    "returns.jobs.escalate_unanswered_returns",
    "returns.jobs.expire_unshipped_returns",
    "returns.jobs.remind_waiting_returns",
    "returns.jobs.escalate_stuck_returns",
    "orders.jobs.remind_cancellation_requests",
    "artists.jobs.send_back_in_stock_alerts",
    "payouts.jobs.run_payouts",
    "payouts.jobs.retry_pending_payouts",
    "marketplace.notifications.services.sweep_pending",
]
CELERY_BEAT_SCHEDULE = {
    "run-due-jobs": {
        "task": "marketplace.jobs.run_due_jobs",
        "schedule": timedelta(minutes=env.float("DUE_JOBS_EVERY_MINUTES", default=5)),
    },
    "sweep-notifications": {
        "task": "marketplace.notifications.sweep_pending",
        "schedule": timedelta(minutes=1),
    },
}

# Marketplace rules (api.md). Deadlines may be fractional.
ACCEPTANCE_DEADLINE_HOURS = env.float("ACCEPTANCE_DEADLINE_HOURS", default=72)
AUTO_DELIVERY_DAYS = env.float("AUTO_DELIVERY_DAYS", default=30)
# A shipped parcel can be reported as not received this long after shipping.
NOT_RECEIVED_AFTER_DAYS = env.float("NOT_RECEIVED_AFTER_DAYS", default=14)
RETURN_SHIP_BACK_DAYS = env.float("RETURN_SHIP_BACK_DAYS", default=14)
RETURN_ANSWER_DAYS = env.float("RETURN_ANSWER_DAYS", default=3)
RETURN_RECEIVE_DAYS = env.float("RETURN_RECEIVE_DAYS", default=10)
# A return's refund is due this many business days (Monday to Friday) after
# the artist marks it received (seed 002); a late one shows in staff's queue.
REFUND_DUE_BUSINESS_DAYS = env.int("REFUND_DUE_BUSINESS_DAYS", default=3)
# The one reminder of a waiting return goes out this many days before its
# deadline (at most halfway through the wait).
RETURN_REMINDER_DAYS = env.float("RETURN_REMINDER_DAYS", default=2)
# An order left awaiting payment this long (a crash between reserving stock
# and paying) is failed and its stock released by the periodic jobs.
PAYMENT_TIMEOUT_MINUTES = env.float("PAYMENT_TIMEOUT_MINUTES", default=30)
# Money (api.md): the default commission until staff sets one in the admin,
# and the smallest available balance a payout run pays.
COMMISSION_RATE = env.str("COMMISSION_RATE", default="0.12")
PAYOUT_MINIMUM = env.str("PAYOUT_MINIMUM", default="10.00")
MARKETPLACE_COUNTRY = env.str("MARKETPLACE_COUNTRY", default="FR")
# The marketplace as the intermediary named on every receipt: its legal name
# and postal address (lines separated by newlines, or "\n" in the variable).
MARKETPLACE_NAME = env.str("MARKETPLACE_NAME", default="Atelier")
MARKETPLACE_ADDRESS = env.str(
    "MARKETPLACE_ADDRESS",
    default="10 rue des Artisans\n75011 Paris\nFrance",
    multiline=True,
)
PAYMENT_PROVIDERS = {"test": "orders.payments.TestPaymentProvider"}

# Messages: emails about new messages wait this long, so that several
# messages to the same person in a few minutes leave as one email (sent by the
# periodic sweep; without a broker there is no beat, so they leave at once).
MESSAGE_EMAIL_GROUP_SECONDS = env.int(
    "MESSAGE_EMAIL_GROUP_SECONDS", default=120 if CELERY_BROKER_URL else 0
)
# Burst limit of messages per user (django-ratelimit rate: count/period).
MESSAGE_BURST_RATE = env.str("MESSAGE_BURST_RATE", default="10/m")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # a cache outage must not stop conversations

# Login lockout (django-axes): 5 failures for one username from one address
# lock that pair out for 15 minutes; 20 failures from one address, whatever
# the usernames (password spraying), lock the address out (an office behind
# one address survives a few people's typos: a success resets its own).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Abuse the lockout does not cover (django-ratelimit / DRF rates, count/period):
# sign-ups per address (page and API together), password-reset emails per
# target email and per address, "this address already has an account"
# notices per email.
SIGNUP_RATE = env.str("SIGNUP_RATE", default="10/hour")
PASSWORD_RESET_EMAIL_RATE = env.str("PASSWORD_RESET_EMAIL_RATE", default="3/h")
PASSWORD_RESET_ADDRESS_RATE = env.str("PASSWORD_RESET_ADDRESS_RATE", default="10/h")
SIGNUP_NOTICE_RATE = env.str("SIGNUP_NOTICE_RATE", default="3/h")
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N trusted proxies (TRUSTED_PROXY_COUNT=N), the client address is the
# N-th from the right in X-Forwarded-For; otherwise REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes DRF answer 401 (not
        # 403) to anonymous callers, as api.md says.
        "marketplace.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    # DRF's JSON parser with a depth limit and no NUL byte (marketplace/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "marketplace.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier marketplace API",
    "DESCRIPTION": "Buyers, artists and staff of the artisan marketplace.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ThreadKindEnum": "messaging.models.ThreadKind.choices",
        "ArtistOrderStateEnum": "orders.models.ArtistOrderState.choices",
        "ArtistOrderActionEnum": "orders.serializers.ACTIONS",
        "ReturnStateEnum": "returns.models.ReturnState.choices",
        "ReturnReasonEnum": "returns.models.ReturnReason.choices",
        "ReturnKindEnum": "returns.models.ReturnKind.choices",
        "ReturnActionEnum": "returns.serializers.ACTIONS",
        "PayoutStatusEnum": "payouts.models.PayoutStatus.choices",
        "LedgerEntryKindEnum": "payouts.models.EntryKind.choices",
        "HoldReasonEnum": "payouts.serializers.HOLD_REASONS",
    },
    # Swagger UI and ReDoc from the installed sidecar package, not a CDN: the
    # docs work offline and under the Content-Security-Policy below.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Production hardening, on whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), in development too so that a page
# breaking it shows at once: scripts, styles, fonts and frames only from this
# site, images also as data: URIs, no inline scripts or event handlers
# (static/js/site.js holds the pages' behaviours). Inline styles stay allowed:
# templates use style attributes, and styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Public photos may come from the object storage (STORAGE_URL).
        "img-src": ["'self'", "data:", *_storage.media_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logs at LOG_LEVEL and above go to the console and, when LOG_FILE is set, to
# that file (rotated by size; a daemonised gunicorn drops the console).
# LOG_FORMAT=json: one JSON object per line, with the request id
# (marketplace/log_config.py, marketplace/request_id.py).
LOG_FILE = env.str("LOG_FILE", default="")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="WARNING"),
    log_file=LOG_FILE,
    log_format=LOG_FORMAT,
)
# With LOG_FILE set or JSON lines asked for, Celery workers keep these
# handlers (so task errors reach the file too, in the same format) instead of
# replacing them with their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not (LOG_FILE or LOG_FORMAT == "json")

# Errors to Sentry only when SENTRY_DSN is set (marketplace/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
init_sentry(
    SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    release=env.str("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
