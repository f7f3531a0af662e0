from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Sparraus ja koulutukset")

    def ready(self):
        from . import demo  # noqa: F401 - registers the demo content steps
