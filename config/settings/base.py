"""Settings shared by every environment. The environment is read here, through config.env."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_database, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The default key only ever works with DEBUG on: production.py refuses it.
DEFAULT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "core",
    "accounts",
    "home",
    "networks",
    "notices",
    "workshops",
    "discussions",
    "tori",
    "services",
    "events",
    "news",
    "newsletter",
    "spaces",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "config.ops.OperationsMiddleware",  # /healthz, /readyz, /metrics: before anything reads a host, session or user
    "config.requestlog.RequestLogMiddleware",  # the request id, the request's log line and its latency
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",  # LocaleMiddleware: Finnish forced only on the public pages' addresses
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that its process_exception comes first: a database that does not answer is a 503, not a 500.
    "config.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite in WAL mode unless DATABASE_URL names another.
SQLITE_DEFAULT = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": BASE_DIR / "db.sqlite3",
    "OPTIONS": {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
    # Keep connections open, as DATABASE_URL's do: closing the last connection to a WAL database
    # checkpoints and fsyncs it, which cost every database call of the discussion consumer ~25 ms.
    "CONN_MAX_AGE": 60,
}
DATABASES = {"default": env_database("DATABASE_URL", default=SQLITE_DEFAULT)}
ON_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channels: Redis when REDIS_URL is set, the in-memory layer otherwise.
REDIS_URL = env_str("REDIS_URL", "")
# Each process opens at most REDIS_MAX_CONNECTIONS connections per pool (the layer's and the cache's) and waits
# for a free one rather than failing (config/channel_layers.py, config/cache.py).
REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 50)
if REDIS_URL:
    # A stale connection (Redis restarted) is found by a PING before use when it has been idle this long.
    REDIS_CONNECTION = {"socket_connect_timeout": 2, "socket_keepalive": True, "health_check_interval": 10}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "config.channel_layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **REDIS_CONNECTION}],
                "capacity": 1500,
                "expiry": 60,
                "max_connections": REDIS_MAX_CONNECTIONS,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "pool_class": "redis.BlockingConnectionPool",
                "max_connections": REDIS_MAX_CONNECTIONS,
                "timeout": 5,
                "socket_timeout": 2,
                **REDIS_CONNECTION,
            },
        }
    }
    # Sessions are read from the shared cache and written to it and the database: a websocket's connect and its
    # access checks read the session without a query. Only with Redis: a per-process cache would go stale.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Channels' in-memory layer, minus its sweep of every group on every call (see config/channel_layers.py).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "config.channel_layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1500}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Presence (discussions/presence.py): each process's entries live PRESENCE_TTL_SECONDS and are written again every
# PRESENCE_HEARTBEAT_SECONDS, so the members of a process that died drop out within the sum of the two.
PRESENCE_HEARTBEAT_SECONDS = env_int("PRESENCE_HEARTBEAT_SECONDS", 15)
PRESENCE_TTL_SECONDS = env_int("PRESENCE_TTL_SECONDS", 45)
# A daphne process told to stop closes its discussion sockets with 1012 and waits at most this long for them to
# go (config/shutdown.py).
SHUTDOWN_GRACE_SECONDS = env_int("SHUTDOWN_GRACE_SECONDS", 5)

# The discussion's flood limits, per person, each (at most this many, in this many seconds): messages sent,
# topic rooms opened and messages edited.
DISCUSSION_RATE_LIMIT = (env_int("DISCUSSION_RATE_MESSAGES", 20), env_int("DISCUSSION_RATE_SECONDS", 10))
DISCUSSION_ROOM_RATE_LIMIT = (env_int("DISCUSSION_ROOM_RATE_ROOMS", 10), env_int("DISCUSSION_ROOM_RATE_SECONDS", 3600))
DISCUSSION_EDIT_RATE_LIMIT = (env_int("DISCUSSION_EDIT_RATE_EDITS", 30), env_int("DISCUSSION_EDIT_RATE_SECONDS", 600))
DISCUSSION_REACTION_RATE_LIMIT = (
    env_int("DISCUSSION_REACTION_RATE_CHANGES", 60),
    env_int("DISCUSSION_REACTION_RATE_SECONDS", 60),
)
# At most one immediate notice e-mail per person and scope (a room, a workshop) in this many seconds; the rest wait
# for the person's digest (notices.delivery).
NOTICE_EMAIL_CAP_SECONDS = env_int("NOTICE_EMAIL_CAP_SECONDS", 3600)
# Reports of messages to the network's facilitators, per person (each one e-mails them).
DISCUSSION_REPORT_RATE_LIMIT = (
    env_int("DISCUSSION_REPORT_RATE_REPORTS", 10),
    env_int("DISCUSSION_REPORT_RATE_SECONDS", 3600),
)
# Floods of e-mail: invitations one person may send in an hour, hours between reminders of one task, and
# days before someone whose join request was declined may ask again.
INVITATIONS_PER_HOUR = env_int("INVITATIONS_PER_HOUR", 200)
TASK_REMINDER_COOLDOWN_HOURS = env_int("TASK_REMINDER_COOLDOWN_HOURS", 12)
JOIN_REQUEST_COOLDOWN_DAYS = env_int("JOIN_REQUEST_COOLDOWN_DAYS", 30)
# Drafts (a room's message box, a task's answer) untouched for this many days go (`manage.py prune_drafts`).
DRAFT_KEEP_DAYS = env_int("DRAFT_KEEP_DAYS", 30)
# Public events (docs/events.md): registrations are deleted this many days after the event ends, keeping only the
# counts (`manage.py delete_event_registrations`); registrations one client address may send in an hour.
EVENT_REGISTRATIONS_KEEP_DAYS = env_int("EVENT_REGISTRATIONS_KEEP_DAYS", 30)
EVENT_REGISTRATIONS_PER_HOUR = env_int("EVENT_REGISTRATIONS_PER_HOUR", 20)
# The newsletter (docs/newsletter.md): a repeated subscription of one address gets no new e-mail within the cooling
# period; a confirmation link is valid (and an unconfirmed address kept) this many days; an unsubscribed address is
# deleted this many days after; subscriptions per IP address; e-mails per batch of the task worker; a sending whose
# last batch began longer ago than this has stalled and is resumed (`manage.py newsletter_upkeep`).
NEWSLETTER_COOLING_SECONDS = env_int("NEWSLETTER_COOLING_SECONDS", 3600)
NEWSLETTER_CONFIRM_DAYS = env_int("NEWSLETTER_CONFIRM_DAYS", 7)
NEWSLETTER_FORGET_DAYS = env_int("NEWSLETTER_FORGET_DAYS", 30)
NEWSLETTER_SUBSCRIBE_RATE_LIMIT = (
    env_int("NEWSLETTER_SUBSCRIBE_RATE_ATTEMPTS", 10),
    env_int("NEWSLETTER_SUBSCRIBE_RATE_SECONDS", 3600),
)
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200)
NEWSLETTER_STALL_SECONDS = env_int("NEWSLETTER_STALL_SECONDS", 600)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: django-allauth, sign-in by e-mail address only, with verified addresses and optional
# two-factor authentication (TOTP + recovery codes). Wagtail's own admin login would skip the second
# factor, so the admin sends people to allauth's sign-in too.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Passwords and e-mail addresses are managed through allauth only (verification, notifications, limits).
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address per person; a new one replaces it once verified
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the person when their password, e-mail or 2FA changes
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Verkostamo] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_str("SITE_URL", "").startswith("https:") else "http"
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits: allauth's defaults are on (ACCOUNT_RATE_LIMITS unset): failed sign-ins 10/min per IP and
# 5 per 5 min per address, sign-in posts 30/min per IP, sign-ups, password resets, e-mail changes, …
# They live in the default cache, so production needs the shared Redis cache (REDIS_URL).
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For is trusted; otherwise every
# request seems to come from the proxy and the per-IP rate limits become one global limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Verkostamo"

# Languages: Finnish first. Set before the first migrate (Wagtail creates its default Locale then).
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("suomi")), ("sv", _("svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static files and media.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Whether the app itself serves the public images under MEDIA_URL (config/media.py); in production the
# reverse proxy does. Nothing else under MEDIA_ROOT is ever served by path, whatever this says.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Answer files of tasks: outside MEDIA_ROOT, served only by a view that checks permissions.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},  # hashed names, module imports too
}

# Wagtail.
WAGTAIL_SITE_NAME = "Verkostamo"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "finnish"}
    if ON_POSTGRES
    else {"BACKEND": "wagtail.search.backends.database"}
}
# Uploads: one size limit for documents and images, and the file types a network may share.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
# Admin uploads get the same size, type and content check as the member space (networks.documents).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "networks.admin_documents.DocumentForm"
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "rtf",
    "txt",
    "csv",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
]

# Background tasks (Wagtail's search and reference index updates, our e-mail): the database
# queue, worked by `manage.py db_worker`. Development and tests run them immediately.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Verkostamo <noreply@verkostamo.fi>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers (config/middleware.py). The public site's content security policy allows only our own
# origin (and video players in frames); "{websocket}" becomes this site's own websocket origin as the
# browser reached it (ws://host:port, or wss://host over TLS), never a ws:/wss: wildcard.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
VIDEO_FRAME_SOURCES = "https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    f"connect-src 'self' {{websocket}}; frame-src {VIDEO_FRAME_SOURCES}; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# The Wagtail admin's own policy: still no inline or third-party script. It frames its own previews.
ADMIN_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    f"connect-src 'self'; frame-src 'self' {VIDEO_FRAME_SOURCES}; frame-ancestors 'self'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)
# No third-party requests from the admin either: no Gravatar avatars, no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# /metrics (config/ops.py): for addresses in these networks that reach a daphne process directly (not through the
# reverse proxy), or for anyone who sends `Authorization: Bearer <METRICS_TOKEN>` (when set).
METRICS_ALLOWED_NETWORKS = env_networks("METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Logs (core/logs.py): one line per request and websocket with its request id, JSON or text, no personal data.
LOG_FORMAT = env_choice("LOG_FORMAT", ("text", "json"), "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "redact_paths": {"()": "core.logs.RedactRequestPath"},
    },
    "formatters": {"text": {"()": "core.logs.TextFormatter"}, "json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Our request line already tells of every 4xx; Django's own request logger keeps its errors (5xx).
    "loggers": {"django.request": {"level": "ERROR"}},
}
