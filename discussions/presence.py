"""Who is here: the members of a network with an open socket, and who is typing in a room. Nothing of it is stored.

Each daphne process keeps its own open sockets in memory, per network and person (`ProcessPresence`), and
publishes them to the shared cache (Redis in production) as one entry per network and process:
`online:<network>:<slot>` = {person id: name}. An entry lives PRESENCE_TTL_SECONDS; the process writes it again
when its people in that network have changed (at the end of the window, below) and with a heartbeat every
PRESENCE_HEARTBEAT_SECONDS. A process that dies (SIGKILL, a crash, a lost machine) stops writing, so its people
drop out when its entries expire, and the next heartbeat of a living process notices the changed list and
announces it: within TTL + heartbeat seconds (45 + 15 by default), not the day that a counter per person lived.

The slot is a small number the process claims in the cache (`cache.add`: atomic on Redis) and keeps alive with
its heartbeat. Who is online is one `get_many` over the slots' entries of the network, names included: no query
and no read over the network's memberships, so a connect costs the same however large the network is. The
in-memory cache of the embedded default works the same way with one process.

The network gets one list per PRESENCE_COALESCE_SECONDS window however many sockets came or went in it
(`announce`), and in a network with many people online one per a longer window (PRESENCE_DELIVERIES_PER_SECOND).
A joining socket gets its first list with everyone else, at the end of the window, so a wave of connects costs
presence one cache write and one read per window, and each socket one frame per window, not one per connect. A
socket gets the whole list once; after that only who came and went (`presence.update`), a few names instead of
all of them.

Each process writes the list to its own sockets of the network (`deliver`: one frame encoded, no channel layer
per socket) and tells the other processes that have sockets there (the group `presence.<network>` of their
process channels), which read the list and write it to theirs: a list to a network of N sockets over P processes
is P - 1 small messages through Redis, not N copies of the list.

Typing is a hint: at most one frame per socket and room every TYPING_INTERVAL seconds, the rest are dropped.
"""

import asyncio
import logging
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import BaseChannelLayer
from django.conf import settings
from django.core.cache import cache

from accounts.models import User
from core import metrics

from . import events
from .queries import PersonObject

logger = logging.getLogger(__name__)

PRESENCE_COALESCE_SECONDS = 0.25
# A list to a network is one delivery per open socket, in every process: a network of N people online gets at most
# one list per N / PRESENCE_DELIVERIES_PER_SECOND seconds (2 s at 1 000 online), so that a wave of reconnects
# does not spend its CPU on lists that the next one replaces.
PRESENCE_DELIVERIES_PER_SECOND = 500
TYPING_INTERVAL = 3.0  # seconds between typing frames of one person in one room
PROCESS_SLOTS = 64  # at most this many processes publish presence to one cache
# Twisted writes a socket's buffer when the event loop next turns: a list (20 KB for 500 people) written to every
# socket in one go would be held in memory that many times at once, and the heap would keep that size.
WRITES_PER_TURN = 16

People = dict[int, str]  # person id → name


# Keys of their own: the counters per person of before (`presence:<network>:<person>`) may still be in the cache.
def network_key(network_id: int, slot: int) -> str:
    return f"online:{network_id}:{slot}"


def slot_key(slot: int) -> str:
    return f"online:process:{slot}"


def in_worker_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    """Cache calls off the event loop, but not in the one database thread: a wave of connects must not queue
    behind the database work of every socket."""
    return sync_to_async(function, thread_sensitive=False)


class ProcessPresence:
    """This process's open sockets per network and person, and its entries in the shared cache.

    The counts change only in the event loop; the worker threads get a copy of what they write.
    """

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex  # whose the slot is
        self.slot: int | None = None
        self.claiming = threading.Lock()
        self.sockets: dict[int, dict[int, list[Any]]] = {}  # network id → person id → [open sockets, name]
        self.announced: dict[int, People] = {}  # network id → who was online in the last list delivered here
        self.listeners: dict[int, weakref.WeakSet[Any]] = {}  # network id → this process's sockets (listed or not)
        self.unserved: dict[int, weakref.WeakSet[Any]] = {}  # network id → sockets that have no list yet
        self.unwritten: set[int] = set()  # networks whose people here changed since they were last written
        self.channel: str | None = None  # where the other processes tell this one of their changes
        self.heartbeat: asyncio.Task[None] | None = None
        self.listening: asyncio.Task[None] | None = None

    # -- in the event loop -----------------------------------------------------------------------------------

    def count(self, network_id: int, user_id: int, name: str, delta: int) -> bool:
        """Counts one of the person's sockets in (+1) or out (-1); whether the people of the network changed."""
        people = self.sockets.setdefault(network_id, {}) if delta > 0 else self.sockets.get(network_id, {})
        entry = people.get(user_id)
        if delta > 0 and entry is not None:
            entry[0] += 1
            return False
        if delta > 0:
            people[user_id] = [1, name]
            return True
        if entry is None:
            return False
        entry[0] -= 1
        if entry[0] > 0:
            return False
        del people[user_id]
        return True

    def people(self, network_id: int) -> People:
        return {user_id: name for user_id, (_count, name) in self.sockets.get(network_id, {}).items()}

    def forget_empty(self, network_id: int) -> None:
        if not self.sockets.get(network_id):
            self.sockets.pop(network_id, None)
        if not self.listeners.get(network_id):
            for state in (self.listeners, self.unserved, self.announced):
                state.pop(network_id, None)

    # -- in a worker thread ----------------------------------------------------------------------------------

    def claim_slot(self) -> int | None:
        """This process's slot, claimed if it has none or lost it (it expired, or Redis lost its data)."""
        with self.claiming:
            if self.slot is not None and cache.get(slot_key(self.slot)) == self.token:
                cache.touch(slot_key(self.slot), settings.PRESENCE_TTL_SECONDS)
                return self.slot
            self.slot = None
            taken = cache.get_many([slot_key(slot) for slot in range(PROCESS_SLOTS)])
            for slot in range(PROCESS_SLOTS):
                key = slot_key(slot)
                if key not in taken and cache.add(key, self.token, timeout=settings.PRESENCE_TTL_SECONDS):
                    self.slot = slot
                    break
            else:
                logger.warning(
                    "No presence slot could be claimed (all taken, or the cache unreachable): this process's "
                    "members are not shown to the others until one is"
                )
            return self.slot

    def publish(self, people_by_network: dict[int, People]) -> None:
        """Writes this process's people of these networks to the shared cache."""
        slot = self.slot if self.slot is not None else self.claim_slot()
        if slot is None:
            return
        entries = {network_key(network_id, slot): people for network_id, people in people_by_network.items()}
        cache.set_many(entries, timeout=settings.PRESENCE_TTL_SECONDS)

    def online(
        self, own_by_network: dict[int, People], publish: frozenset[int] = frozenset()
    ) -> dict[int, list[PersonObject]]:
        """Who of each network has an open socket in any process: one cache read for all the networks, this
        process's own from memory (written to the cache first for the networks in `publish`, whose people here
        changed)."""
        if publish:
            self.publish({network_id: own_by_network[network_id] for network_id in publish})
        others = [slot for slot in range(PROCESS_SLOTS) if slot != self.slot]
        entries = cache.get_many([network_key(network_id, slot) for network_id in own_by_network for slot in others])
        lists: dict[int, list[PersonObject]] = {}
        for network_id, own in own_by_network.items():
            people: People = {}
            for slot in others:
                entry = entries.get(network_key(network_id, slot))
                if isinstance(entry, dict):
                    people.update(entry)
            people.update(own)
            persons = [PersonObject(id=pk, name=name) for pk, name in people.items()]
            lists[network_id] = sorted(persons, key=lambda person: (person["name"], person["id"]))
        return lists

    def refresh(self, people_by_network: dict[int, People]) -> dict[int, list[PersonObject]]:
        """The heartbeat: keeps the slot, writes every entry again, and reads each network's list back."""
        self.claim_slot()
        self.publish(people_by_network)
        return self.online(people_by_network)


_process = ProcessPresence()


def process_group(network_id: int) -> str:
    """The processes with sockets in the network: each is told when another one's people there change."""
    return f"presence.{network_id}"


async def join(socket: Any, name: str, listed: bool = True) -> None:
    """A socket opened: counts it, and has the network's list announced (coalesced: `announce`), to the socket too.
    Staff who are not members of the network are not `listed`: they see who is there without being shown. No cache
    or database work here: a wave of connects costs presence one write and one read per window, not per socket."""
    channel_layer, network_id = socket.channel_layer, socket.network_id
    await ensure_running(channel_layer)
    listeners = _process.listeners.get(network_id)
    if listeners is None:
        listeners = _process.listeners[network_id] = weakref.WeakSet()
        await join_process_group(channel_layer, network_id)
    listeners.add(socket)
    _process.unserved.setdefault(network_id, weakref.WeakSet()).add(socket)
    changed = listed and _process.count(network_id, socket.user_id, name, +1)
    if changed:
        _process.unwritten.add(network_id)
    announce(channel_layer, network_id, tell_others=changed)


async def leave(socket: Any) -> None:
    """A socket closed. Counted out at once (before anything that could fail); never raises."""
    channel_layer, network_id = socket.channel_layer, socket.network_id
    listeners = _process.listeners.get(network_id)
    if listeners is not None:
        listeners.discard(socket)
    changed = _process.count(network_id, socket.user_id, "", -1)
    own = _process.people(network_id)
    _process.forget_empty(network_id)
    if network_id not in _process.listeners:
        await leave_process_group(channel_layer, network_id)
    if not changed:
        return
    try:
        await in_worker_thread(_process.publish)({network_id: own})
    except Exception:
        logger.warning("Presence of network %s could not be written; it expires instead", network_id, exc_info=True)
    announce(channel_layer, network_id)


async def join_process_group(channel_layer: BaseChannelLayer, network_id: int) -> None:
    """Told of the other processes' changes in the network from now on; joined again with every heartbeat (a
    restarted Redis forgets groups), so a failure here is only logged."""
    try:
        await channel_layer.group_add(process_group(network_id), _process.channel)
    except Exception as error:
        logger.warning("Presence of network %s: others not heard until the heartbeat (%s)", network_id, error)


async def leave_process_group(channel_layer: BaseChannelLayer, network_id: int) -> None:
    """No sockets in the network left here. A failure only costs a few ignored messages until the group expires."""
    try:
        await channel_layer.group_discard(process_group(network_id), _process.channel)
    except Exception as error:
        logger.warning("Presence of network %s: the process group could not be left (%s)", network_id, error)


async def ensure_running(channel_layer: BaseChannelLayer) -> None:
    """This process's channel, the task that listens to it and the heartbeat, in the running event loop."""
    loop = asyncio.get_running_loop()
    listening = _process.listening
    if listening is None or listening.done() or listening.get_loop() is not loop:
        # A channel like a consumer's: channels-redis receives a process's channels in one loop, by their prefix.
        _process.channel = await channel_layer.new_channel()
        _process.listeners.clear()  # sockets of an event loop that is gone (a test's)
        _process.listening = loop.create_task(listen(channel_layer, _process.channel))
        _process.heartbeat = loop.create_task(heartbeat(channel_layer))


async def listen(channel_layer: BaseChannelLayer, channel: str) -> None:
    """Another process's people of a network changed (it has written its entry): this one announces the list to
    its own sockets there, after its own window, without telling anyone else."""
    while True:
        try:
            message = await channel_layer.receive(channel)
        except Exception:
            logger.warning("Presence could not hear from the other processes; listening again", exc_info=True)
            await asyncio.sleep(1)
            continue
        network_id = message.get("network")
        from_another = message.get("from") != channel  # the group has this process's channel too
        if message.get("type") == CHANGED and from_another and network_id in _process.listeners:
            announce(channel_layer, network_id, tell_others=False)


async def heartbeat(channel_layer: BaseChannelLayer) -> None:
    """Keeps this process's entries and process groups alive, and announces a network's list to this process's
    sockets when it changed without a join or a leave (a process died, or a list raced with another's). Every
    process beats, so each tells only its own sockets."""
    while True:
        await asyncio.sleep(settings.PRESENCE_HEARTBEAT_SECONDS)
        people_by_network = {network_id: _process.people(network_id) for network_id in _process.listeners}
        for network_id in people_by_network:
            await join_process_group(channel_layer, network_id)
        try:
            lists = await in_worker_thread(_process.refresh)(people_by_network)
        except Exception:
            logger.warning("Presence heartbeat failed; trying again at the next one", exc_info=True)
            continue
        for network_id, online in lists.items():
            if {person["id"] for person in online} != _process.announced.get(network_id, {}).keys():
                await deliver(network_id, online)


async def deliver(network_id: int, online: list[PersonObject]) -> None:
    """The list, written to this process's sockets of the network (each frame encoded once, no channel layer): the
    whole list to the sockets that have none yet, and to the others only who came and went since the last list
    (`presence.update`), if anyone did. Every socket here has had every list this process delivered since it
    joined, so what changed since the process's last list is what changed for each of them."""
    listeners = _process.listeners.get(network_id)
    if not listeners:
        return
    unserved = set(_process.unserved.pop(network_id, ()))
    before = _process.announced.get(network_id)
    now = {person["id"]: person["name"] for person in online}
    _process.announced[network_id] = now
    sockets = list(listeners)
    if before is None:
        writes = [(events.presence_frame(online), sockets)]
    else:
        writes = [(events.presence_frame(online), [socket for socket in sockets if socket in unserved])]
        joined = [person for person in online if person["id"] not in before]
        left = sorted(before.keys() - now.keys())
        if joined or left:
            writes.append((events.presence_update_frame(joined, left), [s for s in sockets if s not in unserved]))
    for text, receivers in writes:
        for written, socket in enumerate(receivers, 1):
            try:
                await socket.send(text_data=text)
            except Exception:  # one socket's trouble is not the others'
                logger.warning("A presence list could not be written to a socket", exc_info=True)
            if written % WRITES_PER_TURN == 0:
                await asyncio.sleep(0)
        metrics.FRAMES_DELIVERED.inc(len(receivers))


CHANGED = "presence.changed"  # a process's message to the others: {"network": id, "from": its channel}
# network id → the pending announcement of its presence in this process (see announce)
_announcements: dict[int, asyncio.Task[None]] = {}
_telling: set[int] = set()  # networks whose pending announcement tells the other processes too


def announce(channel_layer: BaseChannelLayer, network_id: int, tell_others: bool = True) -> None:
    """Tells the network who is online, once per window however many sockets came or went: PRESENCE_COALESCE_SECONDS,
    or longer in a network with many people online (`coalesce_seconds`).

    A wave of N members connecting would otherwise send N lists to up to N sockets: O(N²) frames. The
    joining sockets get theirs with everyone else, one frame per window (`deliver`). The other processes
    are told at the end of the window, when everything that changed here in it has been written, and announce to
    their own sockets after a window of their own.
    """
    if tell_others:
        _telling.add(network_id)
    loop = asyncio.get_running_loop()
    pending = _announcements.get(network_id)
    if pending is not None and not pending.done() and pending.get_loop() is loop:
        return
    _announcements[network_id] = loop.create_task(_announce_later(channel_layer, network_id))


def coalesce_seconds(network_id: int) -> float:
    online = len(_process.announced.get(network_id, ()))
    return max(PRESENCE_COALESCE_SECONDS, online / PRESENCE_DELIVERIES_PER_SECOND)


async def _announce_later(channel_layer: BaseChannelLayer, network_id: int) -> None:
    await asyncio.sleep(coalesce_seconds(network_id))
    # From here on a change schedules an announcement of its own: this one may have read the list before it.
    if _announcements.get(network_id) is asyncio.current_task():
        del _announcements[network_id]
    unwritten = frozenset({network_id} & _process.unwritten)
    _process.unwritten -= unwritten
    try:
        lists = await in_worker_thread(_process.online)({network_id: _process.people(network_id)}, unwritten)
    except Exception:
        _process.unwritten |= unwritten  # the heartbeat writes them anyway
        logger.exception("Presence of network %s could not be written or read", network_id)
        return
    if network_id in _telling:  # now that this process's people are written
        _telling.discard(network_id)
        try:
            changed = {"type": CHANGED, "network": network_id, "from": _process.channel}
            await channel_layer.group_send(process_group(network_id), changed)
        except Exception:
            metrics.CHANNEL_LAYER_FAILURES.inc()
            logger.warning("The other processes could not be told of network %s's presence", network_id, exc_info=True)
    await deliver(network_id, lists[network_id])


class Typing:
    """One socket's typing hints: at most one `typing` frame per room every TYPING_INTERVAL seconds."""

    __slots__ = ("channel_layer", "group", "last")  # one per open socket: kept small

    def __init__(self, channel_layer: BaseChannelLayer, network_id: int) -> None:
        self.channel_layer = channel_layer
        self.group = events.network_group(network_id)  # the room's listeners: everyone in the network
        self.last: dict[int, float] = {}  # room id → when this socket last told the room

    async def announce(self, room_id: int, user: User) -> None:
        now = time.monotonic()
        if now - self.last.get(room_id, 0) < TYPING_INTERVAL:
            return  # dropped silently: typing is a hint
        self.last[room_id] = now
        await events.send_now(self.channel_layer, self.group, events.typing_frame(room_id, user))
