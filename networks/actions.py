"""Every change to who belongs to a network goes through these functions: views, management commands and
the demo loader call them. Each validates, saves in one transaction (the Wagtail group sync happens in the
same transaction through networks.signals) and queues its e-mail for after the commit."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.email import send_templated_email
from core.ratelimit import RateLimit, RateLimited, cooldown

from .models import Invitation, JoinRequest, Membership, NetworkPage


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def add_member(network, user, role=Membership.Role.MEMBER, organisation=None):
    """Makes `user` a member of `network`. An existing active membership is kept as it is, so inviting or
    accepting someone twice — even at the same moment — never downgrades or duplicates them."""
    existing = Membership.objects.active().filter(user=user, network=network).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, network=network, role=role, organisation=organisation)
    except IntegrityError:  # the same person was added concurrently: theirs stands
        return Membership.objects.active().get(user=user, network=network), False
    return membership, True


@transaction.atomic
def change_role(membership, role):
    if role not in Membership.Role.values:
        raise ValidationError(_("Tuntematon rooli."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def end_membership(membership):
    """Ends the membership today. Access ends at once: the groups are synchronised in this transaction."""
    membership.left = timezone.localdate()
    membership.save(update_fields=["left"])
    return membership


@transaction.atomic
def set_organisation(membership, organisation):
    """Sets the organisation the member acts for in the network: from now on they read and write that
    organisation's shared answers, and the directory lists them under it."""
    membership.organisation = organisation
    membership.save(update_fields=["organisation"])
    return membership


# A member may ask once in this time; the request is an e-mail to people, not a record.
ORGANISATION_REQUESTS = RateLimit("organisation-request", limit=1, window=12 * 3600)


def request_organisation(membership, organisation):
    """E-mails the network's facilitators (the programme office when it has none) that a member asks to be
    attached to `organisation`. Nothing changes until a facilitator sets it. Returns the number of
    recipients; raises ValidationError if the member already has an organisation, RateLimited if they
    asked a moment ago."""
    if membership.organisation_id is not None:
        raise ValidationError(
            _("Sinut on jo liitetty organisaatioon %(name)s tässä verkostossa.") % {"name": membership.organisation}
        )
    ORGANISATION_REQUESTS.hit(membership.pk, reason=_("Pyysit liittämistä organisaatioon äsken."))
    recipients = facilitator_addresses(membership.network)
    send_templated_email(
        recipients,
        "organisation_request",
        {
            "membership": membership,
            "organisation": organisation,
            "network": membership.network,
            "edit_path": reverse("manage-organisation", args=[membership.network.slug, membership.pk])
            + f"?organisaatio={organisation.pk}",
        },
    )
    return len(recipients)


def facilitator_addresses(network):
    """Who answers for the network: its active facilitators, or the programme office if it has none."""
    addresses = list(
        Membership.objects.active()
        .filter(network=network, role=Membership.Role.FACILITATOR, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    if not addresses:
        addresses = list(get_user_model().objects.filter(is_staff=True, is_active=True).values_list("email", flat=True))
    return addresses


INVITATION_WINDOW = timedelta(hours=1)


def check_invitation_rate(inviter, count):
    """Refuses invitations beyond INVITATIONS_PER_HOUR per person (in all networks together), counted from the
    invitations themselves: a stolen facilitator account cannot turn the site into a mass mailer."""
    limit = settings.INVITATIONS_PER_HOUR
    now = timezone.now()
    recent = Invitation.objects.filter(invited_by=inviter, created__gt=now - INVITATION_WINDOW)
    sent = recent.count()
    excess = sent + count - limit
    if excess <= 0:
        return
    reason = ngettext(
        "Olet lähettänyt viimeisen tunnin aikana %(sent)s kutsun; tunnissa voi lähettää enintään %(limit)s.",
        "Olet lähettänyt viimeisen tunnin aikana %(sent)s kutsua; tunnissa voi lähettää enintään %(limit)s.",
        sent,
    ) % {"sent": sent, "limit": limit}
    # Enough room once the `excess` oldest of them have left the window.
    freed_by = recent.order_by("created", "pk").values_list("created", flat=True)[min(excess, sent) - 1]
    raise RateLimited((freed_by + INVITATION_WINDOW - now).total_seconds(), reason)


def create_invitation(network, email, role, organisation, invited_by):
    """Creates an invitation and e-mails its link. Returns (invitation, token); the token is never stored."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            network=network,
            email=email.strip().lower(),
            role=role,
            organisation=organisation,
            invited_by=invited_by,
            token_hash=hash_token(token),
            expires=timezone.now() + timedelta(days=Invitation.VALID_DAYS),
        )
        send_templated_email(
            [invitation.email],
            "invitation",
            {
                "invitation": invitation,
                "network": network,
                "inviter": invited_by,
                "accept_path": reverse("invitation", args=[token]),
            },
        )
    return invitation, token


def find_invitation(token):
    """The invitation for this token whatever its state, or None for a token that never existed."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("network", "organisation").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def accept_invitation(token, user):
    """Turns an open invitation into a membership. Refuses used, revoked, expired and unknown tokens."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_open:
        raise PermissionDenied(_("Kutsulinkki ei ole enää voimassa."))
    if not NetworkPage.objects.live().public().filter(pk=invitation.network_id).exists():
        raise PermissionDenied(_("Verkosto ei ole enää julkaistu, joten kutsua ei voi käyttää."))
    membership, _created = add_member(invitation.network, user, invitation.role, invitation.organisation)
    invitation.accepted = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted", "accepted_by"])
    return membership


@transaction.atomic
def revoke_invitation(invitation):
    invitation.revoked = timezone.now()
    invitation.save(update_fields=["revoked"])


def request_to_join(network, user, organisation, motivation):
    """Records a join request and tells the network's facilitators. Within JOIN_REQUEST_COOLDOWN_DAYS of a
    declined request to the same network, RateLimited: the facilitators' answer is not worn down by repeats."""
    declined = (
        JoinRequest.objects.filter(network=network, user=user, status=JoinRequest.Status.DECLINED)
        .order_by("-decided")
        .values_list("decided", flat=True)
        .first()
    )
    if declined is not None:
        cooldown(
            declined,
            settings.JOIN_REQUEST_COOLDOWN_DAYS * 86400,
            timezone.now(),
            reason=_("Edellistä pyyntöäsi tähän verkostoon ei hyväksytty %(date)s.")
            % {"date": date_format(timezone.localtime(declined), "j.n.Y")},
        )
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                network=network, user=user, organisation=organisation, motivation=motivation
            )
            facilitators = Membership.objects.active().filter(network=network, role=Membership.Role.FACILITATOR)
            send_templated_email(
                list(facilitators.values_list("user__email", flat=True)),
                "join_request_received",
                {"join_request": join_request, "network": network},
            )
    except IntegrityError:
        raise ValidationError(_("Sinulla on jo käsittelyä odottava pyyntö tähän verkostoon.")) from None
    return join_request


@transaction.atomic
def decide_join_request(join_request, accept, decided_by):
    """Accepts (the applicant becomes a member) or declines a pending request; the applicant is told."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("Pyyntö on jo käsitelty."))
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = decided_by
    join_request.decided = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided"])
    if accept:
        add_member(join_request.network, join_request.user, Membership.Role.MEMBER, join_request.organisation)
    send_templated_email(
        [join_request.user.email],
        "join_request_accepted" if accept else "join_request_declined",
        {"join_request": join_request, "network": join_request.network},
    )
    return join_request
