"""Who may do what in a network: the one place that answers it, for HTTP views and the websocket alike.

`network_access(user, network)` costs one query (the person's active membership) and answers every
question a view asks. Staff of the programme office (`is_staff`) see and manage every network.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Value, When
from django.http import Http404

from .models import JoinRequest, Membership, NetworkPage


@dataclass(frozen=True)
class NetworkAccess:
    network: NetworkPage
    membership: Membership | None
    is_staff: bool
    is_authenticated: bool
    has_pending_request: bool = False

    @property
    def is_member(self):
        """Sees the member space, its materials and discussion."""
        return self.membership is not None or self.is_staff

    @property
    def is_facilitator(self):
        """Manages members, invitations, join requests and materials of this network."""
        return self.is_staff or (self.membership is not None and self.membership.is_facilitator)

    @property
    def can_apply(self):
        """May send a join request from the public page."""
        return (
            self.is_authenticated
            and self.membership is None
            and not self.has_pending_request
            and self.network.status == NetworkPage.Status.OPEN
        )


def network_access(user, network):
    if not user.is_authenticated:
        return NetworkAccess(network, None, is_staff=False, is_authenticated=False)
    membership = Membership.objects.active().filter(user=user, network=network).select_related("organisation").first()
    pending = (
        membership is None
        and network.status == NetworkPage.Status.OPEN
        and JoinRequest.objects.filter(user=user, network=network, status=JoinRequest.Status.PENDING).exists()
    )
    return NetworkAccess(
        network, membership, is_staff=user.is_staff, is_authenticated=True, has_pending_request=pending
    )


def current_access(user, network_id):
    """A long-lived connection's access, decided again: the NetworkAccess, or None when the network is no
    longer live and public (unpublished, made private, deleted)."""
    network = NetworkPage.objects.live().public().filter(pk=network_id).first()
    return network_access(user, network) if network is not None else None


def live_network(slug):
    """The live, public network with this slug, or 404. Drafts and private networks have no member space.

    A translated network shares its slug with the original (each locale has its own page tree), so the
    slug alone may match several pages: the one in the default language is the network, then the oldest.
    """
    default_language_first = Case(When(locale__language_code=settings.LANGUAGE_CODE, then=Value(0)), default=Value(1))
    network = (
        NetworkPage.objects.live()
        .public()
        .filter(slug=slug)
        .select_related("collection")
        .order_by(default_language_first, "pk")
        .first()
    )
    if network is None:
        raise Http404("No such network")
    return network
