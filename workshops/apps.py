from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Työpajat")

    def ready(self):
        # Connects their signal receivers and registers their parts of a person's data export and of the demo
        # content; they import the models, so Django's place for them is here.
        from . import answers, data, demo, feedback, registrations, signals  # noqa: F401
