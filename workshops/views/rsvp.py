"""Coming or not, on the workshop page of the member space, and the facilitator's list of who came.

The rules (places, the waiting list, when answers close and attendance opens, whose attendance is marked) are
in workshops.registrations; these views only read the forms and tell the person what happened or why not.
Every page costs a fixed number of queries, whatever the number of members or registrations.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ActionError
from networks.decorators import facilitator_required, member_required
from networks.models import Membership

from .. import registrations
from ..forms.rsvp import AttendanceForm, RsvpForm
from ..models import Registration
from .common import get_workshop

NAMES_SHOWN = 5  # the attendance message names the people it changed up to this many


@dataclass
class RsvpState:
    """What the workshop page's RSVP part shows. `can_respond`: a member who answers (facilitators and staff
    see the figures instead: `not_answered` is set for them, and they are not asked)."""

    registration: Registration | None
    capacity: int | None
    counts: dict
    position: int | None
    closed_reason: str | None
    can_respond: bool
    form: RsvpForm | None
    not_answered: int | None = None

    @property
    def status(self):
        return registrations.status_of(self.registration)

    @property
    def full(self):
        return self.capacity is not None and self.counts["places"] >= self.capacity


def rsvp_context(request, access, workshop):
    """The RSVP part's context: {"rsvp": RsvpState}. Two queries, three for someone in line."""
    closed = registrations.answers_refusal(workshop)
    if access.is_facilitator:
        return {
            "rsvp": RsvpState(
                registration=None,
                capacity=workshop.capacity,
                counts=registrations.counts(workshop),
                position=None,
                closed_reason=closed.message if closed is not None else None,
                can_respond=False,
                form=None,
                not_answered=registrations.not_answered(workshop, access.network),
            )
        }
    registration = Registration.objects.filter(workshop=workshop, user=request.user).first()
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
            closed_reason=closed.message if closed is not None else None,
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
    except ActionError as refusal:
        messages.error(request, _("Vastausta ei tallennettu: %(reason)s") % {"reason": refusal.message})
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
    if request.method == "POST":
        return _save_attendance(request, access, workshop)

    memberships = Membership.objects.active().filter(network=network).select_related("user", "organisation")
    by_user = {registration.user_id: registration for registration in Registration.objects.filter(workshop=workshop)}
    rows = [Row(membership, by_user.get(membership.user_id)) for membership in memberships]
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "groups": _groups(rows),
        "members": len(rows),
        "summary": {**registrations.counts(workshop), "none": sum(1 for row in rows if row.status == "none")},
        "waiting": registrations.waiting_list(workshop),
        "can_mark": registrations.attendance_refusal(workshop) is None,
    }
    return TemplateResponse(request, "workshops/rsvp/attendance.html", context)


def _save_attendance(request, access, workshop):
    back = redirect("workshop-attendance", access.network.slug, workshop.pk)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Läsnäoloa ei tallennettu: lomakkeessa oli virheellisiä tietoja. Yritä uudelleen."))
        return back
    try:
        marked = registrations.mark_attendance(
            workshop, access.network, form.cleaned_data["people"], form.cleaned_data["attended"]
        )
    except ActionError as refusal:
        messages.error(request, _("Läsnäoloa ei tallennettu: %(reason)s") % {"reason": refusal.message})
        return back
    if marked.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d henkilö ohitettiin, koska hän ei ole verkoston jäsen.",
                "%(count)d henkilöä ohitettiin, koska he eivät ole verkoston jäseniä.",
                marked.skipped,
            )
            % {"count": marked.skipped},
        )
    totals = {"attended": marked.attended, "listed": marked.listed}
    if not (marked.marked or marked.unmarked):
        messages.info(
            request, _("Läsnäoloon ei tullut muutoksia: %(attended)d / %(listed)d jäsentä osallistui.") % totals
        )
        return back
    changes = []
    if marked.marked:
        changes.append(_("Merkitty osallistuneeksi: %(who)s.") % {"who": _who(marked.marked)})
    if marked.unmarked:
        changes.append(_("Poistettu merkintä: %(who)s.") % {"who": _who(marked.unmarked)})
    messages.success(
        request,
        _("Läsnäolo tallennettu. %(changes)s Osallistui nyt %(attended)d / %(listed)d jäsentä.")
        % {"changes": " ".join(changes), **totals},
    )
    return back


def _who(users):
    """The number of people, and their names when there are few: 2 (Aino Aalto, Eero Esimerkki)."""
    if len(users) > NAMES_SHOWN:
        return str(len(users))
    return f"{len(users)} ({', '.join(user.display_name for user in users)})"
