from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Käyttäjät")

    def ready(self):
        # Connects the signal receivers, which import the models: Django's place for that is here.
        from . import signals  # noqa: F401
