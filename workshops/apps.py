from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Työpajat")

    def ready(self):
        from . import registrations, signals  # noqa: F401 - connects their receivers
