"""Benchmarks (bench/): the production code paths without PostgreSQL, and quiet.

Like the test settings (fast hashing, immediate tasks, plain static files) but keeping base.py's choice
of channel layer and cache (Redis when REDIS_URL is set, else the in-memory layer with base.py's
capacity), DEBUG off and logging at WARNING: a benchmark server must not spend its CPU on log lines.
The database is whatever DATABASE_URL names (bench/ uses a temporary SQLite file, which gets the
embedded default's options: WAL, immediate transactions, busy timeout). BENCH_KEY_PREFIX
keeps one run's Redis keys apart from anything else using the same Redis.
"""

from config.env import env_str

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, DATABASES, REDIS_URL, SQLITE_DEFAULT

DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES = {"default": {**SQLITE_DEFAULT, "NAME": DATABASES["default"]["NAME"]}}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One member sends every message of a fan-out run: far beyond the per-person posting limit.
DISCUSSION_RATE_LIMIT = (1_000_000, 1)

KEY_PREFIX = env_str("BENCH_KEY_PREFIX", "")
if REDIS_URL and KEY_PREFIX:
    CHANNEL_LAYERS = {
        "default": {
            **CHANNEL_LAYERS["default"],
            "CONFIG": {**CHANNEL_LAYERS["default"]["CONFIG"], "prefix": KEY_PREFIX},
        }
    }
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": KEY_PREFIX}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
