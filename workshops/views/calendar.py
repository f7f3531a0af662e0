"""A network's public workshop calendar: the iCalendar feed to subscribe to, and each workshop's
"add to calendar" file.

Workshops are public pages, so these are public too, with the same rule: live, public (not
privacy-restricted) workshops of a live, public network; anything else is 404. The feed costs the same
few queries whatever the number of workshops.
"""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from networks.access import live_network

from ..calendar import build_calendar
from ..models import WorkshopPage

CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_AGE = 300


def public_workshops(network):
    return WorkshopPage.objects.live().public().child_of(network)


def calendar_response(calendar, filename, as_attachment):
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def safe_filename(*parts):
    """An ASCII file name from the parts (slugs may hold any letters)."""
    name = "-".join(filter(None, (slugify(str(part)) for part in parts)))
    return f"{name or 'tyopajat'}.ics"


@require_safe
def network_feed(request, network_slug):
    network = live_network(network_slug)
    workshops = public_workshops(network).order_by("start", "pk")
    calendar = build_calendar(workshops, network=network, request=request)
    return calendar_response(calendar, safe_filename(network.slug, "tyopajat"), as_attachment=False)


@require_safe
def workshop_event(request, network_slug, workshop_id):
    network = live_network(network_slug)
    workshop = public_workshops(network).filter(pk=workshop_id).first()
    if workshop is None:
        raise Http404("No such workshop")
    calendar = build_calendar([workshop], request=request)
    return calendar_response(calendar, safe_filename(network.slug, "tyopaja", workshop.number), as_attachment=True)
