"""The public events' pages: the index (coming events first, then the past ones), an event's page with its
registration form or why registration is closed, registering (the page's route `ilmoittaudu/`) and the event as an
.ics file (`kalenteri/`). The page models' get_context and routes call these; the rules are events.registrations',
and each view only translates their refusals (docs/architecture.md, "Actions and errors")."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import ActionError
from core.pages import original, url_here
from core.pagination import paginate
from core.ratelimit import RateLimited, client_address
from core.structured_data import absolute, json_ld, publisher, without_empty
from workshops.calendar import HELSINKI
from workshops.views.calendar import calendar_response

from . import registrations
from .calendar import calendar_filename, event_calendar
from .forms import RegistrationForm

PAST_PER_PAGE = 20
SCHEMA = "https://schema.org/"


def with_places_taken(events):
    """Each event with `taken`: the registrations holding a place (one query for the list)."""
    return events.annotate(taken=Count("registrations", filter=Q(registrations__waitlisted=False)))


def describe(events, now):
    """The listed events with what a card says: places left and, for a closed registration, why."""
    events = list(events)
    for event in events:
        event.places_left = registrations.places_left(event, event.taken)
        event.closed = registrations.registration_refusal(event, now)
    return events


def index_context(index, request, context):
    now = timezone.now()
    events = with_places_taken(index.events())
    context["coming"] = describe(events.filter(end__gte=now).order_by("start", "pk"), now)
    context["past"] = paginate(request, events.filter(end__lt=now).order_by("-start", "-pk"), PAST_PER_PAGE)
    context["default_language"] = settings.LANGUAGE_CODE
    return context


def subpage_url(page, request, name):
    return url_here(page, request) + page.reverse_subpage(name)


def event_context(page, request, context):
    """The registration part: counts and places left, the form or why it is closed (`refusal`); the structured
    data. A preview shows the form without its routes (Wagtail routes live pages only)."""
    event = original(page)
    figures = registrations.counts(event)
    context["event"] = event
    context["figures"] = figures
    context["places_left"] = registrations.places_left(event, figures["places"])
    context["refusal"] = registrations.registration_refusal(event)
    context["is_preview"] = getattr(request, "is_preview", False)
    if context["refusal"] is None:
        context.setdefault("form", RegistrationForm())
    if not context["is_preview"]:
        context["register_url"] = subpage_url(page, request, "register")
        context["calendar_url"] = subpage_url(page, request, "calendar")
        context["structured_data"] = json_ld(event_data(page, request))
    context["themes"] = list(page.themes.all())
    context["keep_days"] = settings.EVENT_REGISTRATIONS_KEEP_DAYS
    return context


def event_data(page, request=None):
    """The event as a schema.org Event (the online address is never in it: only registrants get that)."""
    url = absolute(request, url_here(page, request))
    physical = bool(page.place or page.city)
    places = []
    if physical:
        places.append({"@type": "Place", "name": page.place or page.city, "address": page.city or page.place})
    if page.online:
        places.append({"@type": "VirtualLocation", "url": url})
    mode = {(True, True): "Mixed", (False, True): "Online"}.get((physical, page.online), "Offline")
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "description": page.lead,
        "inLanguage": page.locale.language_code,
        "startDate": page.start.astimezone(ZoneInfo(HELSINKI)).isoformat(),
        "endDate": page.end.astimezone(ZoneInfo(HELSINKI)).isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if page.cancelled else "EventScheduled"),
        "eventAttendanceMode": f"{SCHEMA}{mode}EventAttendanceMode",
        "location": places,
        "audience": {"@type": "Audience", "audienceType": page.audience},
        "organizer": publisher(request),
        "image": absolute(request, static("img/logo.svg")),
        "url": url,
    }
    return without_empty(data)


def registration_language() -> str:
    """The registrant's language: the page's interface language, one of the site's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _page_again(page, request, form, status, not_saved=None):
    """The event's page again, the form with what was typed and its errors (or, when registration closed meanwhile,
    why: `not_saved`)."""
    context = page.get_context(request)
    if context["refusal"] is None:
        context["form"] = form
    context["not_saved"] = not_saved
    return TemplateResponse(request, page.get_template(request), context, status=status)


def register_view(page, request):
    """POST ilmoittaudu/: registers the form's person; back to the page with what happened."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _page_again(page, request, form, 400)
    data = registrations.RegistrationInput(**form.cleaned_data, language=registration_language())
    try:
        registered = registrations.register(page, data, client=client_address(request))
    except RateLimited as limited:
        form.add_error(None, limited.message)
        return _page_again(page, request, form, 429)
    except registrations.AlreadyRegistered as refusal:
        form.add_error("email", refusal.message)
        return _page_again(page, request, form, 400)
    except ActionError as refusal:  # closed or cancelled while the form was open
        return _page_again(page, request, form, 400, not_saved=refusal.message)
    values = {"email": data.email, "position": registered.position}
    if registered.waitlisted:
        text = _(
            "Tapahtuma on täynnä: pääsit jonoon sijalle %(position)d. Saat sähköpostia osoitteeseen %(email)s, jos "
            "paikka vapautuu. Vahvistus ja peruutuslinkki lähetettiin samaan osoitteeseen."
        )
        messages.warning(request, text % values)
    else:
        text = _(
            "Kiitos, ilmoittautumisesi on vastaanotettu! Vahvistus, kalenterimerkintä ja peruutuslinkki lähetettiin "
            "osoitteeseen %(email)s."
        )
        messages.success(request, text % values)
    return redirect(url_here(page, request) + "#ilmoittautuminen")


def calendar_view(page, request):
    """GET kalenteri/: the event as an .ics file to add to a calendar."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return calendar_response(event_calendar(page, request), calendar_filename(page), as_attachment=True)
