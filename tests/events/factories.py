"""Builders for the events' tests: an event index under the home page and events under it (no demo content)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from events.models import EventIndexPage, EventPage, EventRegistration

_counter = itertools.count(1)


def make_event_index(home, title="Tapahtumat"):
    return home.add_child(instance=EventIndexPage(title=title, slug="tapahtumat"))


def make_event(index, days_from_now=14, hours=5, **fields):
    """A published event `days_from_now` days away (negative: in the past), in Oulu unless told otherwise."""
    n = next(_counter)
    start = timezone.now() + timedelta(days=days_from_now)
    fields.setdefault("title", f"Aluetilaisuus {n}")
    fields.setdefault("place", "Oulun kaupungintalo")
    fields.setdefault("city", "Oulu")
    fields.setdefault("audience", "Kuntien esihenkilöille ja henkilöstölle")
    fields.setdefault("lead", "Kehittämisverkostot tutuiksi.")
    fields.setdefault("contact_email", "kunteko@example.org")
    event = index.add_child(
        instance=EventPage(slug=f"tapahtuma-{n}", start=start, end=start + timedelta(hours=hours), **fields)
    )
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def make_registration(event, email=None, **fields):
    """A registration stored directly (no e-mail): for tests of what others do with it."""
    n = next(_counter)
    fields.setdefault("name", f"Osallistuja {n}")
    fields.setdefault("organisation", "Oulun kaupunki")
    return EventRegistration.objects.create(event=event, email=email or f"osallistuja{n}@example.org", **fields)
