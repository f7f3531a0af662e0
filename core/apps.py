from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every other app builds on; it imports none of them (docs/architecture.md)."""

    name = "core"
    verbose_name = _("Perusta")

    def ready(self):
        # Replaces a Wagtail admin widget method (docs/architecture.md, "Security headers"); Wagtail's admin
        # modules import models, so not before the app registry is ready.
        from . import admin_csp

        admin_csp.install()
