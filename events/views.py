"""The events' pages outside the page tree, under /ilmoittautumiset/ (config/urls.py), in the person's language:

- `peru/<key>/`: the cancel link of the confirmation e-mail. GET shows the registration and one button and changes
  nothing (mail scanners open links); POST cancels. An unknown key changes nothing and says so (status 400).
- `tapahtuma/<id>/`: the organiser's list of an event's registrations, with the waiting list, attendance (POST
  `lasnaolo/`) and the exports (`csv/`, `xlsx/`). For the programme office and anyone Wagtail lets edit the event
  (`registrations.may_manage`): anonymous → sign-in, everyone else 403; an id that is no event is 404.

The rules are events.registrations'; these views translate their refusals.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ActionError
from core.pages import original

from . import exports, registrations
from .forms import AttendanceForm
from .models import EventPage, EventRegistration


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, key):
    registration = registrations.registration_for_key(key)
    if registration is None:
        return _cancel_page(request, {"refusal": registrations.UnknownKey.message}, status=400)
    event = registration.event
    context = {"registration": registration, "event": event, "key": key}
    refusal = registrations.cancel_refusal(event)
    if refusal is not None:
        return _cancel_page(request, {**context, "refusal": refusal.message}, status=400)
    if request.method != "POST":
        return _cancel_page(request, context)
    try:
        cancelled = registrations.cancel(key)
    except ActionError as refusal:
        return _cancel_page(request, {**context, "refusal": refusal.message}, status=400)
    return _cancel_page(request, {**context, "done": True, "cancelled": cancelled})


def _cancel_page(request, context, status=200):
    response = TemplateResponse(request, "events/cancel.html", context, status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # the key is in the address: never sent to another site
    return response


def managed_event(request, event_id):
    """The event (its original) that the person may manage: 404 for no such event, PermissionDenied for anyone else.
    Anonymous visitors are sent to sign in first (`None`)."""
    page = EventPage.objects.select_related("locale").filter(pk=event_id).first()
    if page is None:
        raise Http404("No such event")
    if not request.user.is_authenticated:
        return None
    event = original(page)
    if not registrations.may_manage(request.user, event):
        raise PermissionDenied
    return event


@require_safe
def registration_list(request, event_id):
    event = managed_event(request, event_id)
    if event is None:
        return redirect_to_login(request.get_full_path())
    rows = list(EventRegistration.objects.filter(event=event).order_by("waitlisted", "created", "pk"))
    figures = registrations.counts(event)
    refusal = registrations.attendance_refusal(event)
    context = {
        "event": event,
        "rows": [row for row in rows if not row.waitlisted],
        "waiting": [row for row in rows if row.waitlisted],
        "figures": figures,
        "places_left": registrations.places_left(event, figures["places"]),
        "can_mark": refusal is None,
        "attendance_refusal": refusal,
        "keep_days": settings.EVENT_REGISTRATIONS_KEEP_DAYS,
    }
    return TemplateResponse(request, "events/registrations.html", context)


@require_POST
def attendance(request, event_id):
    event = managed_event(request, event_id)
    if event is None:
        return redirect_to_login(request.get_full_path())
    back = redirect("event-registrations", event.pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Läsnäoloa ei tallennettu: lomakkeessa oli virheellisiä tietoja. Yritä uudelleen."))
        return back
    try:
        marked = registrations.mark_attendance(event, form.cleaned_data["people"], form.cleaned_data["attended"])
    except ActionError as refusal:
        messages.error(request, _("Läsnäoloa ei tallennettu: %(reason)s") % {"reason": refusal.message})
        return back
    if marked.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d rivi ohitettiin, koska se ei ole tämän tapahtuman ilmoittautuminen.",
                "%(count)d riviä ohitettiin, koska ne eivät ole tämän tapahtuman ilmoittautumisia.",
                marked.skipped,
            )
            % {"count": marked.skipped},
        )
    messages.success(
        request,
        _("Läsnäolo tallennettu: %(attended)d / %(listed)d ilmoittautunutta osallistui.")
        % {"attended": marked.attended, "listed": marked.listed},
    )
    return back


@require_safe
def export_csv(request, event_id):
    event = managed_event(request, event_id)
    if event is None:
        return redirect_to_login(request.get_full_path())
    return exports.csv_response(event)


@require_safe
def export_xlsx(request, event_id):
    event = managed_event(request, event_id)
    if event is None:
        return redirect_to_login(request.get_full_path())
    return exports.xlsx_response(event)
