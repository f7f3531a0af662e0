"""Deletes the registrations of the events that ended EVENT_REGISTRATIONS_KEEP_DAYS (30) days ago, keeping on each
event how many held a place and how many attended (events.registrations.delete_registrations). Run daily
(site/deploy/verkostamo-event-registrations.timer); a rerun, or two at once, deletes nothing more."""

from django.conf import settings
from django.core.management.base import BaseCommand

from events.registrations import delete_registrations


class Command(BaseCommand):
    help = (
        "Delete event registrations EVENT_REGISTRATIONS_KEEP_DAYS "
        f"({settings.EVENT_REGISTRATIONS_KEEP_DAYS}) days after the event, keeping the counts."
    )

    def handle(self, *args, **options):
        events, registrations = delete_registrations()
        self.stdout.write(f"Event registrations deleted: {registrations} of {events} events.")
