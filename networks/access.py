"""Who may do what in a network: the one place that answers it, for HTTP views and the websocket alike.

`network_access(user, network)` costs one query (the person's active membership) and answers every
question a view asks; `current_accesses(users, network_id)` decides long-lived connections' access in two
queries, the network's state included. Staff of the programme office (`is_staff`) see and manage every network.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.models import User
from core.pages import language_rank, originals_first

from .models import JoinRequest, Membership, NetworkPage, Organisation

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class NetworkAccess:
    network: NetworkPage
    membership: Membership | None
    is_staff: bool
    is_authenticated: bool
    has_pending_request: bool = False
    # After a declined request: when the person may ask again (JOIN_REQUEST_COOLDOWN_DAYS), else None.
    may_reapply_from: datetime | None = None

    @property
    def is_member(self) -> bool:
        """Sees the member space, its materials and discussion."""
        return self.membership is not None or self.is_staff

    @property
    def is_facilitator(self) -> bool:
        """Manages members, invitations, join requests and materials of this network."""
        return self.is_staff or (self.membership is not None and self.membership.is_facilitator)

    @property
    def organisation(self) -> Organisation | None:
        """The organisation the person acts for in this network: their membership's, set by the invitation, the
        join request's decision or a facilitator — never the free field of their profile. None for staff who are
        not members, and for members whom no facilitator has yet attached to an organisation."""
        return self.membership.organisation if self.membership is not None else None

    @property
    def can_apply(self) -> bool:
        """May send a join request from the public page."""
        return (
            self.is_authenticated
            and self.membership is None
            and not self.has_pending_request
            and self.may_reapply_from is None
            and self.network.status == NetworkPage.Status.OPEN
        )


def network_access(user: AnyUser, network: NetworkPage) -> NetworkAccess:
    """The person's access to the network of `network`, which may be a translation of it (a Swedish or English
    page): the answer is always about the network itself (NetworkPage.original, `access.network`), so that every
    translation recognises the same members, facilitators and applicants."""
    network = network.original
    if not user.is_authenticated:
        return NetworkAccess(network, None, is_staff=False, is_authenticated=False)
    membership = Membership.objects.active().filter(user=user, network=network).select_related("organisation").first()
    pending, reapply_from = False, None
    if membership is None and network.status == NetworkPage.Status.OPEN:
        # The person's latest request says it all: a pending one is always the latest (one at a time).
        latest = (
            JoinRequest.objects.filter(user=user, network=network)
            .order_by("-created", "-pk")
            .values_list("status", "decided")
            .first()
        )
        if latest is not None:
            status, decided = latest
            pending = status == JoinRequest.Status.PENDING
            if status == JoinRequest.Status.DECLINED and decided is not None:
                moment = decided + timedelta(days=settings.JOIN_REQUEST_COOLDOWN_DAYS)
                reapply_from = moment if moment > timezone.now() else None
    return NetworkAccess(
        network,
        membership,
        is_staff=user.is_staff,
        is_authenticated=True,
        has_pending_request=pending,
        may_reapply_from=reapply_from,
    )


def in_private_section() -> Exists:
    """Whether the page of the outer query is in a private section (a view restriction on it or on a page above
    it: their path is a prefix of its path), as a subquery. Wagtail's `public()` reads every restriction in a
    query of its own first."""
    prefix = Substr(OuterRef("path"), 1, Length("page__path"))
    return Exists(PageViewRestriction.objects.filter(page__path=prefix))


def current_accesses(
    users: Sequence[User], network_id: int, network_version: str | None = None
) -> dict[int, NetworkAccess]:
    """Long-lived connections' access to one network, decided again: {user id: NetworkAccess} for each of `users`,
    or {} when the network is no longer live and public (unpublished, made private, deleted).

    Two queries however many people: the network (its id and status only; none when it is remembered for the
    `network_version` the caller read, see live_public_network) and their active memberships. Staff need no
    membership. No join request is read: a connection only asks `is_member` and `is_facilitator`. A wave of
    reconnecting websockets is decided together (discussions.consumers).
    """
    network = live_public_network(network_id, network_version)
    if network is None or not users:
        return {}
    memberships = Membership.objects.active().filter(network_id=network_id, user__in=users)
    by_user = {membership.user_id: membership for membership in memberships}
    return {
        user.pk: NetworkAccess(network, by_user.get(user.pk), is_staff=user.is_staff, is_authenticated=True)
        for user in users
    }


def current_access(user: User, network_id: int) -> NetworkAccess | None:
    """One person's `current_accesses`: the NetworkAccess, or None when the network is no longer live and public."""
    return current_accesses([user], network_id).get(user.pk)


# Every restart reconnects everyone, and each connection asks the same two questions of the same few networks:
# which network a slug names, and whether it is still live and public. This process remembers the answers for
# NETWORK_MEMO_SECONDS at most, so a wave of a thousand sockets asks the database a few times, not a thousand.
NETWORK_MEMO_SECONDS = 60
_network_ids: dict[str, tuple[float, int | None]] = {}  # slug → (when read, live network id)
_network_states: dict[int, tuple[str, float, NetworkPage | None]] = {}  # id → (version, when read, live public page)


def live_public_network(network_id: int, version: str | None = None) -> NetworkPage | None:
    """The network (with its status only) if it is live and public, else None. Given the network's access
    `version` (core.access), read by the caller before this, an answer read under the same version in the last
    NETWORK_MEMO_SECONDS is reused: whatever can take a network out of the live, public site gives it a new
    version, so a remembered answer is never older than the caller's own reading would be."""
    now = time.monotonic()
    known = _network_states.get(network_id)
    if version is not None and known is not None and known[0] == version and now - known[1] < NETWORK_MEMO_SECONDS:
        return known[2]
    network = NetworkPage.objects.live().filter(~in_private_section(), pk=network_id).only("status").first()
    if version is not None:
        _network_states[network_id] = (version, now, network)
    return network


def live_network_id(slug: str) -> int | None:
    """The id of the live network with this slug (the one in the default language first; a slug that only a
    translation has names its original, as in `live_network`), or None; remembered for NETWORK_MEMO_SECONDS
    (forget_networks). Whether it is public, and whether someone may use it, is `current_access`'s to decide."""
    now = time.monotonic()
    known = _network_ids.get(slug)
    if known is not None and now - known[0] < NETWORK_MEMO_SECONDS:
        return known[1]
    named = (
        NetworkPage.objects.live()
        .filter(slug=slug)
        .annotate(language_rank=language_rank())
        .order_by("language_rank", "pk")
        .values_list("pk", "language_rank", "translation_key")
        .first()
    )
    network_id = None
    if named is not None:
        pk, rank, translation_key = named
        originals = originals_first(NetworkPage, translation_key)
        network_id = pk if rank == 0 else originals.values_list("pk", flat=True).first()
    if len(_network_ids) > 10_000:  # slugs that name nothing are remembered too: bounded
        _network_ids.clear()
    _network_ids[slug] = (now, network_id)
    return network_id


def forget_networks() -> None:
    """A network was saved or deleted in this process: its slug may name another one now (networks.signals). Another
    process notices within NETWORK_MEMO_SECONDS, and meanwhile connects to the network that the slug named (whose
    state its version guards)."""
    _network_ids.clear()
    _network_states.clear()


def live_network(slug: str) -> NetworkPage:
    """The live, public network with this slug, or 404. Drafts and private networks have no member space.

    A translated network shares its slug with the original (each locale has its own page tree), so the
    slug alone may match several pages: the one in the default language is the network, then the oldest. A slug
    that only a translation has (an editor changed it) names the translation's original, which must be live and
    public itself: a translation never has a member space of its own (NetworkPage.original).
    """
    networks = NetworkPage.objects.live().public().select_related("collection").annotate(language_rank=language_rank())
    network = networks.filter(slug=slug).order_by("language_rank", "pk").first()
    if network is not None and network.language_rank != 0 and network.original.pk != network.pk:
        network = networks.filter(pk=network.original.pk).first()
    if network is None:
        raise Http404("No such network")
    return network


def may_edit_in_admin(user: User, network: NetworkPage) -> bool:
    """Whether the person may edit the network's page in the Wagtail admin: facilitators through their network's
    group (networks.groups), superusers. Staff without admin access may not, though they manage the member space."""
    return user.has_perm("wagtailadmin.access_admin") and network.permissions_for_user(user).can_edit()
