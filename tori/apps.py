from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToriConfig(AppConfig):
    name = "tori"
    verbose_name = _("Tekojen Tori")
