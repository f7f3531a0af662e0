"""A network's workshops as iCalendar (RFC 5545): the subscribable feed and the single "add to calendar" file.

Only public facts go in: the title, number, time, place, online link, public summary and address of each
workshop. The members-only materials and the facilitator's notes never do.

Each workshop is one VEVENT:

- UID `workshop-<translation_key>@<site host>`: the same for every edit and publish of the page, so a
  subscribed calendar updates the event instead of adding a new one.
- DTSTART/DTEND in Europe/Helsinki local time (TZID=Europe/Helsinki, with its VTIMEZONE in the calendar).
- SEQUENCE is the id of the page's live revision. Wagtail makes a new revision for every publish (a revert
  copies the old one into a new revision), and revision ids only grow, so the number grows whenever the
  published version changes; it is 0 for a page that was never published through a revision.
- STATUS CANCELLED for a cancelled workshop, which stays in the feed so that calendars strike it out;
  CONFIRMED otherwise.
- DTSTAMP is the moment the file was made (RFC 5545 §3.8.7.2, for an object with METHOD); LAST-MODIFIED
  and CREATED are the page's last and first publication.
"""

import functools
import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event, Timezone, vDuration

HELSINKI = "Europe/Helsinki"
PRODID = "-//Verkostamo//Verkostojen työpajat//FI"
REFRESH = timedelta(hours=1)


def site_host():
    """The site's host name, from its public address: the domain part of every UID."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "verkostamo"


def public_url(page, request=None):
    """The page's full public address."""
    url = page.get_url(request)
    if url and not urlsplit(url).scheme:
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url or ""


def event_uid(page):
    return f"workshop-{page.translation_key}@{site_host()}"


def sequence(page):
    return page.live_revision_id or 0


_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|div)>", re.IGNORECASE)
_ITEMS = re.compile(r"<li[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(html):
    """Rich text as plain text: paragraphs and list items on lines of their own, no markup."""
    text = _ITEMS.sub("- ", _BREAKS.sub("\n", html or ""))
    lines = (" ".join(line.split()) for line in unescape(strip_tags(text)).splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@functools.lru_cache(maxsize=16)
def helsinki_vtimezone(first_year, last_year):
    """The VTIMEZONE of Europe/Helsinki for these years (making one takes a while: cached)."""
    return Timezone.from_tzid(HELSINKI, first_date=date(first_year, 1, 1), last_date=date(last_year + 2, 1, 1))


def workshop_event(page, request=None, stamp=None):
    """The VEVENT of one workshop: public facts only."""
    helsinki = ZoneInfo(HELSINKI)
    url = public_url(page, request)
    description = [plain_text(page.summary)]
    location = page.place or page.online_url
    if page.place and page.online_url:
        description.append(page.online_url)
    description.append(url)
    event = Event.new(
        uid=event_uid(page),
        stamp=stamp or timezone.now(),
        start=page.start.astimezone(helsinki),
        end=page.end.astimezone(helsinki),
        summary=f"{page.number}. {page.title}",
        location=location or None,
        url=url or None,
        description="\n\n".join(part for part in description if part),
        sequence=sequence(page),
        status="CANCELLED" if page.cancelled else "CONFIRMED",
        created=page.first_published_at,
        last_modified=page.last_published_at or page.first_published_at,
    )
    return event


def build_calendar(workshops, network=None, request=None):
    """A VCALENDAR of `workshops` (WorkshopPage instances). With `network`, the calendar carries its name
    and address, for subscribing; without, it is a file to import (no calendar name)."""
    workshops = list(workshops)
    stamp = timezone.now()
    properties = {"prodid": PRODID, "calscale": "GREGORIAN", "method": "PUBLISH"}
    if network is not None:
        properties.update(
            uid=f"network-{network.translation_key}@{site_host()}",
            name=network.title,
            description=network.summary or None,
            url=public_url(network, request) or None,
            refresh_interval=REFRESH,
        )
    else:
        properties["uid"] = f"workshops-{'-'.join(str(page.translation_key) for page in workshops)}@{site_host()}"
    calendar = Calendar.new(**properties)
    calendar.add("X-WR-TIMEZONE", HELSINKI)
    if network is not None:
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    local = ZoneInfo(HELSINKI)
    years = [page.start.astimezone(local).year for page in workshops]
    years += [page.end.astimezone(local).year for page in workshops]
    this_year = timezone.localtime(stamp, local).year
    calendar.add_component(helsinki_vtimezone(min(years, default=this_year), max(years, default=this_year)))
    for page in workshops:
        calendar.add_component(workshop_event(page, request, stamp))
    calendar.add_missing_timezones()  # nothing to add: every time is in Europe/Helsinki
    return calendar
