"""The demo content of the public events: the event index, the events and a few registrations.

``events.json`` (core.demo loads it; the orders are listed in docs/architecture.md)

``index``
    the EventIndexPage's page fields and ``intro`` (rich text), put under the default site's root page (the home
    page). ``after`` lists the slugs of the home page's children it should come right after, the first that exists
    (the news index "ajankohtaista", else the services page): the main menu lists the pages in that order, and a
    site loaded before has the index moved there once.
``events``
    the events under the index: page fields, ``start`` and ``end`` (local times, Europe/Helsinki), ``place``,
    ``city``, ``online``, ``online_url``, ``audience``, ``lead``, ``body`` (BaseStreamBlock data), ``programme``
    (AgendaBlock data), ``themes`` (theme slugs), ``capacity``, ``registration_deadline`` (local time),
    ``registration_open``, ``cancelled``, ``contact_email``; for a past event whose registrations are already
    deleted, ``counts``: ``{registered, attended, deleted}`` (deleted a local time); for an event with registrations,
    ``registrations``: ``{name, organisation, email, created (local time), diet?, accessibility?, language?,
    waitlisted?}`` (example.org addresses; those with a place may not exceed the capacity).

Registrations are rows the demo's visitors may change (cancel one, mark attendance), so they are only ever created,
found by their event and address; they are made directly, not through events.registrations, so nobody is e-mailed.
"""

from core.addresses import clean_address
from core.demo import DemoContentError, local_datetime, page_values, steps
from networks.demo import site_root_page
from networks.models import Theme

from .models import EventIndexPage, EventPage, EventRegistration


def event_index():
    return EventIndexPage.objects.child_of(site_root_page()).first()  # one per parent


@steps.register("event index", order=485, files=("events.json",))
def load_event_index(load):
    home = site_root_page()
    spec = load.read("events.json")["index"]
    values = page_values(spec, intro=spec.get("intro", ""))
    page = load.sync_page("event index", home, EventIndexPage, values, existing=event_index())
    after = (home.get_children().filter(slug=slug).first() for slug in spec.get("after", []))
    load.place_after(page, after, "moved the event index after the news")


def themes_of(spec, themes):
    unknown = set(spec.get("themes", [])) - set(themes)
    if unknown:
        raise DemoContentError(f"Event {spec['slug']!r}: unknown themes {sorted(unknown)}.")
    return [themes[slug] for slug in spec.get("themes", [])]


def optional_time(value):
    return local_datetime(value) if value else None


@steps.register("events", order=486, files=("events.json",))
def load_events(load):
    index = event_index()
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in load.read("events.json")["events"]:
        values = page_values(
            spec,
            start=local_datetime(spec["start"]),
            end=local_datetime(spec["end"]),
            place=spec.get("place", ""),
            city=spec.get("city", ""),
            online=spec.get("online", False),
            online_url=spec.get("online_url", ""),
            audience=spec["audience"],
            lead=spec["lead"],
            body=spec.get("body", []),
            programme=spec.get("programme", []),
            capacity=spec.get("capacity"),
            registration_deadline=optional_time(spec.get("registration_deadline")),
            registration_open=spec.get("registration_open", True),
            cancelled=spec.get("cancelled", False),
            contact_email=spec.get("contact_email", ""),
        )
        event = load.sync_page("events", index, EventPage, values, relations={"themes": themes_of(spec, themes)})
        if "counts" in spec:
            sync_counts(load, event, spec["counts"])


def sync_counts(load, event, counts):
    """The counts a past event keeps after its registrations were deleted: not page content (no revision has them),
    so written to the row itself, as events.registrations.delete_registrations writes them."""
    wanted = {
        "registered_count": counts["registered"],
        "attended_count": counts["attended"],
        "registrations_deleted": local_datetime(counts["deleted"]),
    }
    if any(getattr(event, name) != value for name, value in wanted.items()):
        EventPage.objects.filter(pk=event.pk).update(**wanted)
        load.report.add("event counts", "updated")
    else:
        load.report.add("event counts", "unchanged")


@steps.register("event registrations", order=487, files=("events.json",))
def load_registrations(load):
    index = event_index()
    events = {event.slug: event for event in EventPage.objects.child_of(index)}
    existing = {
        (registration.event_id, registration.email)
        for registration in EventRegistration.objects.filter(event__in=events.values())
    }
    for spec in load.read("events.json")["events"]:
        rows = spec.get("registrations", [])
        event = events[spec["slug"]]
        with_place = sum(1 for row in rows if not row.get("waitlisted"))
        if event.capacity is not None and with_place > event.capacity:
            raise DemoContentError(f"Event {spec['slug']!r}: {with_place} places held, capacity {event.capacity}.")
        for row in rows:
            email = clean_address(row["email"])
            if (event.pk, email) in existing:
                load.report.add("event registrations", "unchanged")
                continue
            load.sync_object(
                "event registrations",
                EventRegistration,
                None,
                {"event": event, "email": email},
                {
                    "name": row["name"],
                    "organisation": row["organisation"],
                    "diet": row.get("diet", ""),
                    "accessibility": row.get("accessibility", ""),
                    "language": row.get("language", "fi"),
                    "created": local_datetime(row["created"]),
                    "waitlisted": row.get("waitlisted", False),
                },
            )
