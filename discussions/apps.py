from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Keskustelut")

    def ready(self):
        # Connects the signal receivers (open sockets rejoin their groups when the channel layer is back) and
        # registers its part of the data export, its demo content step and its rooms on the notice settings page;
        # they import the models, so Django's place for them is here.
        from . import attention, data, demo, open_sockets, signals  # noqa: F401
