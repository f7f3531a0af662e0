"""Production: PostgreSQL and Redis from the environment; refuses to start with unsafe settings.

`manage.py check --deploy` gives no warning with these settings (tests/config/test_settings.py), unless the
environment turns a protection off on purpose (SECURE_SSL_REDIRECT, SECURE_HSTS_PRELOAD).
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_str

from .base import *  # noqa: F403
from .base import DEBUG, DEFAULT_SECRET_KEY, METRICS_TOKEN, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production: unset DEBUG or set DEBUG=false.")
# The same rule as Django's own deployment check (security.W009).
if (
    SECRET_KEY == DEFAULT_SECRET_KEY
    or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set to a long random value in production (at least {SECRET_KEY_MIN_LENGTH} characters)."
    )

if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be a random value of at least 32 characters, or unset.")

DATABASES = {"default": env_database("DATABASE_URL", required=True)}
if not env_str("REDIS_URL"):
    raise ImproperlyConfigured("REDIS_URL is not set: production needs Redis for the channel layer and the cache.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Lets the domain be submitted to the browsers' HSTS preload list; turn off for a domain whose subdomains
# cannot all serve HTTPS for good.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
