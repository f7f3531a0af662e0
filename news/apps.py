from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Ajankohtaista")

    def ready(self):
        from . import demo, permissions  # noqa: F401 - demo registers the demo content steps, permissions a receiver
