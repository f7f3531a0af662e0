"""The pages that bring several apps together: the personal start page "Oma Verkostamo" (every network of the
person with what waits for them there), a network's front page (the next workshop, open tasks, the latest
materials, what waits for the facilitator) and one workshop's page (coming or not, materials, tasks, feedback,
its discussion room and the facilitator's tools).

Each part comes from the app that owns it and adds a fixed number of queries, whatever the number of
members, workshops, answers or documents.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import ActionError
from discussions import queries as discussion_queries
from discussions import reports as discussion_reports
from discussions.forms import HandleReportForm
from discussions.models import Message, Report, Room
from networks import overview as network_overview
from networks.access import may_edit_in_admin
from networks.decorators import facilitator_required, member_required
from networks.models import JoinRequest, Membership, NetworkIndexPage
from networks.views.space import network_documents
from notices.attention import NETWORK_CHOICES
from notices.choices import network_levels
from workshops import registrations
from workshops.models import Registration, Task, WorkshopPage
from workshops.overview import NetworkWorkshops, workshops_overview
from workshops.views import feedback, rsvp, tasks
from workshops.views.common import get_workshop, with_answered

LATEST_DOCUMENTS = 5
OPEN_TASKS = 5
MENTIONS_SHOWN = 8


@dataclass
class NetworkCard:
    """One network on the start page."""

    membership: Membership
    workshops: NetworkWorkshops
    unread_rooms: list[discussion_queries.UnreadRoom] = field(default_factory=list)
    pending_requests: int = 0  # for facilitators

    @property
    def network(self):
        return self.membership.network

    @property
    def is_facilitator(self):
        return self.membership.is_facilitator


@require_safe
@login_required
def start(request):
    """Oma Verkostamo, where signing in lands: a fixed number of queries however many networks."""
    user = request.user
    memberships = network_overview.active_memberships(user)
    networks = [membership.network for membership in memberships]
    workshops = workshops_overview(user, memberships)
    cards = {
        membership.network_id: NetworkCard(membership, workshops[membership.network_id]) for membership in memberships
    }
    for entry in discussion_queries.unread_rooms(user, networks) if networks else ():
        cards[entry.room.network_id].unread_rooms.append(entry)
    facilitated = [card.network for card in cards.values() if card.is_facilitator]
    for network_id, count in network_overview.pending_request_counts(facilitated).items():
        cards[network_id].pending_requests = count
    mentions = discussion_queries.mentions_and_replies(user, networks, MENTIONS_SHOWN) if networks else []
    context = {
        "cards": list(cards.values()),
        "mentions": mentions,
        "invitations": network_overview.open_invitations(user),
        "own_requests": network_overview.own_pending_requests(user),
        "network_index_url": None if cards else _network_index_url(request),
    }
    return TemplateResponse(request, "spaces/start.html", context)


def _network_index_url(request):
    """The network index in the language in use (its translation when it has one)."""
    index = NetworkIndexPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE).first()
    return index.localized.get_url(request) if index else None


@require_safe
@member_required
def dashboard(request, access):
    network = access.network
    next_workshop = (
        WorkshopPage.objects.live().child_of(network).filter(end__gte=timezone.now()).order_by("start").first()
    )
    # Facilitators and staff are not asked whether they come: they see how many come and how many have not said.
    registration = rsvp_counts = not_answered = None
    if next_workshop is not None and access.is_facilitator:
        rsvp_counts = registrations.counts(next_workshop)
        not_answered = registrations.not_answered(next_workshop, network)
    elif next_workshop is not None:
        registration = Registration.objects.filter(workshop=next_workshop, user=request.user).first()
    tasks = (
        Task.objects.filter(workshop__in=WorkshopPage.objects.live().child_of(network), due__gte=timezone.now())
        .select_related("workshop")
        .order_by("due", "pk")
    )
    if access.is_facilitator:  # how many have answered, not whether they have
        open_tasks = list(tasks.annotate(answer_count=Count("submissions"))[:OPEN_TASKS])
    else:
        open_tasks = with_answered(tasks[:OPEN_TASKS], request.user, access.organisation)
    pending_requests = open_reports = admin_edit_url = None
    if access.is_facilitator:
        pending_requests = JoinRequest.objects.filter(network=network, status=JoinRequest.Status.PENDING).count()
        open_reports = discussion_reports.open_report_count(network)
        if may_edit_in_admin(request.user, network):
            admin_edit_url = reverse("wagtailadmin_pages:edit", args=[network.pk])
    context = {
        "access": access,
        "active_tab": "dashboard",
        "next_workshop": next_workshop,
        "registration": registration,
        "rsvp_counts": rsvp_counts,
        "not_answered": not_answered,
        "open_tasks": open_tasks,
        "latest_documents": list(network_documents(network)[:LATEST_DOCUMENTS]),
        "pending_requests": pending_requests,
        "open_reports": open_reports,
        "admin_edit_url": admin_edit_url,
        # Following or muting the network (notices.views.network_attention): for its members, not staff outside it.
        "network_level": network_levels(request.user, [network])[network.pk] if access.membership else None,
        "network_choices": NETWORK_CHOICES,
    }
    return TemplateResponse(request, "spaces/dashboard.html", context)


@require_safe
@member_required
def workshop(request, access, workshop_id):
    workshop = get_workshop(access.network, workshop_id)
    context = {
        "access": access,
        "active_tab": "workshops",
        "workshop": workshop,
        "room": Room.objects.filter(workshop=workshop).first(),
        **rsvp.rsvp_context(request, access, workshop),
        **tasks.tasks_context(request, access, workshop),
        **feedback.feedback_context(request, access, workshop),
    }
    return TemplateResponse(request, "spaces/workshop.html", context)


@dataclass
class ReportedMessage:
    """One reported message in the facilitators' queue, with its open reports (handled together)."""

    message: Message
    reports: list[Report] = field(default_factory=list)


@require_safe
@facilitator_required
def reports(request, access):
    """The facilitators' queue of the network's reported messages (staff see it too): each message with its room,
    author, and who reported it for what. One query for the reports, however many there are."""
    queue: dict[int, ReportedMessage] = {}
    for report in discussion_reports.open_reports(access.network):
        queue.setdefault(report.message_id, ReportedMessage(report.message)).reports.append(report)
    context = {
        "access": access,
        "active_tab": "reports",
        "queue": list(queue.values()),
        "form": HandleReportForm(),
    }
    return TemplateResponse(request, "spaces/reports.html", context)


@require_POST
@facilitator_required
def decide_report(request, access, report_id):
    """Hides the reported message (the note shown in its place) or dismisses the report; every open report of the
    same message goes with it. Another network's report is 404."""
    report = discussion_reports.network_report(access.network, report_id)
    if report is None:
        raise Http404
    form = HandleReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Valitse, piilotetaanko viesti vai hylätäänkö ilmoitus."))
        return redirect("space-reports", access.network.slug)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "hide":
            discussion_reports.hide_reported(report, request.user, note)
        else:
            discussion_reports.dismiss_report(report, request.user, note)
    except ActionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Viesti piilotettu.") if decision == "hide" else _("Ilmoitus hylätty."))
    return redirect("space-reports", access.network.slug)
