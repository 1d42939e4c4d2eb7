"""Settings for Lắng Nghe, read from environment variables with safe defaults.

Nothing here needs to be edited to run the product: a newcomer gets SQLite and DEBUG; production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 (see README, "Configuration").
"""

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - refused when DEBUG is off

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address of the site, for links that leave it (QR codes, receipts, mails): behind a TLS proxy the
# request's own scheme and host are the proxy's view, not the citizen's.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")
if not DEBUG and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address when DEBUG is off.")

# Proxies whose X-Forwarded-For is believed (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"). A request from
# anyone else is counted by its own address, whatever header it sends (core/proxies.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# e.g. "X-Forwarded-Proto": the header a trusted TLS proxy sets to "https" (nginx: proxy_set_header X-Forwarded-Proto $scheme)
if proxy_ssl_header := env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "organisation",
    "deadlines",
    "workflows",
    "topics",
    "cases",
    "consultation",
    "surveys",
    "citizens",
    "channels",
    "open311",
    "notifications",
    "documents",
    "ratings",
    "search",
    "bpmn",
    "places",
    "core",
    "simple_history",
    "history",
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",  # first: it reads the proxy's address before core.proxies rewrites it
    "core.health.HealthCheckMiddleware",  # /healthz, before the host check and the HTTPS redirect
    "core.proxies.ForwardedForMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the web process itself (gunicorn)
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change kept in the admin's history
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organisation.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL in production: DATABASE_URL=postgres://user:pass@host/db
(BASE_DIR / "var").mkdir(exist_ok=True)  # the embedded database, media and collected static files live here


def conn_max_age(*, debug: bool, argv: list[str], configured: str) -> int:
    """Seconds a database connection is kept. None under the development server: it serves each request on a
    new thread, and each thread would keep its own connection until the database refuses more."""
    if debug or argv[1:2] == ["runserver"]:
        return 0
    return int(configured or "60")


if not DEBUG and not env("DATABASE_URL"):
    # The embedded SQLite file would live inside the container or the checkout, and go with it.
    raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off (postgres://user:password@host:5432/name).")
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=conn_max_age(debug=DEBUG, argv=sys.argv, configured=env("DATABASE_CONN_MAX_AGE")),
        conn_health_checks=not DEBUG,  # a connection kept across requests is checked before it is reused
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the workers share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": env_bool("DATABASE_SERVER_SIDE_BINDING", True)}
    # psycopg prepares a statement once it has run it this many times on a connection, so the statements every
    # step repeats skip parsing; each run is still planned for its own values (a generic plan can be far worse,
    # e.g. for search). Django leaves preparing off for connection poolers that cannot keep prepared statements
    # (or pass `options`): behind such a pooler, set DATABASE_PREPARE_THRESHOLD to nothing.
    if prepare_threshold := env("DATABASE_PREPARE_THRESHOLD", "5"):
        DATABASES["default"]["OPTIONS"] |= {
            "prepare_threshold": int(prepare_threshold),
            "options": "-c plan_cache_mode=force_custom_plan",
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits live in the cache: with more than one web process it must be shared (REDIS_URL), or each process
# counts alone. `manage.py check` refuses a process-local cache when DEBUG is off (core/checks.py).
CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "lang-nghe"),
        # An unreachable Redis fails a request (and /healthz) within seconds instead of holding a web process.
        "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
    }

AUTHENTICATION_BACKENDS = ["core.auth.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated wrong passwords lock that account from that address (django-axes; failures are rows in the database,
# unlocked in /admin/axes/ or after the cool-off). Locking by account alone would let anyone lock an official out.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.proxies.client_address"
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work:inbox"
LOGOUT_REDIRECT_URL = "cases:portal"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))  # collectstatic writes here
if DEBUG:  # WhiteNoise serves from the finders in development and warns about a STATIC_ROOT not collected yet
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Files (attachments, issued documents, report PDFs, stored mails): the local disk (MEDIA_ROOT) by default;
# STORAGE_BACKEND=s3 keeps them in an S3-compatible bucket (MinIO, Ceph, a cloud's object storage). The bucket
# stays private: files are handed out only by views that check permission first, through URLs signed for
# S3_SIGNED_URL_SECONDS (core/files.py). `manage.py move_files --to s3` copies existing files there.
STORAGE_BACKEND = env("STORAGE_BACKEND", "local")
if STORAGE_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
S3_SIGNED_URL_SECONDS = int(env("S3_SIGNED_URL_SECONDS", "60"))
S3_STORAGE_OPTIONS: dict[str, Any] = {
    "bucket_name": env("S3_BUCKET"),
    "endpoint_url": env("S3_ENDPOINT_URL") or None,
    "access_key": env("S3_ACCESS_KEY_ID") or None,
    "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
    "region_name": env("S3_REGION") or None,
    "addressing_style": env("S3_ADDRESSING_STYLE", "path"),  # MinIO and most self-hosted stores want path style
    "signature_version": "s3v4",
    "default_acl": "private",
    "querystring_auth": True,  # every URL is signed; the bucket is never public
    "querystring_expire": S3_SIGNED_URL_SECONDS,
    "file_overwrite": False,  # a second file with the same name gets a new name, never replaces the first
    "custom_domain": None,
    "location": env("S3_PREFIX"),
}
if STORAGE_BACKEND == "s3" and not S3_STORAGE_OPTIONS["bucket_name"]:
    raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3.")
# WhiteNoise serves the collected static files (`collectstatic`, run when the image is built) with far-future cache
# headers and compressed copies; the hashed names need the manifest, so development (DEBUG) keeps plain storage.
STORAGES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": S3_STORAGE_OPTIONS}
        if STORAGE_BACKEND == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"  # no gzip/Brotli copies: a minute less
    },
}

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production is HTTPS only: plain HTTP is redirected, and browsers are told to never try it again (HSTS).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Asking browsers to preload HSTS is a commitment for every subdomain, taken on purpose (SECURE_HSTS_PRELOAD=1).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Covering indexes (`Index(include=…)`) serve PostgreSQL's plans for the leaders' figures at scale; SQLite, the
# embedded default, builds the same indexes without the extra columns.
SILENCED_SYSTEM_CHECKS += ["models.W040"]

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The one style attribute a bundled library sets (the BPMN properties panel's `height: 100%`), by its hash.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-nR5hyLltSjfvi2rqC26RbcredWrJvTaPA1yqPX96jpY='"],
        "img-src": [SELF, "data:"],  # QR codes are data: URIs
        "font-src": [SELF, "data:"],  # the BPMN icon font is inlined in its bundle's CSS
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # DRF's parsers, refusing NUL characters; JSON also nested too deep (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    # Throttles count REMOTE_ADDR, which core.proxies.ForwardedForMiddleware has already taken from
    # X-Forwarded-For when (and only when) the request came through a trusted proxy.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": env("PUBLIC_SUBMIT_RATE", "10/hour"),
        "public_comment": env("PUBLIC_COMMENT_RATE", "30/hour"),
        "public_rating": env("PUBLIC_RATING_RATE", "20/hour"),
        "public_subscribe": env("PUBLIC_SUBSCRIBE_RATE", "10/hour"),
    },
}

# The API documentation's tags (core/api_schema.py): the first path segment after /api/v1/ → tag; the order of
# API_TAGS is the order of the documentation.
API_TAG_BY_PATH = {
    "petitions": "petitions",
    "units": "organisation",
    "inbox": "tasks",
    "tasks": "tasks",
    "cases": "cases",
    "case-documents": "cases",
    "deadlines": "cases",
    "extension-requests": "cases",
    "work": "cases",
    "stats": "leaders",
    "dockets": "consultation",
    "documents": "consultation",
    "comments": "consultation",
    "surveys": "surveys",
    "bpmn": "bpmn",
    "search": "search",
}
API_TAGS = [
    {"name": "petitions", "description": "Citizens: send a petition, follow it with its tracking code, appeal."},
    {"name": "organisation", "description": "Units (communes and wards) petitions are sent to."},
    {"name": "tasks", "description": "Officials: the inbox, claiming and completing the steps of a case."},
    {"name": "cases", "description": "Officials: cases, their legal clock, extensions of deadlines."},
    {"name": "leaders", "description": "Unit leaders: on-time figures."},
    {"name": "consultation", "description": "Drafts open for public comment, comments, moderation, dispositions."},
    {"name": "surveys", "description": "Monitoring surveys: open surveys, one-time codes, answers, published results."},
    {"name": "bpmn", "description": "Legal staff: process diagrams, review, publication, test runs, migration."},
    {"name": "search", "description": "Full-text search of published petitions, answers and documents."},
]

SPECTACULAR_SETTINGS = {
    "TITLE": "Lắng Nghe API",
    "DESCRIPTION": "Petitions (phản ánh, kiến nghị, khiếu nại, tố cáo) and public consultation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # One name per choice set where several share a field name ("status", "channel").
    "ENUM_NAME_OVERRIDES": {
        "PetitionStatusEnum": "cases.models.PetitionStatus",
        "ChannelEnum": "cases.models.Channel",
        "DraftStatusEnum": "bpmn.models.DraftStatus",
    },
    # Tags with their descriptions, in the documentation's order (core/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api_schema.describe_tags"],
}

# Open311 GeoReport v2 for third-party apps (/open311/v2/, `open311/`): rate limits per API key and, for reads
# without a key, per client address (DRF rate syntax); how many requests a page of `requests` lists by default
# (`page_size`, at most OPEN311_MAX_PAGE_SIZE); how many decimals of a petition's coordinates are published
# (3 ≈ 110 m: the place of the problem, not a doorstep; -1 publishes none); whether POST answers with a token
# (`tokens/<token>` then gives the id) instead of the petition's id; what service discovery says.
OPEN311_RATE_PER_KEY = env("OPEN311_RATE_PER_KEY", "120/minute")
OPEN311_RATE_ANONYMOUS = env("OPEN311_RATE_ANONYMOUS", "60/minute")
OPEN311_PAGE_SIZE = int(env("OPEN311_PAGE_SIZE", "100"))
OPEN311_MAX_PAGE_SIZE = int(env("OPEN311_MAX_PAGE_SIZE", "1000"))
OPEN311_COORDINATE_DECIMALS = int(env("OPEN311_COORDINATE_DECIMALS", "3"))
OPEN311_ANSWER_WITH_TOKEN = env_bool("OPEN311_ANSWER_WITH_TOKEN", False)
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID")
OPEN311_CONTACT = env("OPEN311_CONTACT")
OPEN311_KEY_SERVICE = env("OPEN311_KEY_SERVICE")
# Legal documents (documents/): what a unit without its own `documents.Issuer` row heads and signs with.
DOCUMENTS_DEFAULT_PLACE = env("DOCUMENTS_DEFAULT_PLACE", "Đông Hà")
DOCUMENTS_DEFAULT_ABBREVIATION = env("DOCUMENTS_DEFAULT_ABBREVIATION", "UBND")
DOCUMENTS_DEFAULT_SIGNER_TITLE = env("DOCUMENTS_DEFAULT_SIGNER_TITLE", "CHỦ TỊCH")

# Public intake: the province's tracking-code prefix and the limits on attachments.
TRACKING_CODE_PREFIX = env("TRACKING_CODE_PREFIX", "QT")
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_FILES = int(env("UPLOAD_MAX_FILES", "5"))
# The appeal window (Law on Complaints, Art. 33) runs from the day the complainant received the first decision. Without
# a recorded delivery date, the decision counts as received this many calendar days after it was issued: the
# province's choice, not the law's (0: decisions are sent the day they are issued, by email and on the status page).
COMPLAINT_DECISION_RECEIVED_AFTER_DAYS = int(env("COMPLAINT_DECISION_RECEIVED_AFTER_DAYS", "0"))
UPLOAD_ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES * UPLOAD_MAX_FILES + 1024 * 1024

# Development prints mails to the console; production sends them through SMTP (EMAIL_HOST required), and
# refuses a backend that would print petitioners' mails to the logs or drop them.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "lang-nghe@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if not DEBUG:
    if EMAIL_BACKEND.rsplit(".", 2)[-2] in ("console", "locmem", "dummy"):
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND {EMAIL_BACKEND} does not deliver mail: set a real one (SMTP) when DEBUG is off."
        )
    if EMAIL_BACKEND.endswith("smtp.EmailBackend") and not env("EMAIL_HOST"):
        raise ImproperlyConfigured("EMAIL_HOST must be set when DEBUG is off (the SMTP server that sends answers).")


# Notifications (notifications/): every message to a citizen or an official goes through the outbox, delivered by
# `manage.py run_outbox` through the adapters below, by the names address chains use. BACKEND: a short name (email,
# zalo, facebook, sms, zns, console, locmem) or a dotted path; empty disables the name (its addresses are skipped
# and the next one is tried). Zalo, Facebook, SMS and ZNS are on when their credentials are set; in development
# (DEBUG) the others print to the console.
def _notify_backend(name: str, *, configured: bool) -> str:
    return env(f"NOTIFY_{name.upper()}_BACKEND", name if configured else ("console" if DEBUG else ""))


def _zns_templates(raw: str) -> dict[str, str]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        raise ImproperlyConfigured('ZALO_ZNS_TEMPLATES must be JSON: {"acknowledgement": "<template id>", …}') from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured('ZALO_ZNS_TEMPLATES must be a JSON object: {"acknowledgement": "<template id>", …}')
    return {str(kind): str(template) for kind, template in parsed.items()}


NOTIFICATION_ADAPTERS: dict[str, dict[str, Any]] = {
    "email": {"BACKEND": env("NOTIFY_EMAIL_BACKEND", "email")},  # Django's EMAIL_BACKEND, above
    "zalo": {
        "BACKEND": _notify_backend("zalo", configured=bool(env("ZALO_OA_ACCESS_TOKEN"))),
        "BASE_URL": env("ZALO_OA_API_URL", "https://openapi.zalo.me"),
        "ACCESS_TOKEN": env("ZALO_OA_ACCESS_TOKEN"),
    },
    "facebook": {
        "BACKEND": _notify_backend("facebook", configured=bool(env("FACEBOOK_PAGE_ACCESS_TOKEN"))),
        "BASE_URL": env("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v21.0"),
        "PAGE_ID": env("FACEBOOK_PAGE_ID"),
        "PAGE_ACCESS_TOKEN": env("FACEBOOK_PAGE_ACCESS_TOKEN"),
    },
    "sms": {
        "BACKEND": _notify_backend("sms", configured=bool(env("SMS_API_KEY"))),
        "BASE_URL": env(
            "SMS_GATEWAY_URL", "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
        ),
        "API_KEY": env("SMS_API_KEY"),
        "SECRET_KEY": env("SMS_SECRET_KEY"),
        "BRANDNAME": env("SMS_BRANDNAME"),
        "SANDBOX": env_bool("SMS_SANDBOX", False),
    },
    "zns": {
        "BACKEND": _notify_backend("zns", configured=bool(env("ZALO_OA_ACCESS_TOKEN") and env("ZALO_ZNS_TEMPLATES"))),
        "BASE_URL": env("ZALO_ZNS_API_URL", "https://business.openapi.zalo.me"),
        "ACCESS_TOKEN": env("ZALO_OA_ACCESS_TOKEN"),
        "TEMPLATES": _zns_templates(env("ZALO_ZNS_TEMPLATES")),
        "MODE": env("ZALO_ZNS_MODE"),  # "development": sent only to the OA's admins
    },
}
if not DEBUG:
    for _name, _adapter in NOTIFICATION_ADAPTERS.items():
        if _adapter["BACKEND"] in ("console", "locmem"):
            raise ImproperlyConfigured(
                f"NOTIFY_{_name.upper()}_BACKEND={_adapter['BACKEND']} does not deliver messages: "
                "set a real one, or nothing to disable it, when DEBUG is off."
            )
# Send each message right after the event commits (development: no worker needed); otherwise run_outbox sends it.
NOTIFICATIONS_SEND_ON_COMMIT = env_bool("NOTIFICATIONS_SEND_ON_COMMIT", DEBUG)
NOTIFICATIONS_MAX_ATTEMPTS_PER_ADDRESS = int(env("NOTIFICATIONS_MAX_ATTEMPTS_PER_ADDRESS", "10"))
NOTIFICATIONS_HTTP_TIMEOUT = float(env("NOTIFICATIONS_HTTP_TIMEOUT", "10"))
# The domain of outgoing Message-IDs (default: DEFAULT_FROM_EMAIL's).
NOTIFICATIONS_MESSAGE_ID_DOMAIN = env("NOTIFICATIONS_MESSAGE_ID_DOMAIN")
# How long after the answer a petitioner is asked to rate how the case was handled.
NOTIFICATIONS_RATING_DELAY = datetime.timedelta(hours=float(env("NOTIFICATIONS_RATING_DELAY_HOURS", "24")))
# Official mailboxes read by `manage.py run_mailboxes` (IMAP). CHANNEL_MAILBOXES names them ("tiepnhan,sotn");
# each NAME is set by MAILBOX_<NAME>_HOST, _PORT (993), _USER, _PASSWORD, _SECURITY ("tls", the default, or
# "starttls"; "plain" is accepted only for a server on the loopback interface, as in the tests), _FOLDER (INBOX),
# _PROCESSED_FOLDER (where handled mail is moved; empty: it stays, flagged), _UNIT (the code of the unit whose
# reception officers confirm its drafts; empty: any reception officer).
CHANNEL_MAILBOXES = [
    {
        "name": name,
        "host": env(f"MAILBOX_{name.upper()}_HOST"),
        "port": int(env(f"MAILBOX_{name.upper()}_PORT", "993")),
        "username": env(f"MAILBOX_{name.upper()}_USER"),
        "password": env(f"MAILBOX_{name.upper()}_PASSWORD"),
        "security": env(f"MAILBOX_{name.upper()}_SECURITY", "tls"),
        "folder": env(f"MAILBOX_{name.upper()}_FOLDER", "INBOX"),
        "processed_folder": env(f"MAILBOX_{name.upper()}_PROCESSED_FOLDER", "Processed"),
        "unit": env(f"MAILBOX_{name.upper()}_UNIT"),
    }
    for name in env_list("CHANNEL_MAILBOXES", "")
]
# Seconds between two reads of a mailbox (with IDLE, the longest wait for a new mail the server did not announce).
CHANNEL_MAILBOX_POLL_SECONDS = int(env("CHANNEL_MAILBOX_POLL_SECONDS", "60"))
# A larger mail is not downloaded: it is recorded as refused and left flagged in the mailbox for a person.
CHANNEL_MAILBOX_MAX_MESSAGE_BYTES = int(env("CHANNEL_MAILBOX_MAX_MESSAGE_BYTES", str(50 * 1024 * 1024)))

# Logs go to the standard error stream: one JSON object a line (time, level, logger, message, request id; core/logs.py)
# when DEBUG is off or LOG_FORMAT=json, plain text in development. One line per request from core.logs.RequestIdMiddleware.
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # SpiffWorkflow logs every task state change at INFO.
    "loggers": {
        "langnghe.request": {"level": env("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
        "spiff": {"level": "WARNING"},
        "spiff.task": {"level": "WARNING"},
        "spiff.workflow": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one INFO line per rendered page otherwise
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # every login at INFO otherwise; lockouts are warnings
    },
}

# GET /healthz (core/health.py): the workers expected to beat (names as in `manage.py run_<name>`: deadlines,
# search_worker, outbox, mailboxes, channel_events, report_renders; a worker not listed is reported once it has
# beaten), how long one may stay silent, and how late the oldest notification due may be, before the answer says
# "degraded" (still 200: the site serves; 503 only when the database or the cache is down).
HEALTHZ_WORKERS = env_list("HEALTHZ_WORKERS", "")
HEALTHZ_WORKER_MAX_SILENCE_SECONDS = int(env("HEALTHZ_WORKER_MAX_SILENCE_SECONDS", "300"))
HEALTHZ_OUTBOX_MAX_LAG_SECONDS = int(env("HEALTHZ_OUTBOX_MAX_LAG_SECONDS", "900"))

# Search: the database's own full-text search by default (SQLite FTS5 or PostgreSQL); setting ELASTICSEARCH_URL
# switches to Elasticsearch. On the database's own backend each change is indexed right after its commit; with
# Elasticsearch `manage.py run_search_worker` drains the outbox.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
# A cluster: every node the client may use (comma-separated URLs); ELASTICSEARCH_URL alone is a one-node list.
ELASTICSEARCH_HOSTS = env_list("ELASTICSEARCH_HOSTS", ELASTICSEARCH_URL)
ELASTICSEARCH_CA_CERTS = env("ELASTICSEARCH_CA_CERTS")  # path of the cluster's CA certificate (PEM)
ELASTICSEARCH_SSL_FINGERPRINT = env("ELASTICSEARCH_SSL_FINGERPRINT")  # or the SHA-256 fingerprint of its certificate
ELASTICSEARCH_API_KEY = env("ELASTICSEARCH_API_KEY")  # "id:api_key" or the encoded key; or a user and password:
ELASTICSEARCH_USERNAME = env("ELASTICSEARCH_USERNAME")
ELASTICSEARCH_PASSWORD = env("ELASTICSEARCH_PASSWORD")
ELASTICSEARCH_TIMEOUT = float(env("ELASTICSEARCH_TIMEOUT", "10"))
ELASTICSEARCH_MAX_RETRIES = int(env("ELASTICSEARCH_MAX_RETRIES", "2"))
ELASTICSEARCH_RETRY_ON_TIMEOUT = env_bool("ELASTICSEARCH_RETRY_ON_TIMEOUT", True)
ELASTICSEARCH_INDEX = env("ELASTICSEARCH_INDEX", "lang-nghe-search")  # the alias searches read
ELASTICSEARCH_REPLICAS = int(env("ELASTICSEARCH_REPLICAS", "1"))  # of each index, restored after a reindex
ELASTICSEARCH_ICU = env("ELASTICSEARCH_ICU", "auto")  # auto (when every node has analysis-icu), on, off
# "" (the database's own), "sqlite", "postgres" or "elasticsearch"
SEARCH_BACKEND = env("SEARCH_BACKEND", "elasticsearch" if ELASTICSEARCH_HOSTS else "")
SEARCH_DRAIN_ON_COMMIT = env_bool("SEARCH_DRAIN_ON_COMMIT", SEARCH_BACKEND != "elasticsearch")


# Zalo Official Accounts and Facebook Pages whose messages come in through the webhooks (channels/webhooks.py,
# /webhooks/zalo/ and /webhooks/facebook/), each listed by its id with its secrets:
#   ZALO_OA_IDS=<oa id>,…      ZALO_OA_<oa id>_SECRET_KEY (signs the events), ZALO_OA_<oa id>_APP_ID (optional:
#                              events of another Zalo app are refused), ZALO_OA_<oa id>_ACCESS_TOKEN (replies)
#   FACEBOOK_PAGE_IDS=<page id>,…   FACEBOOK_PAGE_<page id>_APP_SECRET (signs the events),
#                              FACEBOOK_PAGE_<page id>_VERIFY_TOKEN (the subscription handshake), …_ACCESS_TOKEN (replies)
#   and for either, …_UNIT=<unit code>: the unit whose reception officers confirm its drafts (empty: any unit's)
def env_accounts(prefix: str, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {
        account: {field.lower(): env(f"{prefix}_{account}_{field}") for field in fields}
        for account in env_list(f"{prefix}_IDS", "")
    }


ZALO_OAS = env_accounts("ZALO_OA", ("SECRET_KEY", "APP_ID", "ACCESS_TOKEN", "UNIT"))
FACEBOOK_PAGES = env_accounts("FACEBOOK_PAGE", ("APP_SECRET", "VERIFY_TOKEN", "ACCESS_TOKEN", "UNIT"))
# An event stamped further from now than this is refused as a replay (the same event id twice is stored once).
CHANNEL_WEBHOOK_MAX_AGE = datetime.timedelta(seconds=int(env("CHANNEL_WEBHOOK_MAX_AGE_SECONDS", str(24 * 3600))))
CHANNEL_WEBHOOK_RATE = env("CHANNEL_WEBHOOK_RATE", "1200/minute")  # per client address
# The worker fetches a message's files only from these hosts (and their subdomains), over HTTPS.
CHANNEL_ATTACHMENT_HOSTS = env_list("CHANNEL_ATTACHMENT_HOSTS", "fbcdn.net,fbsbx.com,zdn.vn,zadn.vn,zalo.me")
CHANNEL_ATTACHMENT_TIMEOUT = float(env("CHANNEL_ATTACHMENT_TIMEOUT", "10"))


# Ratings (ratings/): how long a petitioner may change their rating of an answer after first giving it, how long the
# signed rating link in the answer's messages stays valid, and how long a desk's one-time token may be used.
RATINGS_CHANGE_DAYS = int(env("RATINGS_CHANGE_DAYS", "30"))
RATINGS_LINK_MAX_AGE_DAYS = int(env("RATINGS_LINK_MAX_AGE_DAYS", "90"))
RATINGS_DESK_TOKEN_MINUTES = int(env("RATINGS_DESK_TOKEN_MINUTES", "120"))
# Citizens' accounts (citizens/): sign-in with the national e-ID (OpenID Connect, authorization code + PKCE) when
# CITIZEN_OIDC_ISSUER (or CITIZEN_OIDC_DISCOVERY_URL) and CITIZEN_OIDC_CLIENT_ID are set; otherwise, and always
# as the fallback, a one-time code sent by e-mail or SMS through the notification outbox. Redirect URI to register
# with the provider: <SITE_URL>/me/oidc/callback/
CITIZEN_OIDC_ISSUER = env("CITIZEN_OIDC_ISSUER").rstrip("/")
CITIZEN_OIDC_DISCOVERY_URL = env(
    "CITIZEN_OIDC_DISCOVERY_URL",
    f"{CITIZEN_OIDC_ISSUER}/.well-known/openid-configuration" if CITIZEN_OIDC_ISSUER else "",
)
CITIZEN_OIDC_CLIENT_ID = env("CITIZEN_OIDC_CLIENT_ID")
CITIZEN_OIDC_CLIENT_SECRET = env("CITIZEN_OIDC_CLIENT_SECRET")
CITIZEN_OIDC_SCOPES = env("CITIZEN_OIDC_SCOPES", "openid profile email phone")
CITIZEN_OIDC_NAME_CLAIM = env("CITIZEN_OIDC_NAME_CLAIM", "name")
CITIZEN_OIDC_EMAIL_CLAIM = env("CITIZEN_OIDC_EMAIL_CLAIM", "email")
CITIZEN_OIDC_PHONE_CLAIM = env("CITIZEN_OIDC_PHONE_CLAIM", "phone_number")
CITIZEN_OIDC_LABEL = env("CITIZEN_OIDC_LABEL", "VNeID")  # the button's name of the provider
CITIZEN_OIDC_TIMEOUT = float(env("CITIZEN_OIDC_TIMEOUT", "10"))
# One-time codes (citizens/codes.py): lifetime, wrong tries before a code is dead, and how many codes one
# destination and one client address may ask for (DRF rate syntax).
CITIZEN_CODE_TTL = datetime.timedelta(minutes=int(env("CITIZEN_CODE_TTL_MINUTES", "10")))
CITIZEN_CODE_MAX_ATTEMPTS = int(env("CITIZEN_CODE_MAX_ATTEMPTS", "5"))
CITIZEN_CODE_RATE_PER_DESTINATION = env("CITIZEN_CODE_RATE_PER_DESTINATION", "5/hour")
CITIZEN_CODE_RATE_PER_CLIENT = env("CITIZEN_CODE_RATE_PER_CLIENT", "20/hour")
# Sign-in attempts (wrong codes, failed e-ID callbacks) and case claims per client address.
CITIZEN_SIGN_IN_RATE = env("CITIZEN_SIGN_IN_RATE", "30/hour")
CITIZEN_CLAIM_RATE = env("CITIZEN_CLAIM_RATE", "10/hour")
# Places, maps and open data (places/). The map's tile server (e.g. https://tile.example.vn/{z}/{x}/{y}.png) and its
# attribution line; empty: the maps show commune points and clusters on a plain background, with no request
# elsewhere. Its origin is added to the Content-Security-Policy's img-src.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_ATTRIBUTION = env("MAP_ATTRIBUTION")
if MAP_TILE_URL:
    _scheme, _, _rest = MAP_TILE_URL.partition("://")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_scheme}://{_rest.split('/')[0].replace('{s}', '*')}")
# A petition's point must lie in its province's bounds and at most this far from its commune's point (km).
PLACES_MAX_DISTANCE_KM = float(env("PLACES_MAX_DISTANCE_KM", "25"))
MAP_MAX_POINTS = int(env("MAP_MAX_POINTS", "300"))  # the public map's points per request when zoomed in
# Open data (/open-data/): the licence of the downloads, rebuilt daily by `manage.py build_open_data`.
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = env("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
# Alerts: an unconfirmed e-mail subscription is deleted after this many days.
SUBSCRIPTION_CONFIRM_DAYS = int(env("SUBSCRIPTION_CONFIRM_DAYS", "7"))
