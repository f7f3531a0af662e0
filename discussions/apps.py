from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Keskustelut")

    def ready(self):
        from . import data, signals  # noqa: F401
