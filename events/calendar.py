"""An event as iCalendar (RFC 5545): the page's "add to calendar" file and the one attached to the registrants'
e-mails. The pieces are the workshops' (workshops.calendar: Helsinki's VTIMEZONE, the site's host for the UID, the
public address), so both kinds of calendar entry behave alike:

- UID `event-<translation_key>@<site host>`: the same for every edit, so a calendar updates the entry.
- DTSTART/DTEND in Europe/Helsinki local time; SEQUENCE the live revision's id (grows with every publish).
- STATUS CANCELLED for a cancelled event, else CONFIRMED.
- LOCATION the place and city, or "Verkossa"; the online address only in a registrant's file (`online_url`), never
  in the public one: the page does not show it either.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from workshops.calendar import HELSINKI, helsinki_vtimezone, public_url, sequence, site_host

PRODID = "-//Verkostamo//Tapahtumat//FI"
CALENDAR_TYPE = "text/calendar"


def calendar_filename(event) -> str:
    """An ASCII file name (slugs may hold any letters)."""
    return f"{slugify(event.slug) or 'tapahtuma'}.ics"


def location(event, online_url="") -> str:
    where = ", ".join(part for part in (event.place, event.city) if part)
    if event.online:
        online = online_url or _("Verkossa")
        where = f"{where} / {online}" if where else online
    return where


def event_calendar(event, request=None, online_url=""):
    """A VCALENDAR with the event as its one VEVENT (public facts; `online_url` for a registrant's own file)."""
    stamp = timezone.now()
    url = public_url(event, request)
    description = [event.lead]
    if online_url:
        description.append(_("Etäyhteys: %(url)s") % {"url": online_url})
    description.append(url)
    vevent = Event.new(
        uid=f"event-{event.translation_key}@{site_host()}",
        stamp=stamp,
        start=event.start.astimezone(ZoneInfo(HELSINKI)),
        end=event.end.astimezone(ZoneInfo(HELSINKI)),
        summary=event.title,
        location=location(event, online_url) or None,
        url=url or None,
        description="\n\n".join(part for part in description if part),
        sequence=sequence(event),
        status="CANCELLED" if event.cancelled else "CONFIRMED",
        created=event.first_published_at,
        last_modified=event.last_published_at or event.first_published_at,
    )
    local = ZoneInfo(HELSINKI)
    calendar = Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method="PUBLISH", uid=f"event-{event.translation_key}@{site_host()}"
    )
    calendar.add("X-WR-TIMEZONE", HELSINKI)
    calendar.add_component(helsinki_vtimezone(event.start.astimezone(local).year, event.end.astimezone(local).year))
    calendar.add_component(vevent)
    return calendar
