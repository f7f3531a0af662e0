from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Verkostot")

    def ready(self):
        # Registering receivers, exporters and demo content steps needs the app registry ready: Django's place
        # for it is here.
        from accounts.adapter import register_after_sign_in

        from . import data, demo, signals  # noqa: F401
        from .views.invitations import pending_invitation_path

        register_after_sign_in(pending_invitation_path)
