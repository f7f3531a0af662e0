"""The services' additions to Wagtail: the trainings' hooks on the network pages (services.trainings_hooks)."""

from . import trainings_hooks  # noqa: F401 - registers the hooks
