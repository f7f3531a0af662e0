from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every other app builds on; it imports none of them (docs/architecture.md)."""

    name = "core"
    verbose_name = _("Perusta")

    def ready(self):
        from . import admin_csp

        admin_csp.install()
