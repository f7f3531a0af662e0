"""Coming or not, on the workshop page of the member space, and the facilitator's list of who came.

The rules (places, the waiting list, when answers close and attendance opens) are in
workshops.registrations; these views only read the forms and tell the person what happened.
Every page costs a fixed number of queries, whatever the number of members or registrations.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from networks.decorators import facilitator_required, member_required
from networks.models import Membership

from .. import registrations
from ..forms.rsvp import AttendanceForm, RsvpForm
from ..models import Registration
from .common import get_workshop

Response = Registration.Response


@dataclass
class RsvpState:
    """What the workshop page's RSVP part shows. `can_respond`: an active member (staff who are not members
    see the figures but take no places)."""

    registration: Registration | None
    capacity: int | None
    counts: dict
    position: int | None
    closed_reason: str | None
    can_respond: bool
    form: RsvpForm | None

    @property
    def status(self):
        return registrations.status_of(self.registration)

    @property
    def full(self):
        return self.capacity is not None and self.counts["places"] >= self.capacity


def rsvp_context(request, access, workshop):
    """The RSVP part's context: {"rsvp": RsvpState}. Two queries, three for someone in line."""
    registration = Registration.objects.filter(workshop=workshop, user=request.user).first()
    closed = registrations.closed_reason(workshop)
    can_respond = access.membership is not None
    form = None
    if can_respond and closed is None:
        form = RsvpForm(auto_id="rsvp-%s", initial={"response": registration.response if registration else None})
    return {
        "rsvp": RsvpState(
            registration=registration,
            capacity=workshop.capacity,
            counts=registrations.counts(workshop),
            position=registrations.position_in_line(registration) if registration else None,
            closed_reason=closed,
            can_respond=can_respond,
            form=form,
        )
    }


def _outcome_message(request, workshop, outcome):
    if outcome.status == "waitlisted":
        if outcome.unchanged:
            text = _("Olet edelleen jonossa sijalla %(position)d. Saat sähköpostia, jos paikka vapautuu.")
        else:
            text = _("Työpaja on täynnä: pääsit jonoon sijalle %(position)d. Saat sähköpostia, jos paikka vapautuu.")
        messages.warning(request, text % {"position": outcome.position})
    elif outcome.status == "place":
        if outcome.unchanged:
            text = _("Olet jo ilmoittautunut, ja paikkasi on tallessa.")
        elif workshop.capacity is not None:
            text = _("Kiitos! Sinulle on varattu paikka työpajaan.")
        else:
            text = _("Kiitos! Merkitsimme, että tulet työpajaan.")
        messages.success(request, text)
    else:
        if outcome.unchanged:
            label = str(outcome.registration.get_response_display()).lower()
            text = _("Vastauksesi pysyi ennallaan: %(response)s.") % {"response": label}
        elif outcome.status == "maybe":
            text = _("Merkitsimme, että tulet ehkä. Paikkaa ei varata ennen kuin vastaat tulevasi.")
        else:
            text = _("Merkitsimme, ettet tule työpajaan.")
        if outcome.promoted:
            text = f"{text} {_('Paikkasi siirtyi seuraavalle jonossa.')}"
        messages.success(request, text)


@member_required
@require_POST
def respond(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    back = redirect("space-workshop", access.network.slug, workshop.pk)
    if access.membership is None:
        messages.error(request, _("Työpajaan voivat ilmoittautua vain verkoston jäsenet."))
        return back
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vastausta ei tallennettu: valitse, tuletko (tulen, ehkä tai en tule)."))
        return back
    try:
        outcome = registrations.respond(workshop, request.user, form.cleaned_data["response"])
    except registrations.RegistrationError as error:
        messages.error(request, _("Vastausta ei tallennettu: %(reason)s") % {"reason": error.message})
        return back
    _outcome_message(request, workshop, outcome)
    return back


class Row:
    """A member on the attendance page, with their registration (or None)."""

    def __init__(self, membership, registration):
        self.membership = membership
        self.user = membership.user
        self.registration = registration

    @property
    def status(self):
        return registrations.status_of(self.registration)

    @property
    def attended(self):
        return self.registration is not None and self.registration.attended is True


def _groups(rows):
    """[(organisation or None, [rows])]: organisations by name, people by name, the ones without last."""
    groups = {}
    for row in rows:
        groups.setdefault(row.membership.organisation, []).append(row)
    for members in groups.values():
        members.sort(key=lambda row: (row.user.last_name.lower(), row.user.first_name.lower(), row.user.email))
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0].name.lower() if item[0] else ""))


@facilitator_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request, access, workshop_id):
    network = access.network
    workshop = get_workshop(network, workshop_id)
    memberships = list(Membership.objects.active().filter(network=network).select_related("user", "organisation"))
    if request.method == "POST":
        return _save_attendance(request, access, workshop, {membership.user_id for membership in memberships})

    all_registrations = list(Registration.objects.filter(workshop=workshop).select_related("user"))
    by_user = {registration.user_id: registration for registration in all_registrations}
    rows = [Row(membership, by_user.get(membership.user_id)) for membership in memberships]
    summary = {
        "places": sum(1 for r in all_registrations if r.has_place),
        "waiting": sum(1 for r in all_registrations if r.response == Response.YES and r.waitlisted),
        "maybe": sum(1 for r in all_registrations if r.response == Response.MAYBE),
        "no": sum(1 for r in all_registrations if r.response == Response.NO),
        "none": sum(1 for row in rows if row.status == "none"),
        "attended": sum(1 for r in all_registrations if r.attended is True),
    }
    waiting = sorted(
        (r for r in all_registrations if r.response == Response.YES and r.waitlisted),
        key=lambda registration: (registration.responded, registration.pk),
    )
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "groups": _groups(rows),
        "members": len(rows),
        "summary": summary,
        "waiting": waiting,
        "can_mark": not workshop.cancelled and registrations.has_started(workshop),
    }
    return TemplateResponse(request, "workshops/rsvp/attendance.html", context)


def _save_attendance(request, access, workshop, member_ids):
    back = redirect("workshop-attendance", access.network.slug, workshop.pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Läsnäoloa ei tallennettu: lomakkeessa oli virheellisiä tietoja. Yritä uudelleen."))
        return back
    people = form.cleaned_data["people"] | form.cleaned_data["attended"]
    listed = people & member_ids
    others = people - member_ids
    try:
        attended = registrations.mark_attendance(workshop, listed, form.cleaned_data["attended"] & member_ids)
    except registrations.RegistrationError as error:
        messages.error(request, _("Läsnäoloa ei tallennettu: %(reason)s") % {"reason": error.message})
        return back
    if others:
        messages.warning(
            request,
            ngettext(
                "%(count)d henkilö ohitettiin, koska hän ei ole verkoston jäsen.",
                "%(count)d henkilöä ohitettiin, koska he eivät ole verkoston jäseniä.",
                len(others),
            )
            % {"count": len(others)},
        )
    messages.success(
        request,
        _("Läsnäolo tallennettu: %(attended)d / %(listed)d jäsentä osallistui.")
        % {"attended": attended, "listed": len(listed)},
    )
    return back
