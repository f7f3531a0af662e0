from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Sparraus ja koulutukset")

    def ready(self):
        from . import demo, demo_trainings, project_data  # noqa: F401 - demo content steps, data export
