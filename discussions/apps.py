from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Keskustelut")

    def ready(self):
        # Connects the signal receivers (open sockets rejoin their groups when the channel layer is back) and
        # registers its part of the data export and its demo content step; they import the models, so Django's
        # place for them is here.
        from . import data, demo, open_sockets, signals  # noqa: F401
