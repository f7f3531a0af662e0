"""Networks' share of a person's own data (accounts.data): their memberships, the invitations they accepted
and their join requests; and what deleting an account does to them."""

from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from accounts.data import account_deleted, deleted_email, iso_date, name_of, register_exporter

from .actions import end_membership
from .models import Invitation, JoinRequest, Membership


@register_exporter("memberships")
def export_memberships(user):
    memberships = (
        Membership.objects.filter(user=user).select_related("network", "organisation").order_by("joined", "pk")
    )
    return [
        {
            "network": membership.network.title,
            "role": membership.role,
            "role_label": str(membership.get_role_display()),
            "organisation": name_of(membership.organisation),
            "joined": iso_date(membership.joined),
            "left": iso_date(membership.left),
        }
        for membership in memberships
    ]


@register_exporter("invitations_accepted")
def export_invitations(user):
    invitations = Invitation.objects.filter(accepted_by=user).select_related("network", "organisation")
    return [
        {
            "network": invitation.network.title,
            "email": invitation.email,
            "role": invitation.role,
            "organisation": name_of(invitation.organisation),
            "created": iso_date(invitation.created),
            "accepted": iso_date(invitation.accepted),
        }
        for invitation in invitations.order_by("accepted", "pk")
    ]


@register_exporter("join_requests")
def export_join_requests(user):
    join_requests = JoinRequest.objects.filter(user=user).select_related("network", "organisation")
    return [
        {
            "network": join_request.network.title,
            "organisation": name_of(join_request.organisation),
            "motivation": join_request.motivation,
            "status": join_request.status,
            "status_label": str(join_request.get_status_display()),
            "created": iso_date(join_request.created),
            "decided": iso_date(join_request.decided),
        }
        for join_request in join_requests.order_by("created", "pk")
    ]


@receiver(account_deleted, dispatch_uid="networks.data.forget_account")
def forget_account(sender, user, **kwargs):
    """Every active membership ends (through networks.actions, so the Wagtail groups follow), pending join
    requests are withdrawn, open invitations to the address are revoked and the address leaves them all."""
    for membership in Membership.objects.active().filter(user=user).select_related("network"):
        end_membership(membership)
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).delete()
    invitations = Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=user.email))
    invitations.filter(accepted__isnull=True, revoked__isnull=True).update(revoked=timezone.now())
    invitations.update(email=deleted_email(user))
