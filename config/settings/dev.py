"""Local development: the embedded default (SQLite + in-memory channel layer), DEBUG on."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = True
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)  # public images only (config/media.py)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
