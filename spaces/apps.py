from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    """A network's member space as its members see it: the pages that compose workshops, tasks, materials and
    the discussion, and the addresses of every member-space page (spaces.urls)."""

    name = "spaces"
    verbose_name = _("Jäsentilat")
