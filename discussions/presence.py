"""Who is here: the members of a network with an open socket, and who is typing in a room. Nothing of it is stored.

Each person's open sockets are counted per network in the shared cache (Redis in production), so the list is
right across daphne processes. A joining socket gets the list at once (`join` returns it); everyone else gets
one list per PRESENCE_COALESCE_SECONDS window however many sockets came or went in it (`announce`). Typing is
a hint: at most one frame per socket and room every TYPING_INTERVAL seconds, the rest are dropped.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer
from django.core.cache import cache

from accounts.models import User
from networks.models import Membership

from . import events
from .queries import PersonObject

logger = logging.getLogger(__name__)

PRESENCE_TTL = 24 * 3600
PRESENCE_COALESCE_SECONDS = 0.25
TYPING_INTERVAL = 3.0  # seconds between typing frames of one person in one room


def presence_key(network_id: int, user_id: int) -> str:
    return f"presence:{network_id}:{user_id}"


def count_connection(network_id: int, user_id: int, delta: int) -> list[PersonObject]:
    """Counts one of the person's sockets in (+1) or out (-1); returns who of the network is online."""
    key = presence_key(network_id, user_id)
    cache.add(key, 0, timeout=PRESENCE_TTL)
    try:
        cache.incr(key, delta)
    except ValueError:
        cache.set(key, max(0, delta), timeout=PRESENCE_TTL)
    return online_members(network_id)


def online_members(network_id: int) -> list[PersonObject]:
    """Who of the network has at least one open socket (in any process): one query and one cache read."""
    members = list(
        Membership.objects.active()
        .filter(network_id=network_id)
        .values_list("user_id", "user__first_name", "user__last_name", "user__email")
    )
    counts = cache.get_many([presence_key(network_id, member[0]) for member in members])
    return [
        {"id": user_id, "name": f"{first} {last}".strip() or email}
        for user_id, first, last, email in members
        if counts.get(presence_key(network_id, user_id), 0) > 0
    ]


async def join(channel_layer: BaseChannelLayer, network_id: int, user_id: int) -> list[PersonObject]:
    """A socket opened: counts it, tells the others (coalesced) and returns the list for the socket itself."""
    online = await database_sync_to_async(count_connection)(network_id, user_id, +1)
    announce(channel_layer, network_id)
    return online


async def leave(channel_layer: BaseChannelLayer, network_id: int, user_id: int) -> None:
    await database_sync_to_async(count_connection)(network_id, user_id, -1)
    announce(channel_layer, network_id)


# network id → the pending announcement of its presence in this process (see announce)
_announcements: dict[int, asyncio.Task[None]] = {}


def announce(channel_layer: BaseChannelLayer, network_id: int) -> None:
    """Tells the network who is online, once per PRESENCE_COALESCE_SECONDS however many sockets came or went.

    A wave of N members connecting would otherwise send N lists to up to N sockets: O(N²) frames. The
    joining socket gets the list at once from `join`; everyone else gets one list per window.
    """
    loop = asyncio.get_running_loop()
    pending = _announcements.get(network_id)
    if pending is not None and not pending.done() and pending.get_loop() is loop:
        return
    _announcements[network_id] = loop.create_task(_announce_later(channel_layer, network_id))


async def _announce_later(channel_layer: BaseChannelLayer, network_id: int) -> None:
    await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
    # From here on a change schedules an announcement of its own: this one may have read the list before it.
    if _announcements.get(network_id) is asyncio.current_task():
        del _announcements[network_id]
    try:
        online = await database_sync_to_async(online_members)(network_id)
    except Exception:
        logger.exception("Presence of network %s could not be read", network_id)
        return
    await events.send_now(channel_layer, events.network_group(network_id), events.presence_frame(online))


class Typing:
    """One socket's typing hints: at most one `typing` frame per room every TYPING_INTERVAL seconds."""

    __slots__ = ("channel_layer", "last")  # one per open socket: kept small

    def __init__(self, channel_layer: BaseChannelLayer) -> None:
        self.channel_layer = channel_layer
        self.last: dict[int, float] = {}  # room id → when this socket last told the room

    async def announce(self, room_id: int, user: User) -> None:
        now = time.monotonic()
        if now - self.last.get(room_id, 0) < TYPING_INTERVAL:
            return  # dropped silently: typing is a hint
        self.last[room_id] = now
        await events.send_now(self.channel_layer, events.room_group(room_id), events.typing_frame(room_id, user))
