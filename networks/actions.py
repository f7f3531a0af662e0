"""Every change to who belongs to a network goes through these functions: views, management commands and
the demo loader call them. Each validates, saves in one transaction (the Wagtail group sync happens in the
same transaction through networks.signals) and queues its e-mail for after the commit."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from home.email import send_templated_email

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
    """Records a join request and tells the network's facilitators."""
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
