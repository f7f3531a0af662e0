from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Työpajat")

    def ready(self):
        # Connects their signal receivers and registers their parts of a person's data export.
        from . import answers, data, feedback, registrations, signals  # noqa: F401
