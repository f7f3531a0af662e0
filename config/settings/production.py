"""Production: PostgreSQL and Redis from the environment; refuses to start with unsafe settings."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_str

from .base import *  # noqa: F403
from .base import DEBUG, DEFAULT_SECRET_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production: unset DEBUG or set DEBUG=false.")
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")

DATABASES = {"default": env_database("DATABASE_URL", required=True)}
if not env_str("REDIS_URL"):
    raise ImproperlyConfigured("REDIS_URL is not set: production needs Redis for the channel layer and the cache.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
