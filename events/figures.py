"""The public events in the programme's figures (/luvut/, services.views.figures): per year, the events held, the
people who held a place and those who attended. A past event's registrations are deleted a set time after it
(events.registrations.delete_registrations); its counts stay on the event, and are read from there."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from core.pages import one_per_translation

from .models import EventPage


@dataclass
class EventYear:
    year: int
    events: int = 0
    registered: int = 0
    attended: int = 0


def events_by_year() -> list[EventYear]:
    """The events held (ended, not cancelled; each once whatever its translations), by the calendar year of their
    start, oldest first. One query, whatever the number of events and registrations."""
    held = (
        one_per_translation(EventPage.objects.filter(end__lte=timezone.now(), cancelled=False))
        .annotate(
            places=Count("registrations", filter=Q(registrations__waitlisted=False)),
            present=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .values_list("start", "registrations_deleted", "registered_count", "attended_count", "places", "present")
    )
    years: dict[int, EventYear] = defaultdict(lambda: EventYear(0))
    for start, deleted, registered_count, attended_count, places, present in held:
        year = timezone.localtime(start).year
        row = years[year]
        row.year = year
        row.events += 1
        row.registered += registered_count if deleted else places
        row.attended += attended_count if deleted else present
    return [years[year] for year in sorted(years)]
