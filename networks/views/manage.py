"""A network's facilitator tools: members and roles, invitations, join requests.

Every view is `facilitator_required` (staff of the programme office included), and every object is looked
up together with `network=access.network`, so an id of another network is a 404 whatever a form posts.
Changes and the rules they follow are in networks.actions; these views translate a refusal (an ActionError)
into a message or a form error. Feedback is a message and a redirect (post/redirect/get).
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ActionError
from core.pagination import paginate
from core.ratelimit import RateLimited

from .. import actions
from ..decorators import facilitator_required
from ..forms import InvitationForm, MembershipOrganisationForm, RoleForm
from ..models import Invitation, JoinRequest, Membership

INVITATIONS_PER_PAGE = 50
DECIDED_REQUESTS_SHOWN = 20
DECIDED_REQUESTS_DAYS = 90


def _after_own_change(request, access):
    """Where a facilitator goes after changing their own membership: they may have lost the tools."""
    network = access.network
    if request.user.is_staff:
        return redirect("manage-members", network.slug)
    membership = Membership.objects.active().filter(user=request.user, network=network).first()
    if membership is None:
        return redirect(network.url)
    if membership.is_facilitator:
        return redirect("manage-members", network.slug)
    return redirect("space", network.slug)


@facilitator_required
@require_safe
def members(request, access):
    memberships = (
        Membership.objects.active()
        .filter(network=access.network)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return TemplateResponse(
        request,
        "networks/manage/members.html",
        {
            "access": access,
            "active_tab": "manage-members",
            "memberships": memberships,
            "roles": Membership.Role.choices,
        },
    )


@facilitator_required
@require_POST
def change_role(request, access, membership_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Roolia ei muutettu: valitse jäsen, yhteyshenkilö tai fasilitaattori."))
        return redirect("manage-members", access.network.slug)
    role = form.cleaned_data["role"]
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"), pk=membership_id, network=access.network
    )
    name, label = membership.user.display_name, _role_label(role)
    try:
        changed = actions.change_role(membership, role, by=request.user)
    except actions.MembershipEnded:
        raise Http404("No such membership") from None
    except ActionError as refusal:
        messages.error(request, refusal.message)
        return redirect("manage-members", access.network.slug)
    if not changed:
        messages.info(request, _("%(name)s on jo roolissa %(role)s.") % {"name": name, "role": label})
        return redirect("manage-members", access.network.slug)
    messages.success(request, _("%(name)s on nyt roolissa %(role)s.") % {"name": name, "role": label})
    if membership.user_id == request.user.pk:
        return _after_own_change(request, access)
    return redirect("manage-members", access.network.slug)


@facilitator_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation(request, access, membership_id):
    """The organisation a member acts for in the network. A member's e-mailed request links here with the
    organisation they asked for (?organisaatio=<id>) chosen in advance; nothing changes before a POST."""
    membership = get_object_or_404(
        Membership.objects.active().select_related("user", "organisation", "user__organisation"),
        pk=membership_id,
        network=access.network,
    )
    if request.method == "POST":
        form = MembershipOrganisationForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["organisation"]
            actions.set_organisation(membership, chosen)
            name = membership.user.display_name
            if chosen is None:
                message = _("%(name)s ei enää edusta verkostossa mitään organisaatiota.") % {"name": name}
            else:
                message = _("%(name)s edustaa nyt verkostossa organisaatiota %(organisation)s.") % {
                    "name": name,
                    "organisation": chosen,
                }
            messages.success(request, message)
            return redirect("manage-members", access.network.slug)
    else:
        asked = request.GET.get("organisaatio")
        initial = asked if asked and asked.isdigit() else membership.organisation_id
        form = MembershipOrganisationForm(initial={"organisation": initial})
    return TemplateResponse(
        request,
        "networks/manage/organisation.html",
        {"access": access, "active_tab": "manage-members", "membership": membership, "form": form},
        status=400 if form.is_bound else 200,
    )


def _role_label(role):
    return str(Membership.Role(role).label).lower()


@facilitator_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove(request, access, membership_id):
    """The row's link shows what will happen (GET); the confirmation's button ends the membership (a POST with
    confirm=yes). A POST without it shows the confirmation too, and nobody removes themselves."""
    membership = get_object_or_404(
        Membership.objects.active().select_related("user", "organisation"), pk=membership_id, network=access.network
    )
    try:
        if request.method != "POST" or request.POST.get("confirm") != "yes":
            actions.check_can_remove(membership, request.user)
            return TemplateResponse(
                request,
                "networks/manage/remove_confirm.html",
                {"access": access, "active_tab": "manage-members", "membership": membership},
            )
        actions.remove_member(membership, by=request.user)
    except actions.MembershipEnded:
        raise Http404("No such membership") from None
    except ActionError as refusal:
        messages.error(request, refusal.message)
        return redirect("manage-members", access.network.slug)
    messages.success(
        request,
        _("%(name)s poistettiin verkostosta. Pääsy jäsentilaan päättyi heti.") % {"name": membership.user.display_name},
    )
    return redirect("manage-members", access.network.slug)


@facilitator_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request, access):
    network = access.network
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = actions.send_invitations(
                    network, data["emails"], data["role"], data["organisation"], request.user
                )
            except ActionError as refusal:
                form.add_error(None, refusal.message)
                status = 429 if isinstance(refusal, RateLimited) else 400
            else:
                _tell_invitations_sent(request, sent)
                return redirect("manage-invitations", network.slug)
        messages.error(request, _("Kutsuja ei lähetetty. Korjaa lomakkeen virheet."))
    else:
        form = InvitationForm()
    invitation_list = paginate(
        request,
        Invitation.objects.filter(network=network)
        .select_related("organisation", "invited_by", "accepted_by")
        .order_by("-created", "-pk"),
        INVITATIONS_PER_PAGE,
    )
    return TemplateResponse(
        request,
        "networks/manage/invitations.html",
        {
            "access": access,
            "active_tab": "manage-invitations",
            "form": form,
            "invitations": invitation_list,
            "now": timezone.now(),
        },
        status=status,
    )


def _tell_invitations_sent(request, sent):
    if sent.invited:
        messages.success(
            request,
            ngettext(
                "Kutsu lähetettiin osoitteeseen %(addresses)s.",
                "Kutsu lähetettiin %(count)s osoitteeseen: %(addresses)s.",
                len(sent.invited),
            )
            % {"count": len(sent.invited), "addresses": ", ".join(sent.invited)},
        )
    if sent.replaced:
        messages.info(
            request,
            ngettext(
                "Osoitteella %(addresses)s oli jo voimassa oleva kutsu: se peruttiin ja tilalle lähetettiin uusi.",
                "Osoitteilla %(addresses)s oli jo voimassa olevat kutsut: ne peruttiin ja tilalle lähetettiin uudet.",
                len(sent.replaced),
            )
            % {"addresses": ", ".join(sent.replaced)},
        )
    if sent.members:
        messages.info(
            request,
            ngettext(
                "%(addresses)s on jo verkoston jäsen, joten kutsua ei lähetetty.",
                "%(addresses)s ovat jo verkoston jäseniä, joten kutsuja ei lähetetty.",
                len(sent.members),
            )
            % {"addresses": ", ".join(sent.members)},
        )


@facilitator_required
@require_POST
def revoke_invitation(request, access, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, network=access.network)
    try:
        actions.revoke_invitation(invitation)
    except ActionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Kutsu osoitteeseen %(email)s peruttiin. Linkki ei enää toimi.") % {"email": invitation.email}
        )
    return redirect("manage-invitations", access.network.slug)


@facilitator_required
@require_safe
def join_requests(request, access):
    network = access.network
    requests = JoinRequest.objects.filter(network=network).select_related("user", "organisation", "decided_by")
    pending = requests.filter(status=JoinRequest.Status.PENDING).order_by("created", "pk")
    decided = (
        requests.exclude(status=JoinRequest.Status.PENDING)
        .filter(decided__gte=timezone.now() - timedelta(days=DECIDED_REQUESTS_DAYS))
        .order_by("-decided", "-pk")[:DECIDED_REQUESTS_SHOWN]
    )
    return TemplateResponse(
        request,
        "networks/manage/join_requests.html",
        {
            "access": access,
            "active_tab": "manage-join-requests",
            "pending": pending,
            "decided": decided,
            "decided_days": DECIDED_REQUESTS_DAYS,
        },
    )


@facilitator_required
@require_POST
def decide_join_request(request, access, request_id):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "organisation"), pk=request_id, network=access.network
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Pyyntöä ei käsitelty: valitse, hyväksytäänkö vai hylätäänkö se."))
        return redirect("manage-join-requests", access.network.slug)
    accept = decision == "accept"
    try:
        actions.decide_join_request(join_request, accept=accept, decided_by=request.user)
    except ActionError as refusal:
        messages.error(request, refusal.message)
        return redirect("manage-join-requests", access.network.slug)
    name = join_request.user.display_name
    if accept:
        messages.success(
            request,
            _("%(name)s (%(organisation)s) on nyt verkoston jäsen. Hakijalle lähetettiin tieto sähköpostilla.")
            % {"name": name, "organisation": join_request.organisation},
        )
    else:
        messages.success(request, _("Pyyntö hylättiin. %(name)s sai tiedon sähköpostilla.") % {"name": name})
    return redirect("manage-join-requests", access.network.slug)
