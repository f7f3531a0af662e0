from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Ilmoitukset")

    def ready(self):
        # Registers its part of the data export and of what goes with a deleted account; it imports the models.
        from . import data  # noqa: F401
