"""This process's open discussion sockets: what lets them outlive a Redis outage and a restart.

- The sockets register when they have connected (`opened`) and go when they disconnect (`closed`).
- Groups are joined and left through here. A group that could not be joined (Redis unreachable) is joined again
  when the channel layer reaches Redis (`core.outages.connection_restored`, sent by `config.channel_layers`); so
  is every group of every socket, because a restarted Redis has forgotten them all. A group that could not be
  left is retried with backoff until it holds: a discard is never logged and forgotten (a forgotten one would leave
  the dead socket's channel in the group, taking fan-out until the group expires).
- `drained()` waits until every socket has gone: a stopping process (config.shutdown) has closed them with 1012
  and lets their disconnects finish before it exits.
"""

import asyncio
import logging
import random
import weakref
from typing import Any, Protocol

from channels.layers import BaseChannelLayer
from django.dispatch import receiver

from core.outages import connection_restored
from core.waves import Together

logger = logging.getLogger(__name__)

DISCARD_RETRY_SECONDS = (1, 2, 5, 10, 30, 60)  # then every minute until it holds


class GroupSocket(Protocol):
    channel_layer: Any
    channel_name: str

    def groups_joined(self) -> list[str]: ...


# Weak: a consumer whose task was cancelled before its disconnect() ran (a test's teardown, daphne killing a slow
# instance) leaves with its task instead of staying here for good.
_open: weakref.WeakSet[GroupSocket] = weakref.WeakSet()
_all_closed: asyncio.Event | None = None
_pending_discards: dict[str, set[str]] = {}  # channel name → groups it still has to leave
_discard_retry: asyncio.Task[None] | None = None


def opened(socket: GroupSocket) -> None:
    _open.add(socket)


def closed(socket: GroupSocket) -> None:
    _open.discard(socket)
    if not _open and _all_closed is not None:
        _all_closed.set()


async def join_groups(socket: GroupSocket) -> None:
    """Adds the socket to its groups, together with the other sockets connecting now (`joining`). If the layer
    fails, the socket stays open (sends and syncs work without the layer) and joins its groups when the layer is
    back."""
    try:
        await joining(socket)
    except Exception as error:
        logger.warning("A discussion socket could not join its groups (%s); it will when the layer is back", error)


async def join_wave(sockets: list[GroupSocket]) -> list[None]:
    """The groups of a wave of sockets, joined in one round trip where the layer can (config.channel_layers)."""
    by_layer: dict[int, tuple[BaseChannelLayer, list[tuple[str, str]]]] = {}
    for socket in sockets:
        _layer, memberships = by_layer.setdefault(id(socket.channel_layer), (socket.channel_layer, []))
        memberships.extend((group, socket.channel_name) for group in socket.groups_joined())
    for layer, memberships in by_layer.values():
        await add_all(layer, memberships)
    return [None] * len(sockets)


joining = Together(join_wave)


async def leave_groups(channel_layer: BaseChannelLayer, channel_name: str, groups: list[str]) -> None:
    """Discards a closed socket's channel from its groups; what fails is retried in the background."""
    failed = await discard(channel_layer, channel_name, groups)
    if failed:
        _pending_discards.setdefault(channel_name, set()).update(failed)
        retry_discards_later(channel_layer)


async def add_all(channel_layer: BaseChannelLayer, memberships: list[tuple[str, str]]) -> None:
    """Joins the (group, channel) pairs: in one round trip where the layer can, else one by one."""
    if hasattr(channel_layer, "group_add_many"):
        await channel_layer.group_add_many(memberships)
        return
    for group, channel_name in memberships:
        await channel_layer.group_add(group, channel_name)


async def discard(channel_layer: BaseChannelLayer, channel_name: str, groups: list[str] | set[str]) -> set[str]:
    """The groups that could not be left: in one round trip where the layer can (then all of them or none),
    else one by one."""
    if hasattr(channel_layer, "group_discard_many"):
        try:
            await channel_layer.group_discard_many([(group, channel_name) for group in groups])
        except Exception:
            return set(groups)
        return set()
    failed = set()
    for group in groups:
        try:
            await channel_layer.group_discard(group, channel_name)
        except Exception:
            failed.add(group)
    return failed


def retry_discards_later(channel_layer: BaseChannelLayer) -> None:
    global _discard_retry
    if _discard_retry is None or _discard_retry.done():
        _discard_retry = asyncio.ensure_future(retry_discards(channel_layer))


async def retry_discards(channel_layer: BaseChannelLayer) -> None:
    attempt = 0
    while _pending_discards:
        delay = DISCARD_RETRY_SECONDS[min(attempt, len(DISCARD_RETRY_SECONDS) - 1)]
        await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - spreading load, not a secret
        attempt += 1
        await discard_pending(channel_layer)
        if _pending_discards:
            logger.warning(
                "%s closed discussion sockets are still in their groups; trying again", len(_pending_discards)
            )


async def discard_pending(channel_layer: BaseChannelLayer) -> None:
    for channel_name, groups in list(_pending_discards.items()):
        failed = await discard(channel_layer, channel_name, groups)
        if failed:
            _pending_discards[channel_name] = failed
        else:
            del _pending_discards[channel_name]


@receiver(connection_restored)
async def rejoin_groups(sender: BaseChannelLayer, **kwargs: Any) -> None:
    """The channel layer reached Redis again: every open socket joins its groups again (a restarted Redis has
    forgotten them), and the discards that failed meanwhile are tried now."""
    sockets = list(_open)
    await asyncio.gather(*(join_groups(socket) for socket in sockets))
    await discard_pending(sender)
    logger.warning("%s discussion sockets joined their groups again", len(sockets))


async def drained(timeout: float) -> None:
    """Waits until every open socket has closed, at most `timeout` seconds."""
    global _all_closed
    if not _open:
        return
    _all_closed = asyncio.Event()
    try:
        await asyncio.wait_for(_all_closed.wait(), timeout)
    except TimeoutError:
        logger.warning("%s discussion sockets were still open when the process stopped", len(_open))
