from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Tapahtumat")

    def ready(self):
        from networks.groups import office_writes_under

        # Connects the receiver that gives freed places when an event is published, and registers the demo content;
        # they import the models, so Django's place for them is here.
        from . import demo, registrations  # noqa: F401
        from .models import EventIndexPage

        # The programme office publishes the events (and so sees their registrations): add, edit and publish under
        # a new event index.
        office_writes_under(EventIndexPage)
