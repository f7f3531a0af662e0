from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToriConfig(AppConfig):
    name = "tori"
    verbose_name = _("Tekojen Tori")

    def ready(self):
        from . import demo  # noqa: F401 - registers the demo content steps
