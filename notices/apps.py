from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Ilmoitukset")

    def ready(self):
        # Registers its part of the data export and what goes with a deleted account; it imports the models, so
        # Django's place for it is here.
        from . import data  # noqa: F401
