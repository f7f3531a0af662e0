from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Sivusto")

    def ready(self):
        # Registers its demo content steps, which import the models: Django's place for that is here.
        from . import demo  # noqa: F401
