"""A person's networks at a glance, for the personal start page: their memberships, the invitations and join
requests still open, and for facilitators the join requests that wait for them. One query each, however many
networks."""

from django.db.models import Count
from django.utils import timezone

from accounts.models import User

from .models import Invitation, JoinRequest, Membership, NetworkPage


def active_memberships(user: User) -> list[Membership]:
    """The person's active memberships of live networks, with their networks, by network title."""
    return list(
        Membership.objects.active()
        .filter(user=user, network__live=True)
        .select_related("network")
        .order_by("network__title")
    )


def open_invitations(user: User) -> list[Invitation]:
    """Invitations sent to the person's address that can still be accepted (with the link in the e-mail), to
    networks they are not yet a member of."""
    return list(
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted__isnull=True,
            revoked__isnull=True,
            expires__gt=timezone.now(),
            network__live=True,
        )
        .exclude(network__in=Membership.objects.active().filter(user=user).values("network"))
        .select_related("network")
        .order_by("expires")
    )


def own_pending_requests(user: User) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING, network__live=True)
        .select_related("network")
        .order_by("created")
    )


def pending_request_counts(networks: list[NetworkPage]) -> dict[int, int]:
    """{network id: join requests waiting} for the given networks."""
    if not networks:
        return {}
    return dict(
        JoinRequest.objects.filter(network__in=networks, status=JoinRequest.Status.PENDING)
        .values_list("network")
        .annotate(count=Count("pk"))
    )
